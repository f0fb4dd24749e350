/** `harness watch`: follow a run's events live (tokens, tools, approvals) until it ends. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { contextFrom, printTarget, withClient } from '../context.js';
import { CliError } from '../errors.js';
import { EventPrinter, queryStatus } from '../follow.js';
import { block, c, out } from '../output.js';

interface WatchOptions {
  from?: number;
  json?: boolean;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .summary("follow a run's events live until it ends")
    .description(
      "Prints a run as it happens: state changes, the model's tokens as they are written, tool calls " +
        'and results, each pending approval with the commands that decide it, and each decision. ' +
        'Works on finished runs too (it replays their events). Exits 1 if the run failed or was cancelled.',
    )
    .argument('<run>', 'run id')
    .option('--from <offset>', 'start at this event offset (resume after a disconnect)', offsetArg, 0)
    .option('--json', 'print each event as one JSON line: {"offset":…,"event":{…}}')
    .addHelpText(
      'after',
      `
Examples:
  $ harness watch run-1f0c…
  $ harness watch run-1f0c… --json | jq -c 'select(.event.type == "tool.result")'
  $ harness watch run-1f0c… --from 42`,
    )
    .action(async (runId: string, opts: WatchOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const fromOffset = opts.from ?? 0;
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        await queryStatus(client, runId); // a clear error now for an unknown run or a missing worker
        const printer = new EventPrinter(runId, await printTarget(ctx));
        for await (const item of run.events({ fromOffset })) {
          if (opts.json) out(JSON.stringify(item));
          else printer.print(item.event);
        }
        printer.endLine();
        const final = await queryStatus(client, runId);
        if (opts.json) return;
        if (final.state === 'completed') out('', c.bold('Output:'), ...block(final.output ?? ''));
        else throw new CliError(final.state === 'cancelled' ? 'RUN_CANCELLED' : 'RUN_FAILED', final.error ?? `Run ${runId} ${final.state}`);
      });
    });
}

function offsetArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--from must be an event offset (0 or more).');
  return n;
}
