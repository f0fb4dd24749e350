/**
 * Decision links over a run: mint one for a pending approval, and turn a used link into the
 * run's ordinary `decideApproval` update. The HTTP link page and `harness link` call these.
 */
import type { DecisionResult, PendingApproval } from '../workflows/run/contract.js';
import { signDecisionLink, verifyDecisionLink, type DecisionLink, type DecisionLinkClaims, type LinkDecision } from './decision-links.js';
import { HarnessClientError } from './errors.js';
import type { RunHandle } from './run-handle.js';

/** Options of {@link mintDecisionLink}. */
export interface MintDecisionLinkOptions {
  /** Which approval; may be omitted when the run has exactly one pending. */
  approvalId?: string;
  /** The person the link is for: the decision is recorded under this name. */
  approver: string;
  approverRoles?: string[];
  decision: LinkDecision;
  /** A duration ("1h") or milliseconds, 1 s to 30 days. @default '24h' */
  expiresIn?: string | number;
  /** @default process.env.HARNESS_LINK_SECRET */
  secret?: string;
}

/**
 * Mints a link for a pending approval of `run` (checked by a status query first).
 * @throws {HarnessClientError} `NO_PENDING_APPROVAL`, `AMBIGUOUS_APPROVAL`, `UNKNOWN_APPROVAL`, or the status query's codes.
 * @throws {DecisionLinkError} `LINK_SECRET_MISSING`, `INVALID_LINK_OPTIONS`.
 */
export async function mintDecisionLink(run: RunHandle, options: MintDecisionLinkOptions): Promise<DecisionLink> {
  const { pendingApprovals } = await run.status();
  const approval = pendingApproval(run.runId, pendingApprovals, options.approvalId);
  return signDecisionLink({
    runId: run.runId,
    approvalId: approval.approvalId,
    approver: options.approver,
    ...(options.approverRoles && { approverRoles: options.approverRoles }),
    decision: options.decision,
    expiresIn: options.expiresIn ?? '24h',
    ...(options.secret !== undefined && { secret: options.secret }),
  });
}

/** The approval `approvalId` names among the pending ones (or the only one). */
export function pendingApproval(runId: string, pending: PendingApproval[], approvalId: string | undefined): PendingApproval {
  if (approvalId !== undefined) {
    const found = pending.find((p) => p.approvalId === approvalId);
    if (!found) {
      throw new HarnessClientError(
        'UNKNOWN_APPROVAL',
        `Run ${runId} has no pending approval ${approvalId} (pending: ${pending.map((p) => p.approvalId).join(', ') || 'none'}).`,
      );
    }
    return found;
  }
  if (pending.length === 0) throw new HarnessClientError('NO_PENDING_APPROVAL', `Run ${runId} has no pending approval.`);
  if (pending.length > 1) {
    throw new HarnessClientError(
      'AMBIGUOUS_APPROVAL',
      `Run ${runId} has ${pending.length} pending approvals (${pending.map((p) => p.approvalId).join(', ')}); name the one to link.`,
    );
  }
  return pending[0]!;
}

/** What using a link did. */
export interface LinkDecisionResult {
  claims: DecisionLinkClaims;
  /** The recorded decision, or the approval's progress while it needs more approvers (N-of-M). */
  record: DecisionResult;
}

/**
 * Checks a link and sends its decision as the validated `decideApproval` update, as its approver,
 * with the link's nonce in the reason. A second use is refused by the run.
 * @throws {DecisionLinkError} `LINK_MALFORMED`, `LINK_TAMPERED`, `LINK_EXPIRED`, `LINK_SECRET_MISSING`.
 * @throws {DecisionRejectedError} `APPROVAL_ALREADY_DECIDED` / `APPROVER_ALREADY_VOTED` (a used link),
 *   `RUN_NOT_ACTIVE`, `APPROVER_NOT_ALLOWED`, `UNKNOWN_APPROVAL`.
 */
export async function decideWithLink(
  runOf: (runId: string) => RunHandle,
  token: string,
  options: { secret?: string; nowMs?: number } = {},
): Promise<LinkDecisionResult> {
  const claims = verifyDecisionLink(token, options);
  const record = await runOf(claims.runId).decide({
    approvalId: claims.approvalId,
    decision: claims.decision,
    approver: claims.approver,
    ...(claims.approverRoles && { approverRoles: claims.approverRoles }),
    reason: `decided with link ${claims.nonce}`,
  });
  return { claims, record: record! }; // an update always answers with the record
}
