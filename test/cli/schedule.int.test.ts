/**
 * `harness schedule …` end to end: the CLI creates, lists, describes, triggers and deletes a
 * schedule on the test server; an in-process worker runs what it starts.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessScheduleDescription, HarnessScheduleSummary, RunSummary } from '../../src/client/index.js';
import { temporalAddress, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { cliEnv, harness, type CliResult } from '../support/cli.js';

const workspace = writeWorkspace(
  tempDir(),
  `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "digest of {{input}}"
agents:
  - id: reports
    model: m
    tools: [echo]
defaultAgent: reports
`,
);

function ok(r: CliResult): string {
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Runs a CLI command until its JSON output satisfies `check` (visibility is eventually consistent). */
async function cliUntil<T>(args: string[], env: NodeJS.ProcessEnv, check: (value: T) => boolean, what: string): Promise<T> {
  return eventually(async () => JSON.parse(ok(await harness(args, env))) as T, check, what);
}

describe('harness schedule', () => {
  it('create, list, trigger, describe, list --schedule, delete', async () => {
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
      const id = uniqueId('nightly');

      const created = ok(await harness(['schedule', 'create', id, '--cron', '0 2 * * *', '--agent', 'reports', '--context', '{"tenant":"acme"}', 'orders of yesterday'], env));
      expect(created).toContain(`schedule ${id} created: cron 0 2 * * * (UTC), agent reports, task queue ${taskQueue}`);
      expect(created).toMatch(/next run: \d{4}-\d\d-\d\d 02:00:00Z/);

      const [listed, trigger, bad, unknownAgent] = await Promise.all([
        cliUntil<HarnessScheduleSummary[]>(['schedule', 'list', '--json'], env, (all) => all.some((s) => s.scheduleId === id), 'the schedule listed'),
        harness(['schedule', 'trigger', id], env),
        harness(['schedule', 'create', uniqueId('bad'), '--cron', '0 2 * *', 'x'], env),
        harness(['schedule', 'create', uniqueId('bad'), '--every', '1h', '--agent', 'nobody', 'x'], env),
      ]);
      expect(listed.find((s) => s.scheduleId === id)).toMatchObject({ agentId: 'reports', cron: ['0 2 * * *'], paused: false });
      expect(ok(trigger)).toContain(`triggered ${id}`);
      for (const [r, message] of [
        [bad, /error \[INVALID_SCHEDULE\]: Cron expression "0 2 \* \*" has 4 fields/],
        [unknownAgent, /error \[UNKNOWN_AGENT\]: Unknown agent "nobody"\. Known agents: reports/],
      ] as const) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).not.toMatch(/^\s+at /m);
      }

      const described = await cliUntil<HarnessScheduleDescription>(['schedule', 'describe', id, '--json'], env, (d) => d.recentRuns.length > 0, 'the triggered run');
      const runId = described.recentRuns[0]!.runId;
      expect(described).toMatchObject({ runsStarted: 1, run: { agentId: 'reports', input: 'orders of yesterday', context: { tenant: 'acme' } } });
      expect((await client.getRun(runId).result()).output).toBe('digest of orders of yesterday');

      const [runs, table, human] = await Promise.all([
        cliUntil<RunSummary[]>(['list', '--schedule', id, '--json'], env, (rs) => rs.some((r) => r.state === 'completed'), 'the run listed completed'),
        harness(['schedule', 'list'], env),
        harness(['schedule', 'describe', id], env),
      ]);
      expect(runs).toEqual([expect.objectContaining({ runId, agentId: 'reports', state: 'completed', scheduleId: id })]);
      expect(ok(table)).toMatch(new RegExp(`${id}\\s+cron 0 2 \\* \\* \\* \\(UTC\\)\\s+reports\\s+\\d{4}-\\d\\d-\\d\\d 02:00:00Z\\s+orders of yesterday`));
      expect(ok(human)).toContain(`runs started: 1`);
      expect(human.stdout).toContain(runId);

      expect(ok(await harness(['schedule', 'delete', id], env))).toContain(`deleted schedule ${id}`);
      const [gone, again] = await Promise.all([harness(['schedule', 'describe', id], env), harness(['schedule', 'delete', id], env)]);
      for (const r of [gone, again]) {
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(new RegExp(`error \\[SCHEDULE_NOT_FOUND\\]: No schedule "${id}"`));
      }
      // Visibility lags: poll the API (cheaper than a spawn per try) until the list drops it.
      await eventually(
        async () => (await client.schedules.list()).map((s) => s.scheduleId),
        (ids) => !ids.includes(id),
        `schedule ${id} to leave the list after delete`,
      );
    });
  }, 180_000); // ~10 CLI spawns of ~1-3 s each on a loaded 2-core machine
});
