/** `harness schedule …`: runs on a timetable through Temporal Schedules (a nightly agent, say). */
import { Option, type Command } from 'commander';
import type { ScheduleOverlapPolicy } from '@temporalio/client';
import type { HarnessScheduleDescription, HarnessScheduleSummary } from '../../client/schedules.js';
import { contextFrom, parseJsonObject, withClient } from '../context.js';
import { c, out, shellQuote, table } from '../output.js';
import { optionalWorkspace } from './run.js';

interface CreateOptions {
  cron?: string;
  every?: string;
  timezone?: string;
  agent?: string;
  context?: string;
  overlap: string;
  paused?: boolean;
  note?: string;
}

const OVERLAP_CHOICES = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'];

export function registerSchedule(program: Command): void {
  const schedule = program
    .command('schedule')
    .summary('runs on a timetable (Temporal Schedules): create, list, describe, trigger, pause, delete')
    .description(
      'A schedule starts a run of an agent at the times you give (cron or a fixed interval). Its runs ' +
        'are ordinary runs named run-<schedule>-<time>: `harness list --schedule ID`, `status`, `watch` ' +
        'and the Web UI show them like any other. The schedule lives on the Temporal server; a worker ' +
        'must be running for its runs to make progress.',
    );

  schedule
    .command('create')
    .summary('create a schedule that starts a run each time it fires')
    .argument('<id>', 'schedule id (A-Z a-z 0-9 _ . : -), e.g. nightly-report')
    .argument('<input>', "the message each run starts with")
    .option('--cron <expr>', 'cron expression in UTC (or --timezone), e.g. "0 2 * * *" = 02:00 every day; or @daily, @hourly…')
    .option('--every <duration>', 'fixed interval instead of cron, e.g. 30m, 1h, 1d')
    .option('--timezone <zone>', 'IANA time zone for --cron, e.g. Europe/Paris (default: UTC)')
    .option('-a, --agent <id>', 'agent id from the workspace (default: auto = routing)')
    .option('--context <json>', 'caller context for each run, as a JSON object')
    .addOption(
      new Option('--overlap <policy>', 'when a firing comes while the previous run is still going (e.g. waiting for approval)')
        .choices(OVERLAP_CHOICES)
        .default('skip'),
    )
    .option('--paused', 'create it paused (nothing fires until `harness schedule unpause`)')
    .option('--note <text>', 'a note shown with the schedule')
    .addHelpText(
      'after',
      `
Examples:
  $ harness schedule create nightly-report --cron "0 2 * * *" --agent reports "Summarize yesterday's orders"
  $ harness schedule create hourly-check --every 1h "Check for stuck refunds"
  $ harness schedule create paris-9am --cron "0 9 * * MON-FRI" --timezone Europe/Paris "Morning digest"`,
    )
    .action(async (scheduleId: string, input: string, opts: CreateOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const context = opts.context === undefined ? undefined : parseJsonObject('--context', opts.context);
      const workspace = await optionalWorkspace(ctx);
      await withClient(
        ctx,
        async (client) => {
          const created = await client.schedules.create({
            scheduleId,
            input,
            overlap: opts.overlap.toUpperCase().replaceAll('-', '_') as ScheduleOverlapPolicy,
            ...(opts.cron !== undefined && { cron: opts.cron }),
            ...(opts.every !== undefined && { every: opts.every }),
            ...(opts.timezone !== undefined && { timezone: opts.timezone }),
            ...(opts.agent !== undefined && { agentId: opts.agent }),
            ...(context !== undefined && { context }),
            ...(opts.paused && { paused: true }),
            ...(opts.note !== undefined && { note: opts.note }),
          });
          out(
            `schedule ${c.bold(scheduleId)} created: ${timing(created)}, agent ${created.agentId}, task queue ${created.taskQueue}`,
            created.paused ? '  paused: nothing fires until `harness schedule unpause`' : `  next run: ${formatTime(created.nextRunTimes[0])}`,
            `  run one now: harness schedule trigger ${shellQuote(scheduleId)}`,
            `  its runs:    harness list --schedule ${shellQuote(scheduleId)}`,
          );
        },
        workspace ? [...workspace.agents.keys()] : undefined,
      );
    });

  schedule
    .command('list')
    .summary("list the task queue's schedules")
    .option('--json', 'print them as JSON')
    .addHelpText('after', '\nExamples:\n  $ harness schedule list\n  $ harness schedule list --json | jq -r \'.[].scheduleId\'')
    .action(async (opts: { json?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const schedules = (await client.schedules.list()).sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
        if (opts.json) return out(JSON.stringify(schedules, null, 2));
        if (schedules.length === 0) return out(c.dim('no schedules (create one with `harness schedule create`)'));
        out(
          ...table(
            ['SCHEDULE', 'WHEN', 'AGENT', 'NEXT RUN', 'INPUT'],
            schedules.map((s) => [s.scheduleId, timing(s), s.agentId, s.paused ? 'paused' : formatTime(s.nextRunTimes[0]), oneLine(s.input, 60)]),
          ),
        );
      });
    });

  schedule
    .command('describe')
    .summary('show one schedule: its run input, timing, next times and the runs it started')
    .argument('<id>', 'schedule id')
    .option('--json', 'print it as JSON')
    .addHelpText('after', '\nExamples:\n  $ harness schedule describe nightly-report\n  $ harness schedule describe nightly-report --json | jq \'.recentRuns\'')
    .action(async (scheduleId: string, opts: { json?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const d = await client.schedules.describe(scheduleId);
        if (opts.json) return out(JSON.stringify(d, null, 2));
        out(...formatDescription(d));
      });
    });

  schedule
    .command('trigger')
    .summary('start one run now, whatever the timetable says')
    .argument('<id>', 'schedule id')
    .addHelpText('after', '\nExamples:\n  $ harness schedule trigger nightly-report')
    .action(async (scheduleId: string, _opts: unknown, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        await client.schedules.trigger(scheduleId);
        out(`triggered ${scheduleId}: its run appears in \`harness schedule describe ${shellQuote(scheduleId)}\` and \`harness list --schedule ${shellQuote(scheduleId)}\``);
      });
    });

  schedule
    .command('pause')
    .summary('stop firing until unpaused (runs already started go on)')
    .argument('<id>', 'schedule id')
    .option('--note <text>', 'why (shown by describe)')
    .addHelpText('after', '\nExamples:\n  $ harness schedule pause nightly-report --note "quarter close"')
    .action(async (scheduleId: string, opts: { note?: string }, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        await client.schedules.pause(scheduleId, ...(opts.note !== undefined ? [opts.note] : []));
        out(`paused ${scheduleId}`);
      });
    });

  schedule
    .command('unpause')
    .summary('resume firing')
    .argument('<id>', 'schedule id')
    .addHelpText('after', '\nExamples:\n  $ harness schedule unpause nightly-report')
    .action(async (scheduleId: string, _opts: unknown, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        await client.schedules.unpause(scheduleId);
        out(`unpaused ${scheduleId}`);
      });
    });

  schedule
    .command('delete')
    .summary('delete a schedule (the runs it started are not touched)')
    .argument('<id>', 'schedule id')
    .addHelpText('after', '\nExamples:\n  $ harness schedule delete nightly-report')
    .action(async (scheduleId: string, _opts: unknown, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        await client.schedules.delete(scheduleId);
        out(`deleted schedule ${scheduleId}; runs it started are unchanged`);
      });
    });
}

function timing(s: HarnessScheduleSummary): string {
  const tz = s.timezone ? ` (${s.timezone})` : s.cron ? ' (UTC)' : '';
  if (s.cron) return `cron ${s.cron.join(' | ')}${tz}`;
  if (s.everyMs !== undefined) return `every ${formatDuration(s.everyMs)}`;
  return '-';
}

function formatDescription(d: HarnessScheduleDescription): string[] {
  return [
    `${c.bold(d.scheduleId)}  ${timing(d)}${d.paused ? `  ${c.yellow('paused')}` : ''}`,
    `  agent ${d.agentId}, task queue ${d.taskQueue}, overlap ${(d.overlap ?? 'SKIP').toLowerCase().replaceAll('_', '-')}`,
    `  input: ${oneLine(d.run.input, 200)}`,
    ...(d.run.context ? [`  context: ${JSON.stringify(d.run.context)}`] : []),
    ...(d.note ? [`  note: ${d.note}`] : []),
    `  runs started: ${d.runsStarted}${d.runningRunIds.length ? `; running: ${d.runningRunIds.join(', ')}` : ''}`,
    `  next runs: ${d.paused ? '(paused)' : d.nextRunTimes.slice(0, 3).map(formatTime).join(', ') || '-'}`,
    ...(d.recentRuns.length ? ['  recent runs:', ...d.recentRuns.map((r) => `    ${r.runId}  started ${formatTime(r.startedAt)}`)] : []),
  ];
}

function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

function formatTime(d: Date | undefined): string {
  return d ? d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

function oneLine(s: string, n: number): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
}
