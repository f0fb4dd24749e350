/** The CLI on a run whose sub-agent waits for approval: shown, listed and decided on the top-level run. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, temporalAddress, withWorker } from '../support/harness.js';
import { chainWorkspace } from '../support/sub-agent-workspace.js';
import { cliEnv, harness } from '../support/cli.js';

describe('harness CLI with sub-agents', () => {
  it('status, inbox and watch show the path and the command that decides it on the top-level run', async () => {
    const dir = tempDir();
    const workspace = chainWorkspace(dir, join(dir, 'effects.log'));
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 11' });
      const parked = await run.waitFor((s) => s.pendingApprovals.length === 1);
      const childId = parked.pendingApprovals[0]!.origin!.runId;
      // Both runs wait (the child for its approval, the parent for the child); visibility catches up.
      await expect
        .poll(async () => (await client.listRuns({ state: 'waiting_for_approval', taskQueue })).map((r) => r.runId).sort(), { timeout: 10_000 })
        .toEqual([run.runId, childId].sort());
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
      // billing's record_effect may be decided by alice or bob: the printed command names one, so it works as printed.
      const approve = `harness approve ${run.runId} --approval call_1_0/call_1_0 --by alice`;

      const status = await harness(['status', run.runId], env);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('Pending approvals (1):');
      expect(status.stdout).toContain(`from:    sub-agent support → billing  (waits in run ${childId} as call_1_0)`);
      expect(status.stdout).toContain(`approve: ${approve}`);
      expect(status.stdout).toContain('who:     alice or bob   No deadline: it waits as long as it takes.');
      expect(status.stdout).toMatch(/signal: {2}\S*temporal workflow signal .*"approver":"alice"/);

      const childStatus = await harness(['status', childId], env);
      expect(childStatus.stdout).toContain(`parent: ${run.runId} (sub-agent support → billing; its approvals are also decided there)`);

      // The inbox lists the approval once, on the top-level run, not again on the sub-agent's run.
      const inboxJson = await harness(['inbox', '--json'], env);
      const items = JSON.parse(inboxJson.stdout) as { runId: string; approval: { approvalId: string; path: string[] } }[];
      expect(items).toEqual([expect.objectContaining({ runId: run.runId, approval: expect.objectContaining({ approvalId: 'call_1_0/call_1_0', path: ['support', 'billing'] }) })]);
      const inbox = await harness(['inbox', '--no-interactive'], env);
      expect(inbox.stdout).toContain('1 pending approval:');
      expect(inbox.stdout).toContain('from:    sub-agent support → billing');
      expect(inbox.stdout).toContain('who:   alice or bob');

      // The command `harness status` printed, run as printed (minus the program name).
      const decided = await harness(approve.split(' ').slice(1), env);
      expect(decided.code).toBe(0);
      expect(decided.stdout).toContain('call_1_0/call_1_0');
      expect((await run.result()).output).toBe('support: billing: recorded refund');

      const watch = await harness(['watch', run.runId], env);
      expect(watch.code).toBe(0);
      expect(watch.stdout).toContain(`↳ sub-agent support → billing started (run ${childId})`);
      expect(watch.stdout).toContain('from:    sub-agent support → billing');
      expect(watch.stdout).toContain(`approve: ${approve}`);
      expect(watch.stdout).toMatch(/call_1_0\/call_1_0 {2}record_effect {2}approved by alice via update/);
    });
  });
});
