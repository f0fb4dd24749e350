import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withWorker } from '../support/harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/graph-agent/harness.yaml', import.meta.url));

describe('examples/graph-agent', () => {
  it('expenses: a manager edits the amount, then the graph pays it', async () => {
    await withWorker(EXAMPLE, async ({ client }) => {
      const run = await client.startRun({ input: 'Claim 120 EUR for the team lunch' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.agentId).toBe('expenses');
      expect(parked.pendingApprovals[0]!.input).toEqual({ value: { question: 'Approve an expense of 120 EUR?', amount: 120 } });
      // Only managers may decide (approval.approvers: role:manager).
      await expect(run.edit({ value: { amount: 100 } }, { approver: 'sam' })).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });
      await run.edit({ value: { amount: 100 } }, { approver: 'mia', approverRoles: ['manager'] });
      expect((await run.result()).output).toBe('Paid 100 EUR.');
    });
  });

  it('mailer: the send_email call waits for approval, then the agent answers', async () => {
    await withWorker(EXAMPLE, async ({ client }) => {
      const run = await client.startRun({ agentId: 'mailer', input: 'Tell Ann about her refund' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      await run.approve({ approver: 'ops' });
      expect((await run.result()).output).toBe('Done: sent "Your refund" to ann@example.com');
    });
  });
});
