/** `harness list` and `harness cancel`: find runs, stop one. */
import { Option, type Command } from 'commander';
import { RUN_STATES, type RunState } from '../../workflows/run/contract.js';
import { contextFrom, positiveInt, withClient } from '../context.js';
import { c, out, table } from '../output.js';

interface ListOptions {
  state?: RunState;
  agent?: string;
  schedule?: string;
  limit: number;
  json?: boolean;
}

export function registerRuns(program: Command): void {
  program
    .command('list')
    .summary('list the runs of the task queue, newest first')
    .description(
      'Lists runs through Temporal visibility, newest first. Visibility is eventually consistent: ' +
        'a run that just changed state can take a moment to show up under its new state.',
    )
    .addOption(new Option('--state <state>', 'only runs in this state').choices(RUN_STATES))
    .option('--agent <id>', 'only runs of this agent')
    .option('--schedule <id>', 'only runs this schedule started')
    .option('--limit <n>', 'at most this many runs', positiveInt('--limit'), 20)
    .option('--json', 'print the runs as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ harness list --state waiting_for_approval
  $ harness list --agent support --limit 5
  $ harness list --schedule nightly-report
  $ harness list --json | jq -r '.[].runId'`,
    )
    .action(async (opts: ListOptions, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const runs = await client.listRuns({
          limit: opts.limit,
          // This deployment's runs (--task-queue / HARNESS_TASK_QUEUE): others may share the namespace.
          taskQueue: ctx.settings.taskQueue,
          ...(opts.state && { state: opts.state }),
          ...(opts.agent && { agentId: opts.agent }),
          ...(opts.schedule && { scheduleId: opts.schedule }),
        });
        if (opts.json) {
          out(JSON.stringify(runs, null, 2));
          return;
        }
        if (runs.length === 0) {
          out(c.dim('no runs found'));
          return;
        }
        out(
          ...table(
            ['RUN ID', 'AGENT', 'STATE', 'STARTED'],
            runs.map((r) => [r.runId, r.agentId ?? '-', r.state ?? '-', formatTime(r.startTime)]),
          ),
        );
      });
    });

  program
    .command('cancel')
    .summary('cancel a run')
    .description('Requests cancellation of a run: it stops waiting (or its in-flight calls are cancelled) and ends `cancelled`.')
    .argument('<run>', 'run id')
    .addHelpText('after', '\nExamples:\n  $ harness cancel run-1f0c…')
    .action(async (runId: string, _opts: unknown, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        await client.getRun(runId).cancel();
        out(`cancellation requested for ${runId}; it ends as cancelled (check with \`harness status ${runId}\`)`);
      });
    });
}

function formatTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
