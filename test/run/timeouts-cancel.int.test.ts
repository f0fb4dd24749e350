import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace, fileLines } from '../support/harness.js';
import { eventually } from '../support/eventually.js';

const lines = fileLines;

function workspace(dir: string, effects: string, extra: { approval?: string; limits?: string }): string {
  const f = JSON.stringify(effects);
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: slow
        turns:
          - toolCalls: [{ name: wait_for_gate, args: { file: ${f}, gate: ${JSON.stringify(join(dir, 'never'))}, label: slow } }]
          - text: "after: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: paid } }]
          - text: "after: {{lastToolResult}}"
agents:
  - id: a
    model: m
    tools: [record_effect, wait_for_gate]
    requireApproval: [${extra.approval ?? 'record_effect'}]
limits:
  heartbeatTimeout: 3s
  toolRetry: { maximumAttempts: 1 }
${extra.limits ?? ''}
`,
  );
}

describe('approval timeouts', () => {
  it('an approval nobody decides in time is rejected by default, and says so', async () => {
    const dir = tempDir();
    const effects = join(dir, 'e.log');
    await withWorker(workspace(dir, effects, { approval: '{ tool: record_effect, timeout: 500ms }' }), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'pay' });
      const result = await run.result();
      expect(result.output).toBe('after: Tool call rejected: approval timed out: no decision within 500ms. The tool did not run.');
      expect(result.approvals[0]).toMatchObject({ decision: 'reject', via: 'timeout' });
      expect(lines(effects)).toEqual([]);
    });
  });

  it('onTimeout: approve runs the tool when the deadline passes', async () => {
    const dir = tempDir();
    const effects = join(dir, 'e.log');
    const ws = workspace(dir, effects, { approval: '{ tool: record_effect, timeout: 500ms, onTimeout: approve }' });
    await withWorker(ws, async ({ client }) => {
      const result = await (await client.startRun({ agentId: 'a', input: 'pay' })).result();
      expect(result.output).toBe('after: recorded paid');
      expect(result.approvals[0]).toMatchObject({ decision: 'approve', via: 'timeout' });
      expect(lines(effects)).toHaveLength(1);
    });
  });

  it('onTimeout: fail ends the run failed with the reason, the approval closed', async () => {
    const dir = tempDir();
    const ws = workspace(dir, join(dir, 'e.log'), { approval: '{ tool: record_effect, onTimeout: fail }', limits: '  approvalTimeout: 500ms' });
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'pay' });
      const err = await run.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).message).toMatch(/was not decided within 500ms, and its onTimeout is "fail"/);
      const status = await run.status();
      expect(status.state).toBe('failed');
      expect(status.pendingApprovals).toEqual([]);
      expect(status.approvals[0]).toMatchObject({ via: 'cancel' });
    });
  });
});

describe('run and tool timeouts', () => {
  it('a tool call over limits.toolCallTimeout is reported to the model as timed out', async () => {
    const dir = tempDir();
    const ws = workspace(dir, join(dir, 'e.log'), { approval: 'record_effect', limits: '  toolCallTimeout: 700ms' });
    await withWorker(ws, async ({ client }) => {
      const result = await (await client.startRun({ agentId: 'a', input: 'slow' })).result();
      expect(result.output).toBe('after: Tool "wait_for_gate" timed out after 700ms (limits.toolCallTimeout).');
    });
  });

  it('limits.runTimeout stops the run, cancelling the tool in flight', async () => {
    const dir = tempDir();
    const effects = join(dir, 'e.log');
    await withWorker(workspace(dir, effects, { limits: '  runTimeout: 1500ms' }), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'slow' });
      const err = await run.result().catch((e: unknown) => e);
      expect((err as RunFailedError).code).toBe('RUN_FAILED');
      expect((err as RunFailedError).message).toMatch(/exceeded limits\.runTimeout \(1500ms\)/);
      expect((await run.status()).error).toMatch(/runTimeout/);
      // The activity is cancelled at once; the tool's own code sees the abort signal moments later.
      await eventually(() => lines(effects), (l) => l.includes('slow-cancelled'), 'the tool to see the cancellation');
      expect(lines(effects)).toEqual(['slow-started', 'slow-cancelled']);
    });
  });
});

describe('cancel', () => {
  it('cancelling during a slow tool call stops the tool (it sees the cancellation) and ends the run cancelled', async () => {
    const dir = tempDir();
    const effects = join(dir, 'e.log');
    await withWorker(workspace(dir, effects, {}), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'slow' });
      await run.waitFor(() => lines(effects).includes('slow-started'));
      await run.cancel();
      const err = await run.result().catch((e: unknown) => e);
      expect((err as RunFailedError).code).toBe('RUN_CANCELLED');
      await eventually(() => lines(effects), (l) => l.includes('slow-cancelled'), 'the tool to see the cancellation');
      expect(lines(effects)).toEqual(['slow-started', 'slow-cancelled']);
      expect((await run.status()).state).toBe('cancelled');
    });
  });

  it('cancelling a run that waits for approval closes its pending approvals', async () => {
    const dir = tempDir();
    await withWorker(workspace(dir, join(dir, 'e.log'), {}), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'pay' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      await run.cancel();
      await run.result().catch(() => undefined);
      const status = await run.status();
      expect(status).toMatchObject({ state: 'cancelled', pendingApprovals: [] });
      expect(status.approvals[0]).toMatchObject({ decision: 'reject', via: 'cancel', reason: 'run cancelled' });
    });
  });
});
