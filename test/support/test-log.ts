/**
 * Setup file of the integration project: the Temporal SDK's log (its own lines, the native core's
 * at WARN and above, workflow and activity loggers) goes into a buffer instead of stderr, and is
 * printed only for a test that fails. Tests fail runs on purpose, so a passing run's log is noise;
 * a failing test's log is the first thing to read.
 *
 * The SDK runtime is installed once per process (`Runtime.install` throws the second time); the
 * integration project runs each test file in a fork of its own, so this file installs it first.
 */
import { inspect } from 'node:util';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import { beforeEach } from 'vitest';

/** Enough lines to show what led up to a failure, bounded so a chatty run cannot grow the heap. */
const KEEP = 2_000;
const lines: string[] = [];

function keep(entry: LogEntry): void {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const meta = entry.meta && Object.keys(entry.meta).length ? ` ${inspect(entry.meta, { breakLength: Infinity, depth: 4 })}` : '';
  lines.push(`${time} [${entry.level}] ${entry.message}${meta}`);
  if (lines.length > KEEP) lines.splice(0, lines.length - KEEP);
}

Runtime.install({
  logger: new DefaultLogger('INFO', keep),
  // Forward the native core's lines to that logger too (they go straight to stderr otherwise).
  telemetryOptions: { logging: { filter: { core: 'WARN', other: 'WARN' }, forward: {} } },
});

beforeEach((ctx) => {
  lines.length = 0;
  ctx.onTestFailed(() => {
    if (lines.length) console.error(`Temporal SDK log of this test (${lines.length} lines):\n${lines.join('\n')}`);
  });
});
