/**
 * Hostile decisions against a parked run (issue 15 §2): floods of malformed and oversized signals
 * and updates must not wedge or bloat it. Sent with the raw Temporal client, as `temporal workflow
 * signal` or any SDK could, so the harness client's own size check is not what saves the run.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  approvalDecisionSignal,
  decideApprovalUpdate,
  DECISION_LIMITS,
  IGNORED_DECISION_LIMITS,
  type ApprovalDecisionInput,
} from '../../src/workflows/run/contract.js';
import { DEV_SERVER_BLOB_SIZE_LIMIT } from '../../src/devserver/dynamic-config.js';
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
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund } }]
          - text: "done: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
`,
  );
}

/** Settles `p`; returns the error it failed with, or undefined when it succeeded. */
async function failure(p: Promise<unknown>): Promise<Error | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );
}

/** An error's message with its causes' (the SDK wraps the server's gRPC error). */
function messages(err: Error | undefined): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' <- ');
}

const MB = 1024 * 1024;

describe('hostile decisions against a parked run', () => {
  it('100 malformed 1.5 MB signals and 100 oversized updates: history stays small, status answers, the approval survives and the run completes', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(workspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const before = await run.waitFor((s) => s.state === 'waiting_for_approval' && s.pendingApprovals.length === 1);
      const approvalId = before.pendingApprovals[0]!.approvalId;
      const raw = client.temporal.workflow.getHandle(run.runId);

      // 100 malformed signals of 1.5 MB (150 MB: three times the 50 MB history limit), one at a time.
      const huge = { approvalId, decision: 'maybe', junk: 'x'.repeat(1.5 * MB) };
      let refusedByServer = 0;
      for (let i = 0; i < 100; i++) {
        const err = await failure(raw.signal(approvalDecisionSignal, huge as unknown as ApprovalDecisionInput));
        if (err) {
          expect(messages(err)).toMatch(/size exceeds limit/i);
          refusedByServer++;
        }
      }
      // The dev server's blob cap (256 KiB) refuses every one before it enters history.
      expect(refusedByServer).toBe(100);

      // Signals under the server's cap but over the decision limit reach the run: recorded as digests.
      const mid: ApprovalDecisionInput = { approvalId, decision: 'approve', reason: 'y'.repeat(DECISION_LIMITS.payloadBytes * 2) };
      expect(JSON.stringify(mid).length).toBeLessThan(DEV_SERVER_BLOB_SIZE_LIMIT);
      for (let i = 0; i < 30; i++) await raw.signal(approvalDecisionSignal, mid);

      // 100 oversized updates: refused by the run's validator, none enters history.
      for (let i = 0; i < 100; i++) {
        const err = await failure(raw.executeUpdate(decideApprovalUpdate, { args: [mid] }));
        expect(err?.cause).toMatchObject({ type: 'DECISION_TOO_LARGE' });
        expect((err?.cause as Error).message).toMatch(/over the limit of 65536 bytes/);
      }
      // Updates over the server's cap: server 1.29 admits them, then fails the workflow task that
      // carries them (the caller gets FAILED_PRECONDITION, not a size message); none is applied.
      for (let i = 0; i < 5; i++) {
        const err = await failure(raw.executeUpdate(decideApprovalUpdate, { args: [huge as unknown as ApprovalDecisionInput] }));
        expect(messages(err)).toMatch(/size exceeds limit|unexpected workflow task failure/i);
      }

      const status = await run.waitFor((s) => s.ignoredDecisionCount === 30);
      expect(JSON.stringify(status).length).toBeLessThan(MB);
      expect(status.ignoredDecisions).toHaveLength(IGNORED_DECISION_LIMITS.kept);
      expect(status.ignoredDecisions.every((d) => d.code === 'DECISION_TOO_LARGE' && d.payload.truncated)).toBe(true);
      expect(status.ignoredDecisions[0]!.payload.bytes).toBe(Buffer.byteLength(JSON.stringify(mid)));
      expect(status.state).toBe('waiting_for_approval');
      expect(status.pendingApprovals).toEqual(before.pendingApprovals);
      expect(status.approvals).toEqual([]);
      expect(fileLines(effects)).toEqual([]);

      const description = await raw.describe();
      // 30 signals of ~130 KB are all that entered: far from the 50 MB limit, under its 10 MB warning.
      expect(description.historySize).toBeLessThan(10 * MB);

      await run.approve({ approvalId, approver: 'ann' });
      const result = await run.result();
      expect(result.output).toMatch(/^done: /);
      expect(result.approvals).toMatchObject([{ approvalId, decision: 'approve', approver: 'ann' }]);
      expect(fileLines(effects)).toHaveLength(1);
    });
  }, 300_000);
});
