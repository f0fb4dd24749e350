import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { uniqueId, withWorker } from '../support/harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/team-approvals/harness.yaml', import.meta.url));

describe('examples/team-approvals', () => {
  it('a small refund by rule, a large one by two people, a late one by the judge, a grant for the rest of the thread', async () => {
    await withWorker(EXAMPLE, async ({ client }) => {
      const small = await client.startRun({ agentId: 'support', input: 'small refund please' });
      expect((await small.result()).output).toBe('Refunded $20.00 for order A-1001 (late delivery).');
      expect((await small.status()).approvals[0]).toMatchObject({ via: 'policy', rule: 'amount <= 50' });

      const large = await client.startRun({ agentId: 'support', input: 'large refund please' });
      const parked = await large.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      expect(await large.decide({ approvalId, decision: 'approve', approver: 'alice' })).toMatchObject({ status: 'pending' });
      await large.decide({ approvalId, decision: 'approve', approver: 'fin', approverRoles: ['finance'] });
      expect((await large.result()).output).toBe('Refunded $400.00 for order A-1002 (broken grinder).');

      const late = await client.startRun({ agentId: 'support', input: 'late refund please' });
      expect((await late.result()).output).toBe('Refunded $80.00 for order A-1004 (late delivery).');
      expect((await late.status()).approvals[0]).toMatchObject({ via: 'judge', reason: 'a refund for a late delivery is routine' });

      const thread = client.thread(uniqueId('chat'));
      const first = await thread.send('refund please', { agentId: 'support' });
      const asked = await first.waitFor((s) => s.state === 'waiting_for_approval');
      expect(asked.pendingApprovals[0]!.judge).toMatchObject({ decision: 'escalate', reason: 'not a late delivery: a person should check the order' });
      await first.decide({ approvalId: asked.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'sam', approverRoles: ['support'], grant: { scope: 'thread' } });
      await first.result();
      const second = await thread.send('another refund please', { agentId: 'support' });
      await second.result();
      expect((await second.status()).approvals[0]).toMatchObject({ via: 'grant', approver: 'sam' });
    });
  });

  it("a pickup slot from the caller's app (client tool), and a webhook that cannot be sent without its env var leaves the run going", async () => {
    delete process.env.SLACK_APPROVALS_URL;
    await withWorker(EXAMPLE, async ({ client }) => {
      const pickup = await client.startRun({ agentId: 'support', input: 'pickup please' });
      const waiting = await pickup.waitFor((s) => (s.pendingToolCalls ?? []).length === 1);
      const call = waiting.pendingToolCalls![0]!;
      expect(call).toMatchObject({ toolName: 'choose_pickup_slot', input: { orderId: 'A-1005' } });
      await pickup.supplyToolResult(call.toolCallId, { slot: 'Tue 10:00' });
      expect((await pickup.result()).output).toBe('Pickup booked: {"slot":"Tue 10:00"}.');

      const large = await client.startRun({ agentId: 'support', input: 'large refund please' });
      await large.waitFor((s) => s.state === 'waiting_for_approval');
      const failed = [];
      for await (const { event } of large.events()) {
        if (event.type === 'notification.failed') failed.push(event);
        if (failed.length > 0) break;
      }
      expect(failed[0]).toMatchObject({ event: 'approval.requested', attempts: 1 });
      expect(String((failed[0] as { error?: string }).error)).toContain('SLACK_APPROVALS_URL');
      expect((await large.status()).state).toBe('waiting_for_approval');
      await large.cancel();
    });
  });
});
