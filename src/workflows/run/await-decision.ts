/** Waiting, in the workflow, for a person's decision on one approval, with its deadline. */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { formatMs } from '../shared/failures.js';
import { approvalSpan } from '../shared/telemetry.js';
import type { RunLedger } from './ledger.js';
import type { ApprovalRecord } from './contract.js';
import { approvalTimerSummary } from './ui-details.js';

export interface DecisionDeadline {
  approvalTimeoutMs?: number;
  onApprovalTimeout?: 'reject' | 'approve' | 'fail';
}

/**
 * Resolves with the approval's decision: a person's, or the deadline's (`onApprovalTimeout`).
 * With `fail`, a missed deadline fails the run. `what` names the approval in that failure.
 */
export async function awaitDecision(
  ledger: RunLedger,
  approvalId: string,
  deadline: DecisionDeadline,
  what: string,
): Promise<ApprovalRecord> {
  const pending = ledger.pendingApprovals().find((a) => a.approvalId === approvalId);
  const span = approvalSpan(ledger.agentId, pending?.toolName ?? approvalId, approvalId);
  try {
    const record = await waitForDecision(ledger, approvalId, deadline, what);
    const waitedMs = pending ? Math.max(0, Date.parse(record.decidedAt) - Date.parse(pending.requestedAt)) : 0;
    span.end({ decision: record.decision, via: record.via, approver: record.approver, waitedMs });
    return record;
  } catch (err) {
    span.end();
    throw err;
  }
}

async function waitForDecision(ledger: RunLedger, approvalId: string, deadline: DecisionDeadline, what: string): Promise<ApprovalRecord> {
  const decided = () => ledger.decisionFor(approvalId) !== undefined;
  if (deadline.approvalTimeoutMs === undefined) await condition(decided);
  else {
    const onTimeout = deadline.onApprovalTimeout ?? 'reject';
    const approval = ledger.pendingApprovals().find((p) => p.approvalId === approvalId);
    // The deadline timer is labelled in the Web UI's History timeline: what waits, for whom, until when.
    const summary = approval ? approvalTimerSummary(approval, deadline.approvalTimeoutMs, onTimeout) : `approval ${approvalId}`;
    if (await condition(decided, timeLeft(ledger, approvalId, deadline.approvalTimeoutMs), { summary })) return ledger.decisionFor(approvalId)!;
    const reason = `approval timed out: no decision within ${formatMs(deadline.approvalTimeoutMs)}`;
    if (onTimeout === 'fail') {
      throw ApplicationFailure.create({
        type: 'APPROVAL_TIMEOUT',
        nonRetryable: true,
        message: `${what} was not decided within ${formatMs(deadline.approvalTimeoutMs)}, and its onTimeout is "fail".`,
      });
    }
    ledger.decideOnTimeout(approvalId, onTimeout, reason, new Date().toISOString());
  }
  return ledger.decisionFor(approvalId)!;
}

/**
 * What is left of the approval's deadline. It counts from the request, not from this wait: a run
 * that continued as new while parked waits only for the rest. At least 1 ms (a timer needs one).
 */
function timeLeft(ledger: RunLedger, approvalId: string, timeoutMs: number): number {
  const requestedAt = ledger.pendingApproval(approvalId)?.requestedAt;
  const elapsed = requestedAt === undefined ? 0 : Date.now() - Date.parse(requestedAt);
  return Math.max(1, timeoutMs - elapsed);
}
