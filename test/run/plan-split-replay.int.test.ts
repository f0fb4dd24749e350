import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(limits: string): string {
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
          - text: "All done"
agents:
  - { id: a, model: m, tools: [echo] }
limits:
  ${limits}
`,
  );
}

/**
 * Starts a run and queries it before any worker polls its queue: the server hands the query to the
 * run's first workflow task, and the worker answers it while planning (a local activity) is in
 * flight, so the plan reaches the workflow in another task than on replay. Returns the histories
 * of every run of the chain, first to last, once the run has finished.
 */
async function splitPlanningRun(limits: string) {
  const taskQueue = uniqueId('tq');
  const starter = await connectClient(taskQueue);
  const run = await starter.startRun({ agentId: 'a', input: 'go' });
  const answered = run.status();
  try {
    return await withWorker(
      workspace(limits),
      async ({ client }) => {
        await answered;
        await run.result();
        const { raw } = await client.temporal.workflow.getHandle(run.runId).describe();
        const histories = [];
        for (let runId: string | undefined = raw.workflowExecutionInfo!.firstRunId!; runId; ) {
          const history = await client.temporal.workflow.getHandle(run.runId, runId).fetchHistory();
          histories.push(history);
          runId = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
        }
        return { workflowId: run.runId, histories };
      },
      { taskQueue },
    );
  } finally {
    await starter.close();
  }
}

function tasksBeforeFirstModelCall(history: Awaited<ReturnType<typeof splitPlanningRun>>['histories'][number]): number {
  const events = history.events ?? [];
  const end = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callModel');
  return events.slice(0, end < 0 ? events.length : end).filter((e) => e.workflowTaskCompletedEventAttributes).length;
}

const replay = (workflowId: string, history: Parameters<typeof Worker.runReplayHistory>[1]) =>
  Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, workflowId);

describe('a run whose planning a query split across two workflow tasks replays without nondeterminism', () => {
  it('over maxConcurrentRuns: it joins the slot line the same way live and on replay', async () => {
    const { workflowId, histories } = await splitPlanningRun('maxConcurrentRuns: 1');
    expect(histories).toHaveLength(1);
    expect(tasksBeforeFirstModelCall(histories[0]!), 'planning was split').toBeGreaterThan(1);
    await replay(workflowId, histories[0]!);
  });

  it('with continueAsNewAfterEvents: 10: it does not continue as new before its first model call', async () => {
    const { workflowId, histories } = await splitPlanningRun('continueAsNewAfterEvents: 10');
    expect(tasksBeforeFirstModelCall(histories[0]!), 'planning was split').toBeGreaterThan(1);
    expect(histories[0]!.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callModel')).toBe(true);
    expect(histories.length, 'the run still continues as new later').toBeGreaterThan(1);
    for (const history of histories) await replay(workflowId, history);
  });
});
