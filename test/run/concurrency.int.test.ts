import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { runSlotsStatusQuery, runSlotsWorkflowId } from '../../src/workflows/slots/contract.js';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace, fileLines } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const lines = fileLines;

function workspace(dir: string, effects: string, gate: string): string {
  const f = JSON.stringify(effects);
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: hold
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: approved } }]
          - text: done
      - when: fail
        turns:
          - toolCalls: [{ name: echo, args: { text: then the script runs out } }]
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: in } }]
          - toolCalls: [{ name: wait_for_gate, args: { file: ${f}, gate: ${JSON.stringify(gate)}, label: hold } }]
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: out } }]
          - text: done
agents:
  - id: gated
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
  - id: busy
    model: m
    tools: [record_effect, wait_for_gate]
limits:
  maxConcurrentRuns: 1
  heartbeatTimeout: 3s
  toolRetry: { initialInterval: 10ms, maximumAttempts: 5 }
`,
  );
}

describe('limits.maxConcurrentRuns', () => {
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });

  it('runs over the cap wait `queued` in FIFO order; cancelled and failed runs free their slots', async () => {
    const dir = tempDir();
    await withWorker(workspace(dir, join(dir, 'e.log'), join(dir, 'gate')), async ({ client, taskQueue }) => {
      const a = await client.startRun({ agentId: 'gated', input: 'hold a' });
      await a.waitFor((s) => s.state === 'waiting_for_approval');
      const b = await client.startRun({ agentId: 'gated', input: 'hold b' });
      const c = await client.startRun({ agentId: 'gated', input: 'fail c' });
      await b.waitFor((s) => s.state === 'queued');
      await c.waitFor((s) => s.state === 'queued');
      // Visible to visibility queries too, e.g. the Web UI filter HarnessRunState="queued".
      await expect
        .poll(async () => (await client.listRuns({ state: 'queued', taskQueue })).map((r) => r.runId).sort(), { timeout: 10_000 })
        .toEqual([b.runId, c.runId].sort());

      await a.cancel(); // a cancelled run frees its slot: b (first in line) starts, c still waits
      await b.waitFor((s) => s.state === 'waiting_for_approval');
      expect((await c.status()).state).toBe('queued');

      await b.approve();
      await b.result();
      await expect(c.result()).rejects.toThrow(/no turn 2/); // c runs, then fails...
      const d = await client.startRun({ agentId: 'gated', input: 'hold d' });
      await d.waitFor((s) => s.state === 'waiting_for_approval'); // ...and its slot is free again
      await d.cancel();

      const slots = client.temporal.workflow.getHandle(runSlotsWorkflowId(taskQueue));
      await eventually(() => slots.query(runSlotsStatusQuery), (s) => isDeepStrictEqual(s, { capacity: 1, holders: [], queue: [] }), 'the slot keeper to be empty', { timeoutMs: 10_000 });
    });
  });

  it('3 runs with a cap of 1 run strictly one at a time across 2 worker processes, one killed mid-run', async () => {
    const dir = tempDir();
    const effects = join(dir, 'e.log');
    const gate = join(dir, 'gate');
    const ws = workspace(dir, effects, gate);
    const taskQueue = uniqueId('tq');
    workers.push(await spawnWorker(ws, taskQueue), await spawnWorker(ws, taskQueue));
    const client = await connectClient(taskQueue);
    const runs = [await client.startRun({ agentId: 'busy', input: 'job 0' })];
    await eventually(() => lines(effects), (l) => l.includes('hold-started'), 'the first run to reach its slow tool');
    for (let i = 1; i < 3; i++) runs.push(await client.startRun({ agentId: 'busy', input: `job ${i}` }));
    // A queued run is in line (it asked by a signal recorded with that state), whatever then
    // happens to its worker. Runs still planning have no place yet, so wait for both.
    await runs[1]!.waitFor((s) => s.state === 'queued');
    await runs[2]!.waitFor((s) => s.state === 'queued');
    await workers[0]!.kill(); // whichever worker had it, the run goes on on the other one
    writeFileSync(gate, '');
    const results = await Promise.all(runs.map((r) => r.result()));
    expect(results.map((r) => r.output)).toEqual(['done', 'done', 'done']);

    // Every run's "in" is followed by its own "out" before any other run's "in".
    const marks = lines(effects)
      .filter((l) => l.startsWith('in ') || l.startsWith('out '))
      .map((l) => {
        const [what, key] = l.split(' ');
        return `${what} ${key!.split(':')[0]}`;
      });
    expect(marks).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) {
      const run = marks[i]!.slice(3);
      expect(marks[i]).toBe(`in ${run}`);
      expect(marks[i + 1]).toBe(`out ${run}`);
    }
    // FIFO: runs got their slots in the order they were started.
    expect([marks[0], marks[2], marks[4]]).toEqual(runs.map((r) => `in ${r.runId}`));
    await client.close();
  });

  it('a run that turns queued is in line at once, even while no worker picks up activity tasks', async () => {
    const dir = tempDir();
    const ws = workspace(dir, join(dir, 'e.log'), join(dir, 'gate'));
    const taskQueue = uniqueId('tq');
    // The first run starts the slot keeper (through the requestSlot activity) and holds the slot.
    const a = await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'gated', input: 'hold a' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      return run;
    }, { taskQueue });
    // Now only workflows and local activities run: a request made by an activity would never arrive.
    await withWorker(ws, async ({ client }) => {
      const slots = client.temporal.workflow.getHandle(runSlotsWorkflowId(taskQueue));
      const b = await client.startRun({ agentId: 'gated', input: 'hold b' });
      const c = await client.startRun({ agentId: 'gated', input: 'hold c' });
      await c.waitFor((s) => s.state === 'queued');
      await b.waitFor((s) => s.state === 'queued');
      // Bounds, not waits: the keeper's own workflow tasks are slow on a loaded machine.
      await eventually(
        () => slots.query(runSlotsStatusQuery),
        (s) => isDeepStrictEqual(s, { capacity: 1, holders: [a.runId], queue: [b.runId, c.runId] }),
        'a to hold the slot with b and c queued in order',
      );
      for (const run of [c, b, a]) await client.getRun(run.runId).cancel();
      // A run gives its place or slot back before it closes.
      for (const run of [c, b, a]) await expect(client.getRun(run.runId).result()).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
      await eventually(() => slots.query(runSlotsStatusQuery), (s) => isDeepStrictEqual(s, { capacity: 1, holders: [], queue: [] }), 'the slot keeper to be empty');
    }, { taskQueue, enableNonLocalActivities: false });
  });
});
