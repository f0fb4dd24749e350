/**
 * The rules of an approval decision: the payload's shape (bounds from `DECISION_LIMITS` in the
 * contract) and its fit with the run's approvals. Shared by the update validator
 * (which throws) and the signal handler (which records and ignores), so both refuse exactly the
 * same things with the same words.
 */
import { Validator } from '@cfworker/json-schema';
import type { ToolSpec } from './agent-spec.js';
import { grantRequestIssues } from '../grants/grant-request.js';
import { progressText } from './quorum.js';
import {
  DECISION_LIMITS,
  DECISIONS,
  decisionInputProblem,
  type ApprovalDecisionInput,
  type ApprovalRecord,
  type PendingApproval,
} from './contract.js';

/** Stable codes, carried as the ApplicationFailure type so clients can branch on them. */
export type DecisionErrorCode =
  | 'INVALID_DECISION_PAYLOAD'
  | 'DECISION_TOO_LARGE'
  | 'UNKNOWN_APPROVAL'
  | 'APPROVAL_ALREADY_DECIDED'
  | 'INVALID_EDIT_INPUT'
  | 'APPROVER_NOT_ALLOWED'
  | 'APPROVER_ALREADY_VOTED';

export interface DecisionProblem {
  code: DecisionErrorCode;
  message: string;
}

/** Shown after every malformed-payload complaint: the shape a decision must have. */
const EXPECTED_SHAPE =
  'Expected {"approvalId": string, "decision": "approve"|"reject"|"edit", "input"?: object, "approver"?: string, "approverRoles"?: string[], "reason"?: string, "grant"?: object}';
const KNOWN_KEYS: readonly string[] = ['approvalId', 'decision', 'input', 'approver', 'approverRoles', 'reason', 'grant'];

/**
 * Parses an untrusted decision payload; returns the decision or the problem.
 *
 * Hand-written rather than a zod schema on purpose: every workflow (new or replayed) evaluates
 * the whole workflow bundle, and zod alone made each cached run cost ~1.2 MiB of worker memory
 * (BENCHMARKS.md §3). The wording of each complaint is the one the zod schema gave, field by
 * field in this order, unknown keys last.
 */
export function parseDecision(
  payload: unknown,
): { ok: true; decision: ApprovalDecisionInput } | { ok: false; problem: DecisionProblem } {
  const size = decisionSizeProblem(payload);
  if (size) return { ok: false, problem: size };
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return malformed([`(payload): Invalid input: expected object, received ${typeName(payload)}`]);
  }
  const p = payload as Record<string, unknown>;
  const issues: string[] = [];
  const str = (key: string, value: unknown, max?: number, emptyMessage?: string) => {
    if (typeof value !== 'string') issues.push(`${key}: Invalid input: expected string, received ${typeName(value)}`);
    else if (emptyMessage !== undefined && value.length === 0) issues.push(`${key}: ${emptyMessage}`);
    else if (max !== undefined && value.length > max) issues.push(`${key}: Too big: expected string to have <=${max} characters`);
  };
  str('approvalId', p.approvalId, DECISION_LIMITS.approvalIdChars, 'approvalId must be a non-empty string');
  if (typeof p.decision !== 'string' || !(DECISIONS as readonly string[]).includes(p.decision)) {
    issues.push('decision: Invalid option: expected one of "approve"|"reject"|"edit"');
  }
  if (p.input !== undefined && (typeof p.input !== 'object' || p.input === null || Array.isArray(p.input))) {
    issues.push(`input: Invalid input: expected record, received ${typeName(p.input)}`);
  }
  if (p.approver !== undefined) str('approver', p.approver, DECISION_LIMITS.approverChars);
  if (p.approverRoles !== undefined) {
    if (!Array.isArray(p.approverRoles)) {
      issues.push(`approverRoles: Invalid input: expected array, received ${typeName(p.approverRoles)}`);
    } else {
      // Too many roles is the one complaint about them: the roles themselves are not looked at then.
      if (p.approverRoles.length > DECISION_LIMITS.approverRoles) {
        issues.push(`approverRoles: Too big: expected array to have <=${DECISION_LIMITS.approverRoles} items`);
      } else p.approverRoles.forEach((role, i) => str(`approverRoles.${i}`, role, DECISION_LIMITS.roleChars, 'a role must be a non-empty string'));
    }
  }
  if (p.reason !== undefined) str('reason', p.reason, DECISION_LIMITS.reasonChars);
  if (p.grant !== undefined) issues.push(...grantRequestIssues(p.grant));
  const unknown = Object.keys(p).filter((k) => !KNOWN_KEYS.includes(k));
  if (unknown.length) {
    // Key names are the caller's: show a few, cut, so the complaint stays small whatever was sent.
    const shown = unknown.slice(0, 5).map((k) => `"${k.length > 40 ? `${k.slice(0, 40)}…` : k}"`);
    const list = unknown.length > 5 ? `${shown.join(', ')} and ${unknown.length - 5} more` : shown.join(', ');
    issues.push(`(payload): Unrecognized key${unknown.length > 1 ? 's' : ''}: ${list}`);
  }
  if (issues.length) return malformed(issues);

  const d = {
    approvalId: p.approvalId,
    decision: p.decision,
    ...(p.input !== undefined && { input: { ...(p.input as Record<string, unknown>) } }),
    ...(p.approver !== undefined && { approver: p.approver }),
    ...(p.approverRoles !== undefined && { approverRoles: [...(p.approverRoles as string[])] }),
    ...(p.reason !== undefined && { reason: p.reason }),
    ...(p.grant !== undefined && { grant: JSON.parse(JSON.stringify(p.grant)) as unknown }),
  } as ApprovalDecisionInput;
  const mismatch = decisionInputProblem(d.decision, d.input !== undefined);
  if (mismatch) return problem('INVALID_DECISION_PAYLOAD', mismatch);
  if (d.grant && d.decision !== 'approve') return problem('INVALID_DECISION_PAYLOAD', `\`grant\` goes only with decision "approve" (got "${d.decision}")`);
  if (d.grant && d.approver === undefined) return problem('INVALID_DECISION_PAYLOAD', 'a decision with `grant` names who grants it: set `approver`');
  return { ok: true, decision: d };
}

/**
 * Refuses a payload whose JSON text is over `DECISION_LIMITS.payloadBytes` (UTF-8), before anything
 * else looks at it: an update refused here never enters history, and the complaint quotes nothing.
 */
export function decisionSizeProblem(payload: unknown): DecisionProblem | undefined {
  const bytes = jsonBytes(payload);
  if (bytes <= DECISION_LIMITS.payloadBytes) return undefined;
  return {
    code: 'DECISION_TOO_LARGE',
    message:
      `Approval decision of ${bytes} bytes is over the limit of ${DECISION_LIMITS.payloadBytes} bytes (as JSON). ` +
      'A decision carries an approval id, the decision, a short reason and, for an edit, the replacement tool input: ' +
      'pass large data to the tool by reference (a path or URL) instead of inline.',
  };
}

/** Size of `payload` as JSON text in UTF-8 bytes. */
export function jsonBytes(payload: unknown): number {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch {
    return 0; // Not JSON at all: the shape checks below say what is wrong.
  }
  if (json === undefined) return 0;
  // A UTF-16 length within the limit cannot be over it in UTF-8 by more than 3×: only encode when it may be.
  return json.length * 3 <= DECISION_LIMITS.payloadBytes ? json.length : new TextEncoder().encode(json).length;
}

function malformed(issues: string[]): { ok: false; problem: DecisionProblem } {
  return problem('INVALID_DECISION_PAYLOAD', `Malformed approval decision (${issues.join('; ')}). ${EXPECTED_SHAPE}`);
}

/** The type name a complaint shows, as zod named it (arrays and null apart from objects). */
function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Checks a well-formed decision against the run: is it pending, may this approver decide it, and
 * does an edit fit the tool?
 */
export function checkDecisionAgainstRun(
  decision: ApprovalDecisionInput,
  pending: ReadonlyMap<string, PendingApproval>,
  decided: ReadonlyMap<string, ApprovalRecord>,
  tools: ReadonlyMap<string, ToolSpec>,
): DecisionProblem | undefined {
  const earlier = decided.get(decision.approvalId);
  if (earlier) {
    const who = earlier.approver ? ` by ${earlier.approver}` : '';
    return {
      code: 'APPROVAL_ALREADY_DECIDED',
      message: `Approval "${decision.approvalId}" was already decided: ${earlier.decision}${who} at ${earlier.decidedAt}. A decision cannot be changed.`,
    };
  }
  const approval = pending.get(decision.approvalId);
  if (!approval) {
    const ids = [...pending.keys()];
    return {
      code: 'UNKNOWN_APPROVAL',
      message: `No pending approval "${decision.approvalId}" on this run. ${
        ids.length ? `Pending approvals: ${ids.join(', ')}.` : 'The run has no pending approvals.'
      }`,
    };
  }
  const notAllowed = approverProblem(decision, approval, tools.get(approval.toolName)) ?? quorumProblem(decision, approval);
  if (notAllowed) return notAllowed;
  if (decision.decision === 'edit') {
    const tool = tools.get(approval.toolName);
    const errors = tool ? validateAgainstSchema(tool.inputSchema, decision.input ?? {}) : [];
    if (errors.length) {
      return {
        code: 'INVALID_EDIT_INPUT',
        message: `Edited input for tool "${approval.toolName}" does not match its schema: ${errors.join('; ')}`,
      };
    }
  }
  return undefined;
}

const ROLE_PREFIX = 'role:';

/**
 * Whether the decision's approver is among the approval's (its rule's, else the tool's) `approvers`: by name, or by one of the
 * roles the decision carries matching a `role:<role>` entry. Both are asserted by the caller;
 * authentication belongs to whatever sends the decision (see README "Security").
 */
export function approverProblem(
  decision: ApprovalDecisionInput,
  approval: PendingApproval,
  tool: ToolSpec | undefined,
): DecisionProblem | undefined {
  // An approval rule that asked for people names its own approvers.
  const allowed = approval.quorum?.approvers ?? tool?.approvers;
  if (!allowed || allowed.length === 0) return undefined;
  const names = allowed.filter((a) => !a.startsWith(ROLE_PREFIX));
  const roles = allowed.filter((a) => a.startsWith(ROLE_PREFIX)).map((a) => a.slice(ROLE_PREFIX.length).trim());
  if (decision.approver !== undefined && names.includes(decision.approver)) return undefined;
  const held = (decision.approverRoles ?? []).map((r) => (r.startsWith(ROLE_PREFIX) ? r.slice(ROLE_PREFIX.length) : r).trim());
  if (held.some((r) => roles.includes(r))) return undefined;

  const who = decision.approver !== undefined ? `"${decision.approver}"` : 'A decision without an approver';
  const asserted = held.length ? ` (roles: ${held.join(', ')})` : '';
  const mayDecide = [
    ...(names.length ? [`${names.join(', ')}`] : []),
    ...(roles.length ? [`anyone with role ${roles.join(' or ')}`] : []),
  ].join('; or ');
  return {
    code: 'APPROVER_NOT_ALLOWED',
    message:
      `${who}${asserted} may not decide approval "${approval.approvalId}" (tool "${approval.toolName}"). ` +
      `Who may decide: ${mayDecide}. Send the decision with \`approver\` set to one of those names or ` +
      `\`approverRoles\` holding one of those roles.`,
  };
}

/** Why a decision cannot count towards `approval`'s quorum, or undefined. */
export function quorumProblem(decision: ApprovalDecisionInput, approval: PendingApproval): DecisionProblem | undefined {
  const quorum = approval.quorum;
  if (!quorum || quorum.needed <= 1) return undefined;
  const what = `Approval "${approval.approvalId}" (tool "${approval.toolName}") needs ${quorum.needed} distinct approvers (rule ${quorum.rule})`;
  if (decision.decision === 'edit') {
    // Each approver must approve the same input: an edit would leave the earlier approvals approving something else.
    return { code: 'INVALID_DECISION_PAYLOAD', message: `${what}: it cannot be edited. Reject it with a reason instead, and the model is told.` };
  }
  if (decision.approver === undefined) {
    return { code: 'APPROVER_NOT_ALLOWED', message: `${what}, counted by name: send the decision with \`approver\` set.` };
  }
  const earlier = quorum.votes.find((v) => v.approver === decision.approver);
  if (earlier) {
    return {
      code: 'APPROVER_ALREADY_VOTED',
      message: `${what}: "${decision.approver}" already approved it at ${earlier.at} (${progressText(quorum)}). Another approver must decide.`,
    };
  }
  return undefined;
}

// Compiled validators are cached per schema object: a run validates against the same few tools.
const validators = new WeakMap<object, Validator>();

/** Why `value` fails the JSON `schema` (one line per problem); empty when it conforms. */
export function validateAgainstSchema(schema: Record<string, unknown>, value: unknown): string[] {
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema as never, '2020-12', false);
    validators.set(schema, validator);
  }
  const result = validator.validate(value);
  if (result.valid) return [];
  // cfworker reports a summary error per failing keyword plus its causes; the leaves are the useful ones.
  const leaves = result.errors.filter((e) => e.keyword !== 'properties' && e.keyword !== '$ref');
  const shown = (leaves.length ? leaves : result.errors).map(
    (e) => `${e.instanceLocation.replace(/^#/, '') || '/'} ${e.error}`,
  );
  return [...new Set(shown)];
}

function problem(code: DecisionErrorCode, message: string): { ok: false; problem: DecisionProblem } {
  return { ok: false, problem: { code, message } };
}
