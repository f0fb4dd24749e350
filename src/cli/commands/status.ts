/** `harness status`: a run's state, pending approvals (with the commands to decide them), decisions, output. */
import type { Command } from 'commander';
import { contextFrom, printTarget, withClient } from '../context.js';
import { queryStatus } from '../follow.js';
import { formatStatus, out } from '../output.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .summary("show a run's state, pending approvals and decisions")
    .description(
      "Shows a run's state, agent and step, each pending approval (who may decide it, its deadline) with the commands that decide it, " +
        'the decisions taken (who, how, why), decisions the run ignored, and its output or error. ' +
        'Works on finished runs too.',
    )
    .argument('<run>', 'run id (printed by `harness run`, listed by `harness list`)')
    .option('--json', 'print the RunStatus as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ harness status run-1f0c…
  $ harness status run-1f0c… --json | jq '.pendingApprovals[].approvalId'`,
    )
    .action(async (runId: string, opts: { json?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const status = await queryStatus(client, runId);
        if (opts.json) out(JSON.stringify(status, null, 2));
        else out(...formatStatus(status, await printTarget(ctx)));
      });
    });
}
