/**
 * The contract of `approvalGrants`: one workflow per agent holding the standing approvals
 * ("grants") people gave while deciding, so a later tool call a grant covers is approved without
 * asking, in this run or in another run of the same thread or agent. Declared once, imported by
 * the workflow, the activities, the client and the HTTP layer.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { matches, type ArgMatcher } from '../run/approval-rules.js';

/** Workflow type of the grants keeper of an agent. */
export const APPROVAL_GRANTS_WORKFLOW = 'approvalGrants';

/** Workflow id of an agent's grants keeper. */
export function grantsWorkflowId(agentId: string): string {
  return `harness-grants:${agentId}`;
}

/** What a grant covers: calls of its tool in its thread (`thread`) or in any run of its agent (`agent`). */
export type GrantScope = 'thread' | 'agent';

/** Every grant scope. */
export const GRANT_SCOPES: readonly GrantScope[] = ['thread', 'agent'];

/** Bounds of what a decision may ask to grant (it travels in the decision payload). */
export const GRANT_LIMITS = {
  /** Longest a grant may last (30 days). */
  maxDurationMs: 30 * 24 * 3600_000,
  /** Argument conditions in a grant's `match`. */
  matchConditions: 20,
} as const;

/** What a decision asks to grant along with its approval (`ApprovalDecisionInput.grant`). */
export interface GrantRequest {
  scope: GrantScope;
  /** How long the grant lasts, in ms; absent = until revoked (at most `GRANT_LIMITS.maxDurationMs` when set). */
  expiresInMs?: number;
  /** Only calls whose arguments match (see `ArgMatcher`); absent = every call of the tool. */
  match?: ArgMatcher;
}

/** A standing approval, as the grants keeper holds it and a run records it. */
export interface ApprovalGrant {
  /** `<run id>/<approval id>`: the decision that gave it. */
  grantId: string;
  agentId: string;
  toolName: string;
  scope: GrantScope;
  /** The thread a `thread` grant covers. */
  threadId?: string;
  match?: ArgMatcher;
  grantedBy: string;
  grantedByRoles?: string[];
  /** ISO-8601. */
  grantedAt: string;
  /** ISO-8601; absent = until revoked. */
  expiresAt?: string;
  runId: string;
  approvalId: string;
  reason?: string;
}

/** What a run asks: is there a grant for this call? */
export interface GrantLookup {
  agentId: string;
  toolName: string;
  threadId?: string;
  input: Record<string, unknown>;
}

/** Payload of `revokeGrant`. */
export interface RevokeGrantInput {
  grantId: string;
  /** Who revokes (recorded in the keeper's history). */
  revokedBy?: string;
}

/** Start input of `approvalGrants` (and what it hands itself when it continues as new). */
export interface ApprovalGrantsInput {
  agentId: string;
  grants?: ApprovalGrant[];
}

/** Adds a grant (sent with signal-with-start by the `recordGrant` activity; a known `grantId` is ignored). */
export const addGrantSignal = defineSignal<[ApprovalGrant]>('addGrant');
/** Removes a grant; answers it. The validator refuses an unknown id, so a refused revoke leaves no trace. */
export const revokeGrantUpdate = defineUpdate<ApprovalGrant, [RevokeGrantInput]>('revokeGrant');
/** The agent's grants (expired ones may still be listed until the keeper prunes them: check `expiresAt`). */
export const listGrantsQuery = defineQuery<ApprovalGrant[]>('listGrants');

/** Whether `grant` covers the call at `nowMs`: same agent and tool, in scope, unexpired, arguments matching. */
export function grantCovers(grant: ApprovalGrant, call: GrantLookup, nowMs: number): boolean {
  if (grant.agentId !== call.agentId || grant.toolName !== call.toolName) return false;
  if (grant.scope === 'thread' && (call.threadId === undefined || grant.threadId !== call.threadId)) return false;
  if (grant.expiresAt !== undefined && Date.parse(grant.expiresAt) <= nowMs) return false;
  return grant.match === undefined || matches(grant.match, call.input);
}
