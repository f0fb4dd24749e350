/** `harness grants` and `harness revoke-grant`: an agent's standing approvals, listed and revoked. */
import type { Command } from 'commander';
import { contextFrom, withClient } from '../context.js';
import { c, out, table } from '../output.js';

export function registerGrants(program: Command): void {
  program
    .command('grants')
    .summary("list an agent's grants (approvals people gave for later calls)")
    .argument('<agent>', 'agent id')
    .option('--json', 'print the grants as JSON')
    .addHelpText('after', '\nExamples:\n  $ harness grants support\n  $ harness revoke-grant support "run-1f0c…/call_1_0"')
    .action(async (agentId: string, opts: { json?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const grants = await client.grants(agentId).list();
        if (opts.json) return out(JSON.stringify(grants, null, 2));
        if (grants.length === 0) return out(`Agent ${agentId} has no grants.`);
        out(
          ...table(
            ['GRANT', 'TOOL', 'SCOPE', 'BY', 'EXPIRES'],
            grants.map((g) => [g.grantId, g.toolName, g.scope === 'thread' ? `thread ${g.threadId}` : 'agent', g.grantedBy, g.expiresAt ?? 'until revoked']),
          ),
        );
      });
    });

  program
    .command('revoke-grant')
    .summary('revoke a grant: the calls it covered are asked again')
    .argument('<agent>', 'agent id')
    .argument('<grant>', 'grant id (`<run id>/<approval id>`, see `harness grants`)')
    .option('--by <name>', 'who revokes (recorded)')
    .addHelpText('after', '\nExamples:\n  $ harness grants support\n  $ harness revoke-grant support "run-1f0c…/call_1_0" --by ann')
    .action(async (agentId: string, grantId: string, opts: { by?: string }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const grant = await client.grants(agentId).revoke(grantId, opts.by !== undefined ? { revokedBy: opts.by } : {});
        out(`${c.bold(grant.grantId)} revoked (${grant.toolName}, granted by ${grant.grantedBy}).`);
      });
    });
}
