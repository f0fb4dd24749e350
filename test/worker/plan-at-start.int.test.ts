/**
 * Planning at start: a client in the worker's process (`HarnessWorker.client()`) plans the run
 * with the worker's workspace and passes the plan in the start input, so the first workflow task
 * runs no `planRun` local activity (no marker in history), and the run starts `running` with its
 * routed agent in its search attributes (no upsert for them). Any other client, a caller's own
 * `plan` and a plan that needs the router model leave planning to the run, as before.
 */
import proto from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import type { HarnessClient, RunHandle } from '../../src/client/index.js';
import { createHarnessWorker } from '../../src/worker/index.js';
import { eventually } from '../support/eventually.js';
import { connectClient, tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';

const EventType = proto.temporal.api.enums.v1.EventType;

const workspace = () =>
  writeWorkspace(
    tempDir(),
    `models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
  router: { provider: scripted, script: [{ turns: [{ text: '{"agent": "a", "reason": "only one"}' }] }] }
agents: [{ id: a, model: m, description: says hi }]
routing: { rules: [{ match: refund, agent: a }] }
defaultAgent: a
`,
  );

/** Whether the run's history holds a local activity marker (the `planRun` local activity) and its start input a plan. */
async function planningOf(harness: HarnessClient, run: RunHandle): Promise<{ marker: boolean; planInInput: boolean }> {
  const events = (await harness.temporal.workflow.getHandle(run.runId).fetchHistory()).events ?? [];
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)!;
  const data = started.workflowExecutionStartedEventAttributes!.input!.payloads![0]!.data!;
  const input = JSON.parse(Buffer.from(data).toString('utf8')) as { plan?: unknown };
  return { marker: events.some((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED), planInInput: input.plan !== undefined };
}

/** The run's search attribute upserts, in history order: each event's attributes by name. */
async function upsertsOf(harness: HarnessClient, run: RunHandle): Promise<Record<string, unknown>[]> {
  const events = (await harness.temporal.workflow.getHandle(run.runId).fetchHistory()).events ?? [];
  return events
    .filter((e) => e.eventType === EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
    .map((e) => {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes!.searchAttributes!.indexedFields!;
      return Object.fromEntries(Object.entries(fields).map(([name, payload]) => [name, JSON.parse(Buffer.from(payload.data!).toString('utf8'))]));
    });
}

/** The run's state changes as its events tell them (`from->to`). */
async function stateChanges(run: RunHandle): Promise<string[]> {
  const changes: string[] = [];
  for await (const { event } of run.events()) if (event.type === 'run.state.changed') changes.push(`${event.from}->${event.to}`);
  return changes;
}

describe('planning at start', () => {
  it('a run started by HarnessWorker.client() brings its plan; one from another client plans itself; both read the same', async () => {
    const taskQueue = uniqueId('tq');
    const hw = await createHarnessWorker({ workspace: workspace(), address: temporalAddress(), taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
    const local = hw.client();
    const remote = await connectClient(taskQueue);
    try {
      await hw.worker.runUntil(async () => {
        const planned = await local.startRun({ agentId: 'a', input: 'hello' });
        expect((await planned.result()).output).toBe('hi');
        expect(await planningOf(local, planned)).toEqual({ marker: false, planInInput: true });

        const itself = await remote.startRun({ agentId: 'a', input: 'hello' });
        expect((await itself.result()).output).toBe('hi');
        expect(await planningOf(remote, itself)).toEqual({ marker: true, planInInput: false });

        const [a, b] = [await planned.status(), await itself.status()];
        expect(a.routing).toEqual(b.routing);
        expect(a.policy).toEqual(b.policy);
        expect(a.routing).toMatchObject({ via: 'explicit', selectedAgentId: 'a' });

        // Routed by rule and by default at start as well.
        const byRule = await local.startRun({ input: 'a refund please' });
        await byRule.result();
        expect((await byRule.status()).routing).toMatchObject({ via: 'rule', selectedAgentId: 'a' });
        expect((await planningOf(local, byRule)).marker).toBe(false);
      });
    } finally {
      await remote.close();
      await hw.close();
    }
  });

  it('a run planned at start is `running` with its routed agent from its start: the run writes only its end', async () => {
    const taskQueue = uniqueId('tq');
    const hw = await createHarnessWorker({ workspace: workspace(), address: temporalAddress(), taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
    // Not eager: the runs start while no worker polls, so visibility shows what they start with.
    const local = hw.client({ eagerStart: false });
    const remote = await connectClient(taskQueue);
    try {
      const planned = await local.startRun({ input: 'a refund please' });
      const itself = await remote.startRun({ input: 'a refund please' });
      // Read before any workflow task, checked once the worker ran (a worker that never ran cannot be closed).
      const before = await eventually(
        async () => ({ all: await local.listRuns({ taskQueue }), running: await local.listRuns({ state: 'running', agentId: 'a', taskQueue }) }),
        (listed) => listed.all.length === 2,
        'both runs in visibility',
        { timeoutMs: 10_000 },
      ).catch((err: unknown) => err as Error);

      await hw.worker.runUntil(async () => {
        expect((await planned.result()).output).toBe('hi');
        expect((await itself.result()).output).toBe('hi');
        // What the runs report about themselves is the same either way.
        for (const run of [planned, itself]) expect(await stateChanges(run)).toEqual(['starting->running', 'running->completed']);
      });
      if (before instanceof Error) throw before;
      // Before any workflow task: the planned run listed as running with its routed agent, the other as starting.
      expect(before.all.map((r) => [r.runId, r.state, r.agentId]).sort()).toEqual([[planned.runId, 'running', 'a'], [itself.runId, 'starting', 'auto']].sort());
      expect(before.running.map((r) => r.runId)).toEqual([planned.runId]);
      await expect
        .poll(async () => (await local.listRuns({ state: 'completed', agentId: 'a', taskQueue })).map((r) => r.runId).sort(), { timeout: 10_000 })
        .toEqual([planned.runId, itself.runId].sort());
      // The planned run writes only its end; the run that plans itself writes its state and routed agent in one upsert.
      expect(await upsertsOf(local, planned)).toEqual([{ HarnessRunState: 'completed' }]);
      expect(await upsertsOf(remote, itself)).toEqual([{ HarnessRunState: 'running', HarnessAgentId: 'a' }, { HarnessRunState: 'completed' }]);
    } finally {
      await remote.close();
      await hw.close();
    }
  });

  it('a caller’s own plan is not taken, and a plan that needs the router model is left to the run', async () => {
    const taskQueue = uniqueId('tq');
    const dir = tempDir();
    const file = writeWorkspace(
      dir,
      `models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
  router: { provider: scripted, script: [{ turns: [{ text: '{"agent": "a", "reason": "only one"}' }] }] }
agents: [{ id: a, model: m, description: says hi }]
routing: { router: { model: router } }
`,
    );
    const hw = await createHarnessWorker({ workspace: file, address: temporalAddress(), taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
    const local = hw.client();
    const remote = await connectClient(taskQueue);
    try {
      await hw.worker.runUntil(async () => {
        const routed = await local.startRun({ input: 'hello' });
        expect((await routed.result()).output).toBe('hi');
        expect((await routed.status()).routing).toMatchObject({ via: 'router', selectedAgentId: 'a' });
        expect(await planningOf(local, routed)).toEqual({ marker: true, planInInput: false });

        // A forged plan (an agent with no approvals, say) passed through the options never reaches the run.
        const forged = { routing: { requestedAgentId: 'a', selectedAgentId: 'a', via: 'explicit', reason: 'forged' }, policy: { allowed: true, reasons: [], matchedPolicies: [] }, tookMs: 0 };
        const run = await remote.startRun({ agentId: 'a', input: 'hello', ...({ plan: forged } as object) });
        await run.result();
        expect(await planningOf(remote, run)).toEqual({ marker: true, planInInput: false });
        expect((await run.status()).routing?.reason).toBe('named by the caller');
      });
    } finally {
      await remote.close();
      await hw.close();
    }
  });
});
