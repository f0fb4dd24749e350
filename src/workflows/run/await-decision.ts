/** Waiting, in the workflow, for a person's decision on one approval, with its deadline. */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { formatMs } from '../shared/failures.js';
import { approvalSpan } from '../shared/telemetry.js';
import type { RunLedger } from './ledger.js';
import type { ApprovalRecord } from './contract.js';

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
  else if (!(await condition(decided, deadline.approvalTimeoutMs))) {
    const onTimeout = deadline.onApprovalTimeout ?? 'reject';
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
