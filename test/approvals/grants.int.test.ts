/**
 * Grants (sticky decisions) against the real dev server: approving a call with a `thread` grant
 * approves the next call in that thread without asking (recorded `via: grant` with who granted
 * it), not a call in another thread; grants are listed and revoked (client and HTTP), and a
 * revoked grant covers nothing.
 */
import { describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/index.js';
import { HarnessClientError, isApprovalProgress, type ApprovalGrant, type HarnessEvent, type RunHandle } from '../../src/client/index.js';
import { cliEnv, harness } from '../support/cli.js';
import { tempDir, temporalAddress, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: refund } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [echo]
    requireApproval:
      - { tool: echo, approvers: [alice, bob], grants: [thread] }
`,
  );
}

async function parked(run: RunHandle): Promise<string> {
  const s = await run.waitFor((st) => st.state === 'waiting_for_approval');
  return s.pendingApprovals[0]!.approvalId;
}

async function eventsOf(run: RunHandle): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of run.events()) out.push(event);
  return out;
}

describe('grants', () => {
  it('a thread grant approves the next call in that thread, not in another; revoked, it covers nothing', async () => {
    await withWorker(workspace(), async ({ client, taskQueue }) => {
      const agentId = 'payer';
      const threadA = client.thread(uniqueId('thread-a'));
      const first = await threadA.send('refund one', { agentId });
      const approvalId = await parked(first);

      // A scope the tool does not allow, or a grant without a granter, is refused and changes nothing.
      await expect(first.decide({ approvalId, decision: 'approve', approver: 'alice', grant: { scope: 'agent' } })).rejects.toMatchObject({
        code: 'INVALID_DECISION_PAYLOAD',
        message: expect.stringContaining('Tool "echo" allows only thread grants'),
      });
      await expect(first.decide({ approvalId, decision: 'reject', approver: 'alice', grant: { scope: 'thread' } })).rejects.toMatchObject({
        message: expect.stringContaining('`grant` goes only with decision "approve"'),
      });
      const record = await first.decide({ approvalId, decision: 'approve', approver: 'alice', reason: 'fine for this chat', grant: { scope: 'thread', expiresInMs: 3600_000 } });
      expect(isApprovalProgress(record)).toBe(false);
      expect(record).toMatchObject({ via: 'update', grant: { grantId: `${first.runId}/${approvalId}`, scope: 'thread', threadId: threadA.threadId, grantedBy: 'alice' } });
      await first.result();
      expect((await eventsOf(first)).filter((e) => e.type === 'grant.recorded')).toHaveLength(1);

      const second = await threadA.send('refund two', { agentId });
      await second.result();
      const secondStatus = await second.status();
      expect(secondStatus.approvals).toEqual([
        expect.objectContaining({ decision: 'approve', via: 'grant', approver: 'alice', grant: expect.objectContaining({ grantId: `${first.runId}/${approvalId}` }) }),
      ]);
      expect((await eventsOf(second)).some((e) => e.type === 'approval.requested')).toBe(false);

      // Another thread of the same agent is not covered: it asks.
      const threadB = client.thread(uniqueId('thread-b'));
      const other = await threadB.send('refund three', { agentId });
      const otherId = await parked(other);
      await other.decide({ approvalId: otherId, decision: 'approve', approver: 'bob' });
      await other.result();

      // Listed (client and HTTP), revoked over HTTP; then the thread is asked again.
      const grants = await client.grants(agentId).list();
      expect(grants.map((g) => g.grantId)).toContain(`${first.runId}/${approvalId}`);
      const cli = await harness(['grants', agentId], cliEnv({ address: temporalAddress(), taskQueue }));
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(new RegExp(`${first.runId}/${approvalId}\\s+echo\\s+thread ${threadA.threadId}\\s+alice\\s+20`));
      const app = createHttpApp(client);
      const listed = (await (await app.request(`/agents/${agentId}/grants`)).json()) as { grants: ApprovalGrant[] };
      expect(listed.grants.find((g) => g.grantId === `${first.runId}/${approvalId}`)).toMatchObject({ toolName: 'echo', grantedBy: 'alice', reason: 'fine for this chat' });
      const revoke = await app.request(`/agents/${agentId}/grants/${encodeURIComponent(`${first.runId}/${approvalId}`)}/revoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(revoke.status).toBe(200);
      const again = await app.request(`/agents/${agentId}/grants/${encodeURIComponent(`${first.runId}/${approvalId}`)}/revoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(again.status).toBe(404);
      expect(await again.json()).toMatchObject({ error: { code: 'GRANT_NOT_FOUND' } });
      const err = await client.grants(agentId).revoke('nope').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HarnessClientError);
      expect((err as HarnessClientError).code).toBe('GRANT_NOT_FOUND');

      const third = await threadA.send('refund four', { agentId });
      await parked(third);
      await third.cancel();
    });
  });
});
