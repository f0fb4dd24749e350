import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withWorker } from '../support/harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/sub-agents/harness.yaml', import.meta.url));

describe('examples/sub-agents', () => {
  it("support delegates the refund to billing; billing's approval is decided on the support run", async () => {
    await withWorker(EXAMPLE, async ({ client }) => {
      const run = await client.startRun({ input: 'Please refund order A-1001' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval' && s.pendingApprovals.length === 1);
      expect(parked.agentId).toBe('support');
      const [pending] = parked.pendingApprovals;
      expect(pending).toMatchObject({
        approvalId: 'call_2_0/call_4_0',
        toolName: 'issue_refund',
        path: ['support', 'billing'],
        origin: { runId: `${run.runId}.call_2_0`, approvalId: 'call_4_0' },
      });
      // Only alice or the finance role may decide, as on billing's own run.
      await expect(run.approve({ approvalId: pending!.approvalId, approver: 'sam' })).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });
      await run.approve({ approvalId: pending!.approvalId, approver: 'fin', approverRoles: ['finance'] });
      expect((await run.result()).output).toBe('Done. Billing: Refunded $42.00 for order A-1001 (Damaged on arrival).');
    });
  });
});
