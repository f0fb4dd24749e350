/** `harness watch`: follow a run's events live (tokens, tools, approvals) until it ends. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { contextFrom, printTarget, withClient } from '../context.js';
import { CliError } from '../errors.js';
import { EventPrinter, queryStatus, terminalEvents } from '../follow.js';
import { block, c, out } from '../output.js';

interface WatchOptions {
  from?: number;
  json?: boolean;
  /** False with --no-live. */
  live: boolean;
}

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .summary("follow a run's events live until it ends")
    .description(
      "Prints a run as it happens: state changes, the model's tokens as they are written, tool calls " +
        'and results, each pending approval with the commands that decide it, and each decision. ' +
        'Works on finished runs too (it replays their events). Exits 1 if the run failed or was cancelled.\n\n' +
        "Tokens come the moment the model writes them when the worker shares this process's payload store " +
        '(HARNESS_PAYLOAD_STORE: the same directory on this machine, or the same PostgreSQL), otherwise from the ' +
        "run's durable log a fraction of a second later. With --json such tokens are lines marked \"live\":true that carry " +
        "the offset of the last log event before them, and the log's later copies of text already printed are trimmed " +
        'or skipped (offsets then have gaps); resuming with --from <last offset + 1> is exact for the log but may repeat ' +
        'text printed live. --no-live prints the durable log alone: every event once, offsets contiguous.',
    )
    .argument('<run>', 'run id')
    .option('--from <offset>', 'start at this event offset of the log (resume after a disconnect: last offset + 1)', offsetArg, 0)
    .option('--json', 'print each event as one JSON line: {"offset":…,"event":{…}} (tokens shown live add "live":true)')
    .option('--no-live', "read the run's durable log only (no tokens ahead of it)")
    .addHelpText(
      'after',
      `
Examples:
  $ harness watch run-1f0c…
  $ harness watch run-1f0c… --json | jq -c 'select(.event.type == "tool.result")'
  $ harness watch run-1f0c… --from 42
  $ harness watch run-1f0c… --json --no-live > events.jsonl`,
    )
    .action(async (runId: string, opts: WatchOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const fromOffset = opts.from ?? 0;
      await withClient(ctx, async (client) => {
        const run = client.getRun(runId);
        await queryStatus(client, runId); // a clear error now for an unknown run or a missing worker
        const printer = new EventPrinter(runId, await printTarget(ctx));
        for await (const item of terminalEvents(run, { fromOffset, live: opts.live })) {
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
