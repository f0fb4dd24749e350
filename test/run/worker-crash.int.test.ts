import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace, fileLines } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const lines = fileLines;

function crashWorkspace(dir: string, effects: string, gate: string): string {
  const f = JSON.stringify(effects);
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: approval
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: approved-effect } }]
          - text: "done: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: before } }]
          - toolCalls: [{ name: wait_for_gate, args: { file: ${f}, gate: ${JSON.stringify(gate)}, label: slow } }]
          - text: "done: {{lastToolResult}}"
agents:
  - id: a
    model: m
    tools: [record_effect, wait_for_gate]
  - id: gated
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
limits:
  # Short, so the dead worker's in-flight tool call is retried within a second or two.
  heartbeatTimeout: 3s
  toolRetry: { initialInterval: 10ms, maximumAttempts: 5 }
`,
  );
}

describe('a worker killed mid-run', () => {
  let victim: WorkerProcess | undefined;
  afterEach(async () => victim?.kill());

  it('loses nothing: a new worker finishes the run and completed tools do not run again', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const workspace = crashWorkspace(dir, effects, gate);
    const taskQueue = uniqueId('tq');

    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'a', input: 'go' });
    await eventually(() => lines(effects), (l) => l.includes('slow-started'), 'the slow tool to start on the first worker');

    await victim.kill();
    writeFileSync(gate, '');

    const result = await withWorker(workspace, async () => run.result(), { taskQueue });
    expect(result.output).toBe('done: slow passed the gate');
    const log = lines(effects).map((l) => l.split(' ')[0]);
    // `before` completed on the dead worker and is never repeated; the in-flight call is retried once.
    expect(log.filter((l) => l === 'before')).toHaveLength(1);
    expect(log.filter((l) => l === 'slow-started')).toHaveLength(2);
    expect(log.filter((l) => l === 'slow-finished')).toHaveLength(1);
    await client.close();
  });

  it('a run waiting for approval survives the restart and continues on the new worker', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const workspace = crashWorkspace(dir, effects, join(dir, 'gate'));
    const taskQueue = uniqueId('tq');

    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'gated', input: 'needs approval' });
    const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
    await victim.kill();

    const result = await withWorker(
      workspace,
      async () => {
        // A new worker rebuilds the parked run from history and takes the decision.
        const record = await run.approve({ approver: 'after-restart' });
        expect(record?.approvalId).toBe(parked.pendingApprovals[0]!.approvalId);
        return run.result();
      },
      { taskQueue },
    );
    expect(result.output).toBe('done: recorded approved-effect');
    expect(lines(effects)).toHaveLength(1);
    await client.close();
  });
});
