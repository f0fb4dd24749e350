/**
 * N-of-M approvals: an approval an approval rule escalated to `needed` distinct people stays
 * pending until that many have approved; any rejection ends it (what may count is
 * `quorumProblem` in decision-rules.ts). Plain functions on the pending
 * approval (its `quorum` travels with it, so a run that carries its pending approvals carries the
 * votes too).
 */
import type { ApprovalDecisionInput, ApprovalQuorum, ApprovalVote, PendingApproval } from './contract.js';

/**
 * Counts an accepted approve from a person towards the quorum. Returns the vote while more are
 * needed (the approval stays pending), undefined when the decision ends the approval.
 */
export function countVote(
  approval: PendingApproval,
  decision: ApprovalDecisionInput,
  via: 'signal' | 'update',
  now: string,
): ApprovalVote | undefined {
  const quorum = approval.quorum;
  if (!quorum || decision.decision !== 'approve' || decision.approver === undefined) return undefined;
  const vote: ApprovalVote = {
    approver: decision.approver,
    ...(decision.approverRoles !== undefined && decision.approverRoles.length > 0 && { approverRoles: decision.approverRoles }),
    ...(decision.reason !== undefined && { reason: decision.reason }),
    at: now,
    via,
  };
  quorum.votes.push(vote);
  return quorum.votes.length < quorum.needed ? vote : undefined;
}

/** `1 of 2 approvals`. */
export function progressText(quorum: ApprovalQuorum): string {
  return `${quorum.votes.length} of ${quorum.needed} approvals`;
}
