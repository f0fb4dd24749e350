import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DecisionRejectedError, RunFailedError, type HarnessEvent } from '../../src/client/index.js';
import { connectClient, fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const GRAPHS = fileURLToPath(new URL('../fixtures/graphs.ts', import.meta.url));

function graphWorkspace(dir: string): string {
  const agent = (id: string, exportName: string, extra = '') =>
    `  - id: ${id}\n    execution: graph\n    graph: { module: ${JSON.stringify(GRAPHS)}, export: ${exportName}${extra} }\n`;
  return writeWorkspace(
    dir,
    `
agents:
${agent('refunds', 'twoInterrupts')}${agent('steps', 'fourSteps')}${agent('mail', 'mailAgent')}${agent('big', 'bigState', ', maxCheckpointBytes: 100000')}${agent('failing', 'failing')}
limits:
  # Short, so a dead worker's graph segment is retried within a few seconds.
  heartbeatTimeout: 3s
  modelRetry: { initialInterval: 10ms, maximumAttempts: 2 }
`,
  );
}

/** How many times a node logged `label` (each node logs once per execution). */
const count = (file: string, label: string) => fileLines(file).filter((l) => l === label).length;

describe('graph agents (LangGraph graphs in activities, checkpoints carried by the run)', () => {
  let victim: WorkerProcess | undefined;
  afterEach(async () => victim?.kill());

  it('turns two interrupts into approvals, resumes with the decisions, and does not re-run finished nodes', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(graphWorkspace(dir), async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'refund order A-1', context: { effects } });

      const first = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(first.pendingApprovals).toHaveLength(1);
      const [amount] = first.pendingApprovals;
      expect(amount).toMatchObject({
        toolName: 'confirm_amount',
        input: { value: { question: 'Refund this amount?', amount: 42 } },
        interrupt: { kind: 'interrupt', node: 'confirm_amount' },
      });
      // The approval id is LangGraph's interrupt id.
      expect(amount!.approvalId).toBe(amount!.interrupt!.interruptId);
      await run.edit({ value: { amount: 30 } }, { approver: 'ann' });

      const second = await run.waitFor((s) => s.state === 'waiting_for_approval' && s.pendingApprovals[0]?.toolName === 'confirm_send');
      expect(second.pendingApprovals[0]!.input).toEqual({ value: { question: 'Send 30?' } });
      await run.decide({ approvalId: second.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'bob' }, { via: 'signal' });

      const result = await run.result();
      expect(result.output).toBe('proposed 42; amount edit: 30; send approve by bob');
      expect(result.approvals.map((a) => [a.toolName, a.decision, a.approver])).toEqual([
        ['confirm_amount', 'edit', 'ann'],
        ['confirm_send', 'approve', 'bob'],
      ]);
      // An interrupted node runs again on resume (that is how interrupt() returns the answer);
      // the nodes before it do not.
      expect(count(effects, 'propose')).toBe(1);
      expect(count(effects, 'confirm_amount')).toBe(2);
      expect(count(effects, 'confirm_send')).toBe(2);
      expect(count(effects, 'finish')).toBe(1);

      const events: HarnessEvent[] = [];
      for await (const { event } of run.events()) events.push(event);
      const types = events.map((e) => e.type);
      expect(types.filter((t) => t === 'approval.requested')).toHaveLength(2);
      expect(types.filter((t) => t === 'approval.resolved')).toHaveLength(2);
      expect(types.filter((t) => t === 'run.resumed')).toHaveLength(2);
      const nodes = events.flatMap((e) => (e.type === 'graph.node' ? [e.node] : []));
      expect(nodes).toEqual(['propose', 'confirm_amount', 'confirm_send', 'finish']);
      expect(events.filter((e) => e.type === 'graph.custom').map((e) => (e as { data: unknown }).data)).toEqual([{ progress: 'amount proposed' }]);
      expect(types.at(-1)).toBe('run.completed');
    });
  });

  it('refuses a decision for an interrupt that is not pending, like any approval', async () => {
    const dir = tempDir();
    await withWorker(graphWorkspace(dir), async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'refund', context: { effects: join(dir, 'e.log') } });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      await expect(run.decide({ approvalId: 'no-such-interrupt', decision: 'approve' })).rejects.toMatchObject({ code: 'UNKNOWN_APPROVAL' });
      // A plain interrupt's edit must carry the new value under `value`.
      const id = parked.pendingApprovals[0]!.approvalId;
      await expect(run.decide({ approvalId: id, decision: 'edit', input: { amount: 1 } })).rejects.toBeInstanceOf(DecisionRejectedError);
      await run.reject({ approvalId: id, approver: 'ann', reason: 'not eligible' });
      const next = await run.waitFor((s) => s.pendingApprovals[0]?.toolName === 'confirm_send');
      await expect(run.decide({ approvalId: id, decision: 'approve' })).rejects.toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
      await run.approve({ approvalId: next.pendingApprovals[0]!.approvalId, approver: 'bob' });
      expect((await run.result()).output).toBe('proposed 42; amount rejected by ann: not eligible; send approve by bob');
    });
  });

  describe('createAgent + humanInTheLoopMiddleware', () => {
    const cases = [
      { name: 'approve', decide: 'approve', expected: 'Result: sent "Hello" to ann@example.com' },
      { name: 'edit', decide: 'edit', expected: 'Result: sent "Hi Bob" to bob@example.com' },
      { name: 'reject', decide: 'reject', expected: 'Result: Tool call rejected by carol: not today. The tool did not run.' },
    ] as const;
    for (const c of cases) {
      it(`${c.name}: the middleware's decision reaches the agent`, async () => {
        const dir = tempDir();
        const effects = join(dir, 'effects.log');
        await withWorker(graphWorkspace(dir), async ({ client }) => {
          const run = await client.startRun({ agentId: 'mail', input: 'send an email to Ann', context: { effects } });
          const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
          expect(parked.pendingApprovals).toHaveLength(1);
          expect(parked.pendingApprovals[0]).toMatchObject({
            toolName: 'send_email',
            input: { to: 'ann@example.com', subject: 'Hello' },
            interrupt: { kind: 'hitl' },
          });
          expect(fileLines(effects)).toEqual([]);
          if (c.decide === 'approve') await run.approve({ approver: 'carol' });
          if (c.decide === 'edit') await run.edit({ to: 'bob@example.com', subject: 'Hi Bob' }, { approver: 'carol' });
          if (c.decide === 'reject') await run.reject({ approver: 'carol', reason: 'not today' });
          const result = await run.result();
          expect(result.output).toBe(c.expected);
          const sent = fileLines(effects);
          expect(sent).toEqual(
            c.decide === 'approve' ? ['send_email ann@example.com Hello'] : c.decide === 'edit' ? ['send_email bob@example.com Hi Bob'] : [],
          );
          expect(result.usage.totalTokens).toBeGreaterThan(0);
        });
      });
    }
  });

  it('a worker killed in the middle of a 4-step graph: the finished steps are not run again', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const workspace = graphWorkspace(dir);
    const taskQueue = uniqueId('tq');

    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'steps', input: 'go', context: { effects, gate } });
    await eventually(() => fileLines(effects), (l) => l.includes('step3-started'), 'step3 to start on the first worker');
    // The checkpoint after step2 must have reached the server (heartbeats are throttled).
    await waitForHeartbeatStep(client, run.runId, 2);

    await victim.kill();
    writeFileSync(gate, '');
    const result = await withWorker(workspace, async () => run.result(), { taskQueue });

    expect(result.output).toBe('ran step1, step2, step3, step4');
    expect(count(effects, 'step1-started')).toBe(1);
    expect(count(effects, 'step2-started')).toBe(1);
    // step3 was running when the worker died: it runs again, once.
    expect(count(effects, 'step3-started')).toBe(2);
    expect(count(effects, 'step4-started')).toBe(1);
    await client.close();
  });

  it('a checkpoint over maxCheckpointBytes fails the run with a clear error', async () => {
    const dir = tempDir();
    await withWorker(graphWorkspace(dir), async ({ client }) => {
      const run = await client.startRun({ agentId: 'big', input: 'load' });
      const err = await run.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as Error).message).toMatch(/checkpoint is \d+ bytes, over graph.maxCheckpointBytes \(100000\)/);
      expect((await run.status()).state).toBe('failed');
    });
  });

  it('a node that keeps throwing fails the run, naming the graph error', async () => {
    const dir = tempDir();
    await withWorker(graphWorkspace(dir), async ({ client }) => {
      const run = await client.startRun({ agentId: 'failing', input: 'go' });
      const err = await run.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as Error).message).toContain('the node exploded');
    });
  });
});

/** Waits until the run's graph activity has heartbeated a checkpoint of LangGraph step `step` or later. */
async function waitForHeartbeatStep(client: Awaited<ReturnType<typeof connectClient>>, runId: string, step: number): Promise<void> {
  const handle = client.temporal.workflow.getHandle(runId);
  await eventually(
    async () => {
      const { raw } = await handle.describe();
      const details = raw.pendingActivities?.[0]?.heartbeatDetails?.payloads?.[0]?.data;
      // An early heartbeat without a checkpoint yet carries an empty (binary/null) payload.
      if (!details?.length) return -1;
      return (JSON.parse(Buffer.from(details).toString('utf8')) as { graphStep?: number }).graphStep ?? -1;
    },
    (graphStep) => graphStep >= step,
    `a heartbeat of graph step ${step} or later`,
  );
}
