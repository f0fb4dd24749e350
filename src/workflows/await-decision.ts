/** Waiting, in the workflow, for a person's decision on one approval, with its deadline. */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { formatMs } from './failures.js';
import type { AgentRunState } from './run-state.js';
import type { ApprovalRecord } from './types.js';

export interface DecisionDeadline {
  approvalTimeoutMs?: number;
  onApprovalTimeout?: 'reject' | 'approve' | 'fail';
}

/**
 * Resolves with the approval's decision: a person's, or the deadline's (`onApprovalTimeout`).
 * With `fail`, a missed deadline fails the run. `what` names the approval in that failure.
 */
export async function awaitDecision(
  run: AgentRunState,
  approvalId: string,
  deadline: DecisionDeadline,
  what: string,
): Promise<ApprovalRecord> {
  const decided = () => run.decisionFor(approvalId) !== undefined;
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
    run.decideOnTimeout(approvalId, onTimeout, reason, new Date().toISOString());
  }
  return run.decisionFor(approvalId)!;
}
