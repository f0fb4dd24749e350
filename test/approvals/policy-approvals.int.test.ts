/**
 * Policies before the human, against the real dev server: an approval rule on the arguments
 * approves a small refund without asking (recorded `via: policy` with its reason), escalates a
 * large one to 2 of 3 named approvers (each approval recorded, the run parked until the second),
 * and one rejection ends an escalated approval.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError, isApprovalProgress, type HarnessEvent } from '../../src/client/index.js';

import { fileLines as lines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(effects: string): string {
  const call = (amount: number) => `{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund-${amount}, amount: ${amount} } }`;
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: small
        turns:
          - toolCalls: [${call(20)}]
          - text: "final: {{lastToolResult}}"
      - when: large
        turns:
          - toolCalls: [${call(5000)}]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        approvers: ["role:support"]
        rules:
          - { when: "amount <= 50", decide: approve, reason: small refunds need no one }
          - { name: large refund, when: "amount > 1000", decide: ask, approvals: 2, approvers: [ann, bo, cy] }
`,
  );
}

/** The labels the tool recorded (each line is `<label> <run>:<tool call>`). */
const fileLines = (file: string) => lines(file).map((l) => l.split(' ')[0]);

async function eventsOf(run: { events(): AsyncGenerator<{ event: HarnessEvent }> }): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of run.events()) out.push(event);
  return out;
}

describe('approval rules and N-of-M approvals', () => {
  it('auto-approves a small refund by rule; a large one needs 2 of 3 approvers, each recorded', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client }) => {
      const small = await client.startRun({ agentId: 'payer', input: 'small refund please' });
      expect((await small.result()).output).toBe('final: recorded refund-20');
      const smallStatus = await small.status();
      expect(smallStatus.approvals).toEqual([
        expect.objectContaining({ decision: 'approve', via: 'policy', rule: 'amount <= 50', reason: 'small refunds need no one', input: expect.objectContaining({ amount: 20 }) }),
      ]);
      const smallEvents = await eventsOf(small);
      expect(smallEvents.some((e) => e.type === 'approval.requested')).toBe(false);
      expect(smallEvents.some((e) => e.type === 'run.state.changed' && e.to === 'waiting_for_approval')).toBe(false);

      const large = await client.startRun({ agentId: 'payer', input: 'large refund please' });
      const parked = await large.waitFor((s) => s.state === 'waiting_for_approval');
      const pending = parked.pendingApprovals[0]!;
      expect(pending.quorum).toEqual({ rule: 'large refund', needed: 2, approvers: ['ann', 'bo', 'cy'], votes: [] });
      const approvalId = pending.approvalId;

      // The tool's own approvers (role support) do not count for the escalated refund: the rule names its own.
      await expect(large.decide({ approvalId, decision: 'approve', approver: 'sam', approverRoles: ['support'] })).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });
      const first = await large.decide({ approvalId, decision: 'approve', approver: 'ann', reason: 'checked the order' });
      expect(isApprovalProgress(first)).toBe(true);
      expect(first).toMatchObject({ status: 'pending', quorum: { needed: 2, votes: [{ approver: 'ann', reason: 'checked the order', via: 'update' }] } });
      const again = await large.decide({ approvalId, decision: 'approve', approver: 'ann' }).catch((e: unknown) => e);
      expect(again).toBeInstanceOf(DecisionRejectedError);
      expect((again as DecisionRejectedError).code).toBe('APPROVER_ALREADY_VOTED');
      const between = await large.status();
      expect(between.state).toBe('waiting_for_approval');
      expect(between.approvals).toEqual([]);
      expect(between.pendingApprovals[0]!.quorum!.votes.map((v) => v.approver)).toEqual(['ann']);
      expect(fileLines(effects)).toEqual(['refund-20']);

      const second = await large.decide({ approvalId, decision: 'approve', approver: 'cy' });
      expect(second).toMatchObject({ decision: 'approve', via: 'update', approver: 'cy', rule: 'large refund', votes: [{ approver: 'ann' }, { approver: 'cy' }] });
      expect((await large.result()).output).toBe('final: recorded refund-5000');
      expect(fileLines(effects)).toEqual(['refund-20', 'refund-5000']);
      const voted = (await eventsOf(large)).filter((e) => e.type === 'approval.voted');
      expect(voted).toEqual([expect.objectContaining({ approvalId, received: 1, needed: 2, vote: expect.objectContaining({ approver: 'ann' }) })]);
    });
  });

  it('one rejection ends an escalated approval, whatever approvals came before', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'large refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      await run.decide({ approvalId, decision: 'approve', approver: 'bo' });
      const rejected = await run.decide({ approvalId, decision: 'reject', approver: 'cy', reason: 'duplicate refund' });
      expect(rejected).toMatchObject({ decision: 'reject', approver: 'cy', votes: [{ approver: 'bo' }] });
      expect((await run.result()).output).toBe('final: Tool call rejected by cy: duplicate refund. The tool did not run.');
      expect(fileLines(effects)).toEqual([]);
      await expect(run.decide({ approvalId, decision: 'approve', approver: 'ann' })).rejects.toMatchObject({ code: expect.stringMatching(/APPROVAL_ALREADY_DECIDED|RUN_NOT_ACTIVE/) });
    });
  });
});
