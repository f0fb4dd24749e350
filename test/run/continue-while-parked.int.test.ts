/**
 * A run parked on an approval whose history grows (refused signals, polls) continues as new while
 * it waits, carrying its pending approval, its deadline, the step's finished tool calls and
 * everything else; to its clients it is one run.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HarnessEventItem } from '../../src/client/index.js';
import { approvalDecisionSignal, type ApprovalDecisionInput } from '../../src/workflows/run/contract.js';
import { eventually } from '../support/eventually.js';
import { fileLines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(dir: string, effects: string): string {
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: "first" } }, { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: paid } }]
          - text: "done after {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [echo, record_effect]
    requireApproval: [record_effect]
limits:
  # Tiny, so a dozen refused signals push the parked run over it.
  continueAsNewAfterEvents: 20
  approvalTimeout: 1h
`,
  );
}

describe('a run parked on an approval', () => {
  it('continues as new when refused signals grow its history, and still shows, takes and keeps its approval', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(workspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'pay' });
      const seen: HarnessEventItem[] = [];
      const following = (async () => {
        for await (const item of run.events()) seen.push(item);
      })();
      const before = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const raw = client.temporal.workflow.getHandle(run.runId);
      const firstRunId = (await raw.describe()).runId;

      // Refused signals: each adds events to the parked run's history, past the threshold.
      const bad = { approvalId: before.pendingApprovals[0]!.approvalId, decision: 'maybe' } as unknown as ApprovalDecisionInput;
      for (let i = 0; i < 12; i++) await raw.signal(approvalDecisionSignal, bad);

      const parked = await run.waitFor((s) => s.ignoredDecisionCount === 12);
      // The hand-over may wait for handlers still running (a follower's event poll), so the 12th
      // refusal can be visible a moment before the next run of the chain exists.
      await eventually(async () => (await raw.describe()).runId, (id) => id !== firstRunId, 'the run to continue as new');
      expect(parked.state).toBe('waiting_for_approval');
      expect(parked.pendingApprovals).toEqual(before.pendingApprovals);
      expect(parked.step).toBe(1);
      expect(fileLines(effects)).toEqual([]);

      await run.approve({ approver: 'ann' });
      const result = await run.result();
      await following;
      expect(result.output).toBe('done after echo: first\nrecorded paid');
      expect(result.approvals.map((a) => [a.toolName, a.approver])).toEqual([['record_effect', 'ann']]);
      // Each tool ran once: the echo before the hand-over (its result carried), the paid call after.
      expect(fileLines(effects)).toHaveLength(1);
      expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['echo: first', 'recorded paid']);
      const types = seen.map((i) => i.event.type);
      expect(types.filter((t) => t === 'approval.requested')).toHaveLength(1);
      expect(types.filter((t) => t === 'tool.result')).toHaveLength(2);
      expect(seen.map((i) => i.offset)).toEqual(seen.map((_, i) => i));

      // It continued as new while parked; the runs after the first waited for what was left of the hour.
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.filter((e) => e.status.name === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
      const timers: number[] = [];
      for (const e of executions.sort((a, b) => a.startTime.getTime() - b.startTime.getTime())) {
        const history = await client.temporal.workflow.getHandle(run.runId, e.runId).fetchHistory();
        for (const event of history.events!) {
          const timeout = event.timerStartedEventAttributes?.startToFireTimeout;
          if (timeout) timers.push(Number(timeout.seconds ?? 0));
        }
      }
      expect(timers[0]).toBe(3600);
      expect(timers.length).toBeGreaterThan(1);
      for (const seconds of timers.slice(1)) {
        expect(seconds).toBeLessThan(3600);
        expect(seconds).toBeGreaterThan(3000);
      }
    });
  });

  it('a decision sent among the signals that push it over (so possibly during the hand-over) is not lost', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(workspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'pay' });
      const before = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = before.pendingApprovals[0]!.approvalId;
      const raw = client.temporal.workflow.getHandle(run.runId);
      const bad = { approvalId, decision: 'maybe' } as unknown as ApprovalDecisionInput;
      // Sent at once, not one after another: the decision lands wherever the run is then.
      await Promise.all([
        ...Array.from({ length: 16 }, () => raw.signal(approvalDecisionSignal, bad)),
        raw.signal(approvalDecisionSignal, { approvalId, decision: 'approve', approver: 'bo' }),
      ]);
      const result = await run.result();
      expect(result.approvals).toMatchObject([{ approvalId, decision: 'approve', approver: 'bo' }]);
      expect(fileLines(effects)).toHaveLength(1);
      expect((await run.status()).ignoredDecisionCount).toBe(16);
    });
  });
});
