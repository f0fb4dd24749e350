/**
 * Scheduled runs through Temporal Schedules, against the real dev server: a schedule's runs are
 * ordinary runs (same workflow, task queue, search attributes, UI summary), listed by
 * `listRuns`, and deleting the schedule leaves them alone.
 */
import { describe, expect, it } from 'vitest';
import { HarnessClientError, type HarnessClient, type HarnessScheduleDescription } from '../../src/client/index.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';

const workspace = writeWorkspace(
  tempDir(),
  `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "report for {{input}}"
agents:
  - id: reports
    model: m
    tools: [echo]
defaultAgent: reports
`,
);

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(HarnessClientError);
  expect((e as HarnessClientError).code).toBe(code);
  if (message) expect((e as Error).message).toMatch(message);
}

async function firstRunOf(client: HarnessClient, scheduleId: string): Promise<string> {
  const d = await eventually(
    () => client.schedules.describe(scheduleId),
    (s: HarnessScheduleDescription) => s.recentRuns.length > 0,
    `a run started by ${scheduleId}`,
  );
  return d.recentRuns[0]!.runId;
}

describe('schedules', () => {
  it('a nightly schedule: trigger starts an ordinary run that completes and is listed; delete removes the schedule only', async () => {
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const scheduleId = uniqueId('nightly');
      const created = await client.schedules.create({
        scheduleId,
        cron: '0 2 * * *',
        agentId: 'reports',
        input: 'yesterday',
        context: { tenant: 'acme' },
      });
      expect(created).toMatchObject({
        scheduleId,
        agentId: 'reports',
        input: 'yesterday',
        taskQueue,
        cron: ['0 2 * * *'],
        paused: false,
        overlap: 'SKIP',
        runsStarted: 0,
        run: { agentId: 'reports', input: 'yesterday', context: { tenant: 'acme' } },
      });
      // 02:00 UTC, the next night.
      const next = created.nextRunTimes[0]!;
      expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([2, 0, 0]);
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);

      await client.schedules.trigger(scheduleId);
      const runId = await firstRunOf(client, scheduleId);
      expect(runId.startsWith(`run-${scheduleId}-`)).toBe(true);

      const run = client.getRun(runId);
      const result = await run.result();
      expect(result.output).toBe('report for yesterday');
      const status = await run.status();
      expect(status).toMatchObject({ runId, agentId: 'reports', state: 'completed' });

      // Started exactly like startRun: same task queue, UI summary, search attributes.
      const handle = client.temporal.workflow.getHandle(runId);
      const info = await handle.describe();
      expect(info.type).toBe('agentRun');
      expect(info.taskQueue).toBe(taskQueue);
      expect(await info.staticSummary()).toBe('reports: "yesterday"');
      expect(await info.staticDetails()).toContain(`**schedule** \`${scheduleId}\``);

      const listed = await eventually(
        () => client.listRuns({ scheduleId, taskQueue }),
        (runs) => runs.some((r) => r.runId === runId && r.state === 'completed'),
        'the scheduled run listed as completed',
      );
      expect(listed.find((r) => r.runId === runId)).toMatchObject({ agentId: 'reports', state: 'completed', scheduleId });

      const schedules = await eventually(
        () => client.schedules.list(),
        (all) => all.some((s) => s.scheduleId === scheduleId),
        'the schedule listed',
      );
      expect(schedules.find((s) => s.scheduleId === scheduleId)).toMatchObject({
        agentId: 'reports',
        input: 'yesterday',
        taskQueue,
        cron: ['0 2 * * *'],
        paused: false,
      });

      await client.schedules.delete(scheduleId);
      await expectCode(client.schedules.describe(scheduleId), 'SCHEDULE_NOT_FOUND', new RegExp(scheduleId));
      await expectCode(client.schedules.delete(scheduleId), 'SCHEDULE_NOT_FOUND');
      // The run it started is untouched.
      expect((await run.status()).state).toBe('completed');
    });
  });

  it('an interval schedule fires on its own; pause and unpause; a second create with the same id is refused', async () => {
    await withWorker(workspace, async ({ client }) => {
      const scheduleId = uniqueId('every');
      await client.schedules.create({ scheduleId, every: '1s', input: 'tick' });
      try {
        const runId = await firstRunOf(client, scheduleId);
        expect((await client.getRun(runId).result()).output).toBe('report for tick');
        await expectCode(client.schedules.create({ scheduleId, every: '1h', input: 'again' }), 'SCHEDULE_ALREADY_EXISTS');

        await client.schedules.pause(scheduleId, 'quiet hours');
        const paused = await client.schedules.describe(scheduleId);
        expect(paused).toMatchObject({ paused: true, note: 'quiet hours', everyMs: 1_000, agentId: 'auto' });
        await client.schedules.unpause(scheduleId);
        expect((await client.schedules.describe(scheduleId)).paused).toBe(false);
      } finally {
        await client.schedules.delete(scheduleId);
      }
    });
  });

  it("stores no plan, carried state or parent a caller passes: each firing's run plans itself", async () => {
    await withWorker(workspace, async ({ client }) => {
      const scheduleId = uniqueId('smuggled');
      const smuggled = { plan: { routing: { selectedAgentId: 'ghost' } }, carried: { step: 9 }, parent: { workflowId: 'x' } };
      await client.schedules.create({ scheduleId, every: '1h', paused: true, input: 'tick', ...(smuggled as object) });
      try {
        const { action } = await client.temporal.schedule.getHandle(scheduleId).describe();
        const [args] = (action as { args: Record<string, unknown>[] }).args;
        expect(args).toMatchObject({ input: 'tick' });
        expect(Object.keys(args!).filter((k) => k in smuggled)).toEqual([]);
      } finally {
        await client.schedules.delete(scheduleId);
      }
    });
  });

  it('bad schedules are refused with INVALID_SCHEDULE or UNKNOWN_AGENT, and nothing is created', async () => {
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const scheduleId = uniqueId('bad');
      // Shape errors are caught before the server; a field value out of range by the server.
      await expectCode(client.schedules.create({ scheduleId, cron: '0 2 * *', input: 'x' }), 'INVALID_SCHEDULE', /has 4 fields/);
      await expectCode(client.schedules.create({ scheduleId, cron: '99 2 * * *', input: 'x' }), 'INVALID_SCHEDULE', /server refused/);
      await expectCode(client.schedules.create({ scheduleId, every: 'nightly', input: 'x' }), 'INVALID_SCHEDULE', /^The interval must be a duration such as "30s", "2m"/);
      await expectCode(client.schedules.create({ scheduleId, input: 'x' }), 'INVALID_SCHEDULE', /give `cron`/);
      await expectCode(client.schedules.create({ scheduleId, every: '1h', input: '' }), 'INVALID_SCHEDULE', /input/);
      await expectCode(client.schedules.create({ scheduleId: 'has space', every: '1h', input: 'x' }), 'INVALID_SCHEDULE', /Schedule id/);
      const { HarnessClient } = await import('../../src/client/index.js');
      const checked = new HarnessClient(client.temporal, { taskQueue, knownAgents: ['reports'] });
      await expectCode(checked.schedules.create({ scheduleId, every: '1h', agentId: 'nope', input: 'x' }), 'UNKNOWN_AGENT', /Known agents: reports/);
      await expectCode(client.schedules.describe(scheduleId), 'SCHEDULE_NOT_FOUND');
    });
  });
});
