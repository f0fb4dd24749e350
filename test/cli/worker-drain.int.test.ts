/**
 * `harness worker` on SIGTERM: it stops taking work but lets an in-flight tool call finish (the
 * drain), exits cleanly, and another worker carries the run on; the tool runs exactly once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectClient, fileLines, temporalAddress, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { cliEnv, HarnessProcess } from '../support/cli.js';

describe('harness worker on SIGTERM', () => {
  it('drains: the in-flight tool call finishes on the stopping worker, which then exits 0', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const workspace = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: wait_for_gate, args: { file: ${JSON.stringify(effects)}, gate: ${JSON.stringify(gate)}, label: slow } }]
          - text: "done: {{lastToolResult}}"
agents:
  - id: a
    model: m
    tools: [wait_for_gate]
limits:
  # Short enough that a heartbeat after SIGTERM comes soon, long enough that a loaded machine's
  # late heartbeat does not time the call out (which would cancel it and fail this test).
  heartbeatTimeout: 5s
`,
    );
    const taskQueue = uniqueId('drain');
    const worker = new HarnessProcess(['worker'], cliEnv({ address: temporalAddress(), taskQueue, workspace }));
    const client = await connectClient(taskQueue);
    try {
      await worker.waitForLine(/worker polling/);
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      await eventually(() => fileLines(effects), (l) => l.includes('slow-started'), 'the slow tool to start');

      const stopAt = Date.now();
      worker.kill('SIGTERM');
      await worker.waitForLine(/shutting down/);
      // The call is still alive well after shutdown began: it heartbeats to the server again.
      const handle = client.temporal.workflow.getHandle(run.runId);
      await eventually(
        async () => {
          expect(fileLines(effects)).not.toContain('slow-cancelled');
          if (worker.child.exitCode !== null) throw new Error(`worker exited before the tool finished:\n${worker.stdout}\n${worker.stderr}`);
          const beat = (await handle.describe()).raw.pendingActivities?.[0]?.lastHeartbeatTime;
          return beat ? Number(beat.seconds) * 1000 + Math.floor((beat.nanos ?? 0) / 1e6) : 0;
        },
        (beatMs) => beatMs > stopAt + 500,
        'a heartbeat of the slow tool after shutdown began',
      );
      expect(worker.child.exitCode).toBeNull();
      writeFileSync(gate, '');
      expect(await worker.exited).toBe(0);
      expect(worker.stdout).toContain('worker stopped');
      expect(fileLines(effects)).toEqual(['slow-started', 'slow-finished']);

      const result = await withWorker(workspace, () => run.result(), { taskQueue });
      expect(result.output).toBe('done: slow passed the gate');
      expect(fileLines(effects)).toEqual(['slow-started', 'slow-finished']);
    } finally {
      worker.kill('SIGKILL');
      await client.close();
    }
  });
});
