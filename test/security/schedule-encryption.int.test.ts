/**
 * Scheduled runs under payload encryption: the schedule as the server stores it (its start action
 * and memo) and the history of a run it started hold none of the run's input or context in clear.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import proto from '@temporalio/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { rawClient, rawHistory, withHarnessWorker } from '../support/security.js';

const saved = { key: process.env.HARNESS_ENCRYPTION_KEY, id: process.env.HARNESS_ENCRYPTION_KEY_ID };
afterEach(() => {
  if (saved.key === undefined) delete process.env.HARNESS_ENCRYPTION_KEY;
  else process.env.HARNESS_ENCRYPTION_KEY = saved.key;
  if (saved.id === undefined) delete process.env.HARNESS_ENCRYPTION_KEY_ID;
  else process.env.HARNESS_ENCRYPTION_KEY_ID = saved.id;
});

describe('schedules with HARNESS_ENCRYPTION_KEY', () => {
  it('store the run input and context encrypted, and their runs complete', async () => {
    const id = randomUUID().slice(0, 8);
    const m = { input: `NIGHTLY-INPUT-${id}`, context: `CTX-${id}` };
    process.env.HARNESS_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    process.env.HARNESS_ENCRYPTION_KEY_ID = 'sched-key';
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "summary of {{input}}"
agents:
  - id: reports
    model: m
    tools: [echo]
`,
    );
    const scheduleId = uniqueId('secret-nightly');
    const runId = await withHarnessWorker(workspace, async ({ client }) => {
      await client.schedules.create({ scheduleId, cron: '0 2 * * *', agentId: 'reports', input: m.input, context: { user: m.context } });
      try {
        // With the key, the schedule and its run read as usual.
        expect((await client.schedules.describe(scheduleId)).run).toMatchObject({ input: m.input, context: { user: m.context } });
        // The list reads the (encrypted) memo; visibility lags, so wait until it shows the schedule.
        const listed = await eventually(
          async () => (await client.schedules.list()).find((s) => s.scheduleId === scheduleId),
          (found) => found !== undefined,
          `schedule ${scheduleId} in the list`,
        );
        expect(listed).toMatchObject({ input: m.input, agentId: 'reports' });
        await client.schedules.trigger(scheduleId);
        const started = await eventually(
          async () => (await client.schedules.describe(scheduleId)).recentRuns[0]?.runId,
          (runId): runId is string => runId !== undefined,
          'the triggered run to start',
        );
        expect((await client.getRun(started).result()).output).toBe(`summary of ${m.input}`);

        // Without it, the server's copy of the schedule shows none of it.
        const raw = await rawClient();
        try {
          const stored = await raw.workflowService.describeSchedule({ namespace: 'default', scheduleId });
          const text = Buffer.from(proto.temporal.api.workflowservice.v1.DescribeScheduleResponse.encode(stored).finish()).toString('utf8');
          expect(text).toContain(scheduleId); // the scan does read the schedule
          for (const [what, value] of Object.entries(m)) expect(text.includes(value), `${what} in the stored schedule`).toBe(false);
        } finally {
          await raw.close();
        }
        return started;
      } finally {
        await client.schedules.delete(scheduleId);
      }
    });
    const history = await rawHistory(runId);
    for (const [what, value] of Object.entries(m)) expect(history.text.includes(value), `${what} in the run's history`).toBe(false);
  });
});
