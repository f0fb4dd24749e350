/**
 * Fork from a step, against the real dev server: a fork from step 2 with an edited tool input
 * completes differently while the original's history stays exactly as it was; a fork with a
 * different decision; the link both ways; clear refusals before anything starts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForkError, HarnessClientError, type HarnessClient } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { cliEnv, harness } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { historyText } from '../support/history-text.js';
import { fileLines, temporalAddress, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

/** Step 1 looks the order up (no approval), step 2 records the refund (needs approval), step 3 answers. */
function forkWorkspace(effects: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: order A-1001 is 42 EUR } }]
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: full-refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
`,
  );
}

/** A run's history as the server keeps it: every event, serialized with sorted keys (map order varies between reads). */
async function historyOf(client: HarnessClient, runId: string): Promise<string> {
  const history = await client.temporal.workflow.getHandle(runId).fetchHistory();
  const sorted = (_key: string, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : value;
  return JSON.stringify(JSON.parse(JSON.stringify(history.events)), sorted);
}

describe('fork from a step', () => {
  it('a fork from step 2 with an edited input completes differently; the original is untouched', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(forkWorkspace(effects), async ({ client }) => {
      const original = await client.startRun({ agentId: 'payer', input: 'refund order A-1001', runId: uniqueId('orig') });
      const parked = await original.waitFor((s) => s.state === 'waiting_for_approval');
      const callId = parked.pendingApprovals[0]!.approvalId;
      expect(parked.pendingApprovals[0]).toMatchObject({ step: 2, input: { label: 'full-refund', amount: 42 } });
      await original.approve({ approver: 'alice' });
      expect((await original.result()).output).toBe('final: recorded full-refund');
      const before = await historyOf(client, original.runId);

      const fork = await client.fork(original.runId, {
        fromStep: 2,
        toolCalls: [{ id: callId, input: { file: effects, label: 'partial-refund', amount: 10 }, decision: 'approve', reason: 'only 10 was owed' }],
        approver: 'bob',
      });
      const result = await fork.result();
      expect(result.output).toBe('final: recorded partial-refund');
      expect(result.steps).toBe(3);
      expect(result.approvals).toEqual([
        expect.objectContaining({ approvalId: callId, decision: 'approve', approver: 'bob', reason: 'only 10 was owed', input: expect.objectContaining({ amount: 10 }) }),
      ]);
      // The fork's own messages start with the edited step; the earlier ones stay the original's.
      expect(result.messages[0]).toMatchObject({ role: 'assistant', toolCalls: [{ id: callId, args: { label: 'partial-refund', amount: 10 } }] });
      const forkStatus = await fork.status();
      const described = await client.temporal.workflow.getHandle(original.runId).describe();
      expect(forkStatus.forkOf).toEqual({ workflowId: original.runId, runId: described.runId, step: 2 });
      expect(fileLines(effects).map((l) => l.split(' ')[0])).toEqual(['full-refund', 'partial-refund']);

      // Nothing reached the original, and step 1's messages were read by reference, not copied.
      const after = await historyOf(client, original.runId);
      expect(after.length).toBe(before.length);
      expect(after === before).toBe(true);
      expect(await historyText(client, fork.runId)).not.toContain('echo: order A-1001 is 42 EUR');
      const forkDescription = await client.temporal.workflow.getHandle(fork.runId).describe();
      expect(forkDescription.memo).toMatchObject({ forkOf: { workflowId: original.runId, step: 2 } });
      expect(await forkDescription.staticSummary()).toBe(`payer: fork of ${original.runId} at step 2 (edited ${callId}; decided ${callId} approve)`);
      const forks = await eventually(() => client.forks(original.runId), (f) => f.length === 1, 'the fork to be listed');
      expect(forks[0]).toMatchObject({ runId: fork.runId, step: 2 });
    });
  });

  it('a fork with a different decision, and a fork of the fork from the same step asks again', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(forkWorkspace(effects), async ({ client }) => {
      const original = await client.startRun({ agentId: 'payer', input: 'refund order A-1001' });
      const callId = (await original.waitFor((s) => s.state === 'waiting_for_approval')).pendingApprovals[0]!.approvalId;
      await original.approve({ approver: 'alice' });
      await original.result();

      const rejected = await client.fork(original.runId, { fromStep: 2, toolCalls: [{ id: callId, decision: 'reject', reason: 'not refundable' }], approver: 'carol' });
      expect((await rejected.result()).output).toBe('final: Tool call rejected by carol: not refundable. The tool did not run.');

      // No decision given: the fork asks people again, like the original did.
      const again = await client.fork(rejected.runId, { fromStep: 2 });
      const asked = await again.waitFor((s) => s.state === 'waiting_for_approval');
      expect(asked.pendingApprovals[0]).toMatchObject({ approvalId: callId, step: 2, input: { label: 'full-refund' } });
      await again.approve({ approver: 'dave' });
      expect((await again.result()).output).toBe('final: recorded full-refund');
      expect(fileLines(effects)).toHaveLength(2);
      await expect(client.fork(again.runId, { fromStep: 1 })).rejects.toMatchObject({ code: 'STEP_IN_ORIGINAL' });
    });
  });

  it('refuses, before anything starts, a step that does not exist, a run that does not, and input the tool refuses', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(forkWorkspace(effects), async ({ client }) => {
      const original = await client.startRun({ agentId: 'payer', input: 'refund order A-1001' });
      const callId = (await original.waitFor((s) => s.state === 'waiting_for_approval')).pendingApprovals[0]!.approvalId;

      const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);
      const outOfRange = await refusal(client.fork(original.runId, { fromStep: 7 }));
      expect(outOfRange).toBeInstanceOf(ForkError);
      expect(outOfRange).toMatchObject({ code: 'STEP_OUT_OF_RANGE', message: expect.stringMatching(/has steps 1 to 2; there is no step 7/) });
      await expect(client.fork(original.runId, { fromStep: 2, toolCalls: [{ id: callId, input: { file: effects, label: 5 } }] })).rejects.toMatchObject({
        code: 'INVALID_FORK_INPUT',
        message: expect.stringMatching(/\/label/),
      });
      await expect(client.fork(original.runId, { fromStep: 2, toolCalls: [{ id: 'nope', decision: 'approve' }] })).rejects.toMatchObject({
        code: 'UNKNOWN_TOOL_CALL',
        message: expect.stringContaining(`${callId} (record_effect)`),
      });
      await expect(client.fork(original.runId, { fromStep: 1, toolCalls: [{ id: 'call_1_0', decision: 'approve' }] })).rejects.toMatchObject({
        code: 'DECISION_NOT_NEEDED',
      });
      const missing = await refusal(client.fork(uniqueId('no-such-run'), { fromStep: 1 }));
      expect(missing).toBeInstanceOf(HarnessClientError);
      expect(missing).toMatchObject({ code: 'RUN_NOT_FOUND' });
      // A refused fork started nothing under the id it asked for.
      const forkId = uniqueId('refused-fork');
      await expect(client.fork(original.runId, { fromStep: 3, runId: forkId })).rejects.toMatchObject({ code: 'STEP_OUT_OF_RANGE' });
      await expect(client.getRun(forkId).status()).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      await original.cancel();
    });
  });
});

describe('fork over HTTP and the CLI', () => {
  it('POST /runs/:id/fork starts a fork; harness fork, status and forks show the link', async () => {
    const effects = join(tempDir(), 'effects.log');
    const workspace = forkWorkspace(effects);
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const original = await client.startRun({ agentId: 'payer', input: 'refund order A-1001' });
      const callId = (await original.waitFor((s) => s.state === 'waiting_for_approval')).pendingApprovals[0]!.approvalId;
      await original.reject({ approver: 'alice', reason: 'ask first' });
      await original.result();

      const app = createHttpApp(client);
      const post = (body: unknown) =>
        app.request(`/runs/${original.runId}/fork`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const created = await post({ fromStep: 2, toolCalls: [{ id: callId, input: { file: effects, label: 'http-refund' }, decision: 'approve' }], approver: 'erin' });
      expect(created.status).toBe(201);
      const { runId } = (await created.json()) as { runId: string };
      expect(created.headers.get('Location')).toBe(`/runs/${runId}`);
      expect((await client.getRun(runId).result()).output).toBe('final: recorded http-refund');
      const refused = await post({ fromStep: 9 });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'STEP_OUT_OF_RANGE' } });
      const malformed = await post({ fromStep: 2, toolCalls: [{ id: callId, decision: 'maybe' }] });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: 'INVALID_REQUEST', issues: [expect.objectContaining({ path: ['toolCalls', 0, 'decision'] })] } });

      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
      const forked = await harness(['fork', original.runId, '--from-step', '2', '--tool-input', `${callId}={"file":${JSON.stringify(effects)},"label":"cli-refund"}`, '--approve', callId, '--by', 'frank', '--id', uniqueId('cli-fork')], env);
      expect(forked.stderr).toBe('');
      const cliFork = /Forked .* at step 2: (\S+)/.exec(forked.stdout)![1]!;
      expect((await client.getRun(cliFork).result()).output).toBe('final: recorded cli-refund');
      const status = await harness(['status', cliFork], env);
      expect(status.stdout).toContain(`fork of: ${original.runId} at step 2`);
      const listed = await eventually(() => harness(['forks', original.runId, '--json'], env), (r) => (JSON.parse(r.stdout) as unknown[]).length === 2, 'both forks to be listed');
      expect((JSON.parse(listed.stdout) as { runId: string }[]).map((f) => f.runId).sort()).toEqual([runId, cliFork].sort());
      const bad = await harness(['fork', original.runId, '--from-step', '2', '--tool-input', 'nonsense'], env);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('--tool-input takes <tool call id>=<json>');
    });
  });
});
