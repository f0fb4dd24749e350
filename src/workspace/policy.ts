/**
 * Policy evaluation: may this run start, and under which extra approvals and limits?
 *
 * Pure and deterministic on purpose: an activity computes the verdict and Temporal records it, so
 * the same input must always give the same verdict. No clock, randomness, I/O or locale-dependent
 * operations (sorting is by code unit, not `localeCompare`, whose order depends on ICU data).
 */
import type { Policy, PolicyCondition, PolicyContextValue } from './policy-schema.js';
import { compileInputRegex } from './routing-schema.js';

/** Everything a verdict depends on. Plain JSON, so it can be an activity's input. */
export interface PolicyInput {
  /** Parsed `policies:` from the workspace file, in file order. */
  policies: Policy[];
  /** The agent the run goes to (after routing). */
  agentId: string;
  /** The agent's `enabled` flag; `false` denies every run. */
  agentEnabled: boolean;
  /** The run's input message. */
  input: string;
  /** Caller context (tenant, user, role…), matched by `when.context`. */
  context: Record<string, unknown>;
  /** `limits.maxInputChars` of the workspace; omitted = no limit. */
  maxInputChars?: number;
}

/** What {@link evaluatePolicies} decides. Plain JSON: it is recorded in workflow history. */
export interface PolicyVerdict {
  /** `false` when any reason below applies. */
  allowed: boolean;
  /** Every reason the run is denied, each a full sentence; empty when allowed. */
  reasons: string[];
  /** Ids of every policy whose `when` held, whatever its effect, in file order. */
  matchedPolicies: string[];
  /** Tools that must be approved in this run because of policies (sorted, unique). */
  requireApproval: string[];
  /** The tightest caps across matching `limit` policies; a key is absent when no policy sets it. */
  limits: { maxSteps?: number; runTimeoutMs?: number };
}

/**
 * Applies every policy whose `when` holds (not just the first): any deny refuses the run and all
 * deny reasons are listed, `requireApproval` tools are merged, `limit` caps take the minimum.
 * A disabled agent and an input over `maxInputChars` are deny reasons too.
 * @example
 * const verdict = evaluatePolicies({ policies, agentId: 'support', agentEnabled: true, input: 'refund please', context: { role: 'guest' } });
 * if (!verdict.allowed) throw new Error(verdict.reasons.join('; '));
 */
export function evaluatePolicies(input: PolicyInput): PolicyVerdict {
  const reasons: string[] = [];
  const matchedPolicies: string[] = [];
  const approvals = new Set<string>();
  const limits: PolicyVerdict['limits'] = {};

  if (!input.agentEnabled) reasons.push(`agent "${input.agentId}" is disabled`);
  const length = charCount(input.input);
  if (input.maxInputChars !== undefined && length > input.maxInputChars) {
    reasons.push(`input is ${length} characters, over the limit of ${input.maxInputChars} (limits.maxInputChars)`);
  }

  for (const policy of input.policies) {
    if (!conditionHolds(policy.when, input, length)) continue;
    matchedPolicies.push(policy.id);
    switch (policy.effect) {
      case 'deny':
        reasons.push(`policy "${policy.id}": ${policy.reason ?? policy.description ?? 'denies this run'}`);
        break;
      case 'requireApproval':
        for (const tool of policy.tools) approvals.add(tool);
        break;
      case 'limit':
        if (policy.limits.maxSteps !== undefined) limits.maxSteps = min(limits.maxSteps, policy.limits.maxSteps);
        if (policy.limits.runTimeout !== undefined) {
          limits.runTimeoutMs = min(limits.runTimeoutMs, policy.limits.runTimeout);
        }
        break;
    }
  }

  return {
    allowed: reasons.length === 0,
    reasons,
    matchedPolicies,
    requireApproval: [...approvals].sort(),
    limits,
  };
}

// The key as written if the context has it (a flat `{ "user.role": … }`), else a walk along the
// dotted path (`{ user: { role: … } }`). Own properties only, so keys such as `constructor` never
// reach Object.prototype and match by accident. `undefined` when absent.
function readContext(context: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(context, key)) return context[key];
  let value: unknown = context;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function conditionHolds(when: PolicyCondition | undefined, input: PolicyInput, length: number): boolean {
  if (!when) return true;
  if (when.agents && !when.agents.includes(input.agentId)) return false;
  if (when.inputLongerThan !== undefined && !(length > when.inputLongerThan)) return false;
  if (when.inputMatches !== undefined && !compileInputRegex(when.inputMatches).test(input.input)) return false;
  for (const [key, expected] of Object.entries(when.context ?? {})) {
    const actual = readContext(input.context, key);
    const accepted: PolicyContextValue[] = Array.isArray(expected) ? expected : [expected];
    // Strict equality: "2" and 2 differ, so a policy means exactly what the file says.
    if (!accepted.some((v) => v === actual)) return false;
  }
  return true;
}

/** Unicode code points, so an emoji counts as one character as a person would count it. */
function charCount(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function min(current: number | undefined, next: number): number {
  return current === undefined ? next : Math.min(current, next);
}
