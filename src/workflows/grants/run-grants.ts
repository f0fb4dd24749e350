/** The rules of a grant a person gives while deciding an approval in a run (pure: used by `RunLedger`). */
import type { ToolSpec } from '../run/agent-spec.js';
import type { ApprovalDecisionInput, PendingApproval } from '../run/contract.js';
import type { ApprovalGrant } from './contract.js';

/** Why `decision.grant` cannot be given for `approval`, or undefined. */
export function grantProblem(
  decision: ApprovalDecisionInput,
  approval: PendingApproval,
  tools: ReadonlyMap<string, ToolSpec>,
  threadId: string | undefined,
): string | undefined {
  const scope = decision.grant!.scope;
  const allowed = tools.get(approval.toolName)?.grantScopes ?? [];
  if (!allowed.includes(scope)) {
    return `Tool "${approval.toolName}" allows ${allowed.length ? `only ${allowed.join(', ')} grants` : 'no grants'} (its approval rule's \`grants\`); "${scope}" was asked.`;
  }
  if (scope === 'thread' && threadId === undefined) {
    return 'This run belongs to no thread: a "thread" grant has nothing to cover. Use "agent", or decide without a grant.';
  }
  if (approval.quorum && approval.quorum.needed > 1) {
    return `Approval "${approval.approvalId}" needs ${approval.quorum.needed} approvers: one person cannot grant it for later calls.`;
  }
  if (approval.interrupt) return 'A graph interrupt cannot be granted for later calls.';
  return undefined;
}

/** The grant a person's approve gives (`decision.grant`, accepted by `grantProblem`): id `<run>/<approval>`. */
export function grantFrom(
  runId: string,
  agentId: string,
  threadId: string | undefined,
  approval: PendingApproval,
  decision: ApprovalDecisionInput,
  now: string,
): ApprovalGrant {
  const g = decision.grant!;
  return {
    grantId: `${runId}/${approval.approvalId}`,
    agentId,
    toolName: approval.toolName,
    scope: g.scope,
    ...(g.scope === 'thread' && threadId !== undefined && { threadId }),
    ...(g.match && { match: g.match }),
    grantedBy: decision.approver!,
    ...(decision.approverRoles?.length && { grantedByRoles: decision.approverRoles }),
    grantedAt: now,
    ...(g.expiresInMs !== undefined && { expiresAt: new Date(Date.parse(now) + g.expiresInMs).toISOString() }),
    runId,
    approvalId: approval.approvalId,
    ...(decision.reason !== undefined && { reason: decision.reason }),
  };
}
