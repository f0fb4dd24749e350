/** `harness run`: start a run of an agent (and optionally follow it to the end). */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { WorkspaceError } from '../../workspace/errors.js';
import type { Workspace } from '../../workspace/load.js';
import { contextFrom, loadContextWorkspace, parseJsonObject, printTarget, withClient, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { followRun } from '../follow.js';
import { block, c, err, out } from '../output.js';

interface RunOptions {
  agent?: string;
  follow?: boolean;
  /** False with --no-live. */
  live: boolean;
  runId?: string;
  thread?: string;
  context?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('start an agent run; prints its run id')
    .description(
      'Starts a run of an agent with the given input. Prints only the run id, so it composes:\n' +
        '  RUN=$(harness run "…")\n\n' +
        'With --follow it prints state changes and each approval the run waits for, with the exact ' +
        'commands to decide it, then the output (exit code 1 if the run failed). Its tokens come as the model writes ' +
        "them when the worker shares this process's payload store (see `harness watch --help`); --no-live waits for the run's durable log.",
    )
    .argument('<input>', "the user's message that starts the run")
    .option('-a, --agent <id>', 'agent id from the workspace (default: auto = routing rules, router model, then defaultAgent)')
    .option('-f, --follow', 'print progress and wait for the run to end')
    .option('--no-live', "with --follow, print from the run's durable log only (no tokens ahead of it)")
    .option('--run-id <id>', 'run id to use (default: run-<uuid>)')
    .option('--thread <id>', 'conversation this run belongs to')
    .option('--context <json>', 'caller context visible to tools, as a JSON object')
    .addHelpText(
      'after',
      `
Examples:
  $ harness run "Please refund order A-1001"
  $ harness run --agent support --follow "Please refund order A-1001"
  $ harness run --context '{"tenant":"acme","user":"ann"}' "Where is order A-1002?"
  $ RUN=$(harness run "Please refund order A-1001") && harness status "$RUN"`,
    )
    .action(async (input: string, opts: RunOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const context = opts.context === undefined ? undefined : parseJsonObject('--context', opts.context);
      const workspace = await optionalWorkspace(ctx);
      // Without --agent the run routes itself (rules, router model, defaultAgent) on the worker.
      const agentId = opts.agent ?? 'auto';
      const knownAgents = workspace ? [...workspace.agents.keys()] : undefined;
      await withClient(
        ctx,
        async (client) => {
          const options = {
            agentId,
            ...(opts.runId !== undefined && { runId: opts.runId }),
            ...(context !== undefined && { context }),
          };
          // With --thread the run joins that conversation (created on first use) and sees its
          // earlier messages; a busy thread follows the workspace's threads.onBusy.
          const run =
            opts.thread === undefined
              ? await client.startRun({ ...options, input })
              : await client
                  .thread(opts.thread, workspace ? { onBusy: workspace.config.threads.onBusy } : {})
                  .send(input, options);
          await warnIfNoWorker(client.temporal, ctx);
          if (!opts.follow) {
            out(run.runId);
            return;
          }
          out(`${c.bold(run.runId)} started: agent ${agentId}, task queue ${ctx.settings.taskQueue}`);
          const final = await followRun(run, await printTarget(ctx), client, { live: opts.live });
          if (final.state === 'completed') {
            out('', c.bold('Output:'), ...block(final.output ?? ''));
            return;
          }
          throw new CliError(final.state === 'cancelled' ? 'RUN_CANCELLED' : 'RUN_FAILED', final.error ?? `Run ${run.runId} ${final.state}`);
        },
        knownAgents,
      );
    });
}

/**
 * The workspace, if it loads, to check the agent id before anything starts. A broken or missing
 * one is not fatal (the worker may use another file); a file that exists but is invalid still
 * earns a warning.
 */
export async function optionalWorkspace(ctx: CliContext): Promise<Workspace | undefined> {
  try {
    return await loadContextWorkspace(ctx);
  } catch (e) {
    if (!(e instanceof WorkspaceError)) throw e;
    if (e.code !== 'WORKSPACE_NOT_FOUND') err(`warning: agent not checked; the workspace could not be loaded:\n${e.message}`);
    return undefined;
  }
}

/** A run with no worker on its queue just sits there; say so rather than leave the user guessing. */
async function warnIfNoWorker(temporal: Client, ctx: CliContext): Promise<void> {
  const { taskQueue, namespace, address } = ctx.settings;
  try {
    // The task queue type defaults to the workflow queue, which is the one a worker must poll.
    const res = await temporal.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue } });
    if ((res.pollers ?? []).length === 0) {
      err(
        `warning: no worker is polling task queue "${taskQueue}" on ${address}; the run waits until one starts ` +
          '(`harness worker`, or `harness dev` for a local server with a worker).',
      );
    }
  } catch {
    // Only a hint; never fail a started run over it.
  }
}
