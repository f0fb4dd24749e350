import { expect, it } from 'vitest';
import type { HarnessEvent } from '../../src/client/index.js';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "Looking it up."
            toolCalls: [{ name: echo, args: { text: hi } }]
          - text: "All done: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [echo] }
`,
  );
}

it("a run whose planning a query split across two workflow tasks has the same event log live and when its history is replayed", async () => {
  // Started and queried before any worker polls its queue: the server hands the query to the run's
  // first workflow task, and the worker answers it while planning (a local activity) is in flight,
  // so the plan reaches the workflow in another task than the one that asked for it. Workflow
  // time there differs between the run and a replay of it, which stamped run.routed and
  // step.started differently (the HTTP API's status check before streaming did this under load).
  const taskQueue = uniqueId('tq');
  const starter = await connectClient(taskQueue);
  const run = await starter.startRun({ agentId: 'a', input: 'go' });
  const answered = run.status();
  await withWorker(
    workspace(),
    async ({ client }) => {
      await answered;
      const live: HarnessEvent[] = [];
      for await (const { event } of run.events()) live.push(event);
      await run.result();

      const history = (await client.temporal.workflow.getHandle(run.runId).fetchHistory()).events ?? [];
      const firstModelCall = history.findIndex((e) => e.activityTaskScheduledEventAttributes);
      const tasksBefore = history.slice(0, firstModelCall).filter((e) => e.workflowTaskCompletedEventAttributes);
      expect(tasksBefore.length, 'planning was split across two workflow tasks').toBeGreaterThan(1);

      // The run has closed: its event log now comes from a replay of its history.
      const replayed: HarnessEvent[] = [];
      for await (const { event } of run.events()) replayed.push(event);
      expect(replayed).toEqual(live);
      const at = (type: string) => Date.parse(live.find((e) => e.type === type)!.at);
      expect(at('run.routed')).toBeGreaterThanOrEqual(at('run.created'));
      expect(at('step.started')).toBeGreaterThanOrEqual(at('run.routed'));
    },
    { taskQueue },
  );
  await starter.close();
});
