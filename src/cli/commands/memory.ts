/**
 * `harness memory`: look at and delete long-term memories of the workspace's store, by
 * namespace (e.g. to honour a user's request to be forgotten), and purge expired ones.
 */
import type { Command } from 'commander';
import type { MemoryService } from '../../memory/memory-service.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { c, out } from '../output.js';

export function registerMemory(program: Command): void {
  const memory = program
    .command('memory')
    .summary("list and delete long-term memories (the workspace's memory store)")
    .description(
      "Works on the store of the workspace's `memory` section directly (no Temporal server needed). " +
        'Namespaces are what the namespace template gives for a run, e.g. "user:ann" for "user:{{context.userId}}".',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ harness memory list user:ann
  $ harness memory forget user:ann --id m-3f2a9c0d1e2b4a5f
  $ harness memory forget user:ann --all      # everything of that namespace
  $ harness memory purge                      # delete expired memories now`,
    );

  memory
    .command('list')
    .summary("a namespace's memories, newest first (expired ones left out)")
    .argument('<namespace>', 'e.g. user:ann')
    .option('--json', 'print them as JSON')
    .addHelpText('after', '\nExamples:\n  $ harness memory list user:ann\n  $ harness memory list user:ann --json | jq -r \'.[].text\'')
    .action(async (namespace: string, opts: { json?: boolean }, command: Command) => {
      await withMemory(command, async (service) => {
        const memories = await (await service.storeHandle()).list(namespace, Date.now());
        if (opts.json) return out(JSON.stringify(memories, null, 2));
        if (memories.length === 0) return out(`No memories in namespace "${namespace}".`);
        for (const m of memories) {
          const expires = m.expiresAt ? `, expires ${new Date(m.expiresAt).toISOString()}` : '';
          out(`${c.bold(m.id)} ${c.dim(`${new Date(m.createdAt).toISOString()}${expires} ${JSON.stringify(m.metadata)}`)}`, `  ${m.text}`);
        }
      });
    });

  memory
    .command('forget')
    .summary('delete memories of a namespace by id, or all of them')
    .argument('<namespace>', 'e.g. user:ann')
    .option('--id <id...>', 'memory ids (from `harness memory list` or the recall tool)')
    .option('--all', 'delete every memory of the namespace')
    .addHelpText('after', '\nExamples:\n  $ harness memory forget user:ann --id m-3f2a9c0d1e2b4a5f\n  $ harness memory forget user:ann --all      # everything of that namespace')
    .action(async (namespace: string, opts: { id?: string[]; all?: boolean }, command: Command) => {
      if (!opts.id === !opts.all) {
        throw new CliError('INVALID_ARGUMENTS', 'Say what to delete: --id <id…> for some memories, or --all for the whole namespace (not both).');
      }
      await withMemory(command, async (service) => {
        const deleted = await (await service.storeHandle()).delete(namespace, opts.all ? undefined : opts.id);
        out(`Deleted ${deleted} ${deleted === 1 ? 'memory' : 'memories'} from namespace "${namespace}".`);
      });
    });

  memory
    .command('purge')
    .summary('delete every expired memory now (writes do it too)')
    .addHelpText('after', '\nExamples:\n  $ harness memory purge')
    .action(async (_opts: unknown, command: Command) => {
      await withMemory(command, async (service) => {
        const deleted = await (await service.storeHandle()).purgeExpired(Date.now());
        out(`Purged ${deleted} expired ${deleted === 1 ? 'memory' : 'memories'}.`);
      });
    });
}

async function withMemory(command: Command, body: (service: MemoryService) => Promise<void>): Promise<void> {
  const ctx = await contextFrom(command);
  const [{ loadWorkspace }, { isMemoryError }] = await Promise.all([import('../../workspace/load.js'), import('../../memory/errors.js')]);
  const workspace = await loadWorkspace(ctx.workspacePath);
  if (!workspace.memory) {
    throw new CliError('MEMORY_NOT_CONFIGURED', `${workspace.file} has no \`memory\` section, so there is no memory store to work on.`);
  }
  try {
    await body(workspace.memory);
  } catch (e) {
    if (isMemoryError(e)) throw new CliError(e.code, e.message, { cause: e });
    throw e;
  } finally {
    await workspace.memory.close();
  }
}
