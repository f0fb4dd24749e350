import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError } from '../../src/client/index.js';
import { cliEnv, harness } from '../support/cli.js';
import { fileLines, tempDir, temporalAddress, withWorker, writeWorkspace } from '../support/harness.js';

/** `record_effect` may be decided by alice or anyone with role finance; `echo` likewise, but approves itself after 1 s. */
function workspace(effects: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: deadline
        turns:
          - toolCalls: [{ name: echo, args: { text: on time } }]
          - text: "final: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect, echo]
    requireApproval:
      - { tool: record_effect, approvers: [alice, "role:finance"] }
      - { tool: echo, approvers: [alice], timeout: 1s, onTimeout: approve }
`,
  );
}

describe('who may approve', () => {
  it('refuses an update from someone not listed, ignores such a signal with the reason, accepts a listed role', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;

      const err = await run.approve({ approver: 'mallory', reason: 'trust me' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DecisionRejectedError);
      expect((err as DecisionRejectedError).code).toBe('APPROVER_NOT_ALLOWED');
      expect((err as DecisionRejectedError).message).toBe(
        `"mallory" may not decide approval "${approvalId}" (tool "record_effect"). Who may decide: alice; or anyone with role finance. ` +
          'Send the decision with `approver` set to one of those names or `approverRoles` holding one of those roles.',
      );
      // A wrong role is no better, and neither is no approver at all.
      await expect(run.decide({ approvalId, decision: 'approve', approver: 'mallory', approverRoles: ['support'] })).rejects.toMatchObject({
        code: 'APPROVER_NOT_ALLOWED',
      });
      await expect(run.decide({ approvalId, decision: 'reject' })).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });

      await run.decide({ approvalId, decision: 'approve', approver: 'mallory' }, { via: 'signal' });
      const afterSignal = await run.waitFor((s) => s.ignoredDecisions.length === 1);
      expect(afterSignal.ignoredDecisions[0]!.reason).toMatch(/^APPROVER_NOT_ALLOWED: "mallory" may not decide/);
      expect(afterSignal.state).toBe('waiting_for_approval');
      expect(afterSignal.pendingApprovals.map((p) => p.approvalId)).toEqual([approvalId]);
      expect(afterSignal.approvals).toEqual([]);
      expect(fileLines(effects)).toEqual([]);

      const record = await run.decide({ approvalId, decision: 'approve', approver: 'carol', approverRoles: ['finance'], reason: 'verified' });
      expect(record).toMatchObject({ approver: 'carol', approverRoles: ['finance'], reason: 'verified', via: 'update' });
      expect((await run.result()).output).toBe('final: recorded refund');
      expect(fileLines(effects)).toHaveLength(1);
      expect((await run.status()).approvals).toEqual([expect.objectContaining({ approver: 'carol', approverRoles: ['finance'] })]);
    });
  });

  it('a listed name decides by signal; a deadline decides without anyone', async () => {
    await withWorker(workspace(join(tempDir(), 'effects.log')), async ({ client }) => {
      const byName = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await byName.waitFor((s) => s.state === 'waiting_for_approval');
      await byName.decide({ approvalId: parked.pendingApprovals[0]!.approvalId, decision: 'reject', approver: 'alice', reason: 'no' }, { via: 'signal' });
      expect((await byName.result()).output).toMatch(/rejected by alice: no/);

      const deadline = await client.startRun({ agentId: 'payer', input: 'deadline' });
      expect((await deadline.result()).output).toBe('final: echo: on time');
      expect((await deadline.status()).approvals[0]).toMatchObject({ decision: 'approve', via: 'timeout' });
    });
  });

  it('CLI: --role decides for a role-listed tool; anyone else gets APPROVER_NOT_ALLOWED', async () => {
    await withWorker(workspace(join(tempDir(), 'effects.log')), async ({ client, taskQueue }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const env = cliEnv({ address: temporalAddress(), taskQueue });

      const refused = await harness(['approve', run.runId, '--by', 'mallory', '--role', 'support'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/error \[APPROVER_NOT_ALLOWED\]: "mallory" \(roles: support\) may not decide .* Who may decide: alice; or anyone with role finance/);

      const ok = await harness(['approve', run.runId, '--by', 'carol', '--role', 'support', '--role', 'finance', '--reason', 'ok'], env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('approved by carol via update');
      expect((await run.status()).approvals[0]).toMatchObject({ approver: 'carol', approverRoles: ['support', 'finance'] });
    });
  });
});
