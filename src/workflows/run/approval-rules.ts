/**
 * Approval rules: what a tool call's arguments decide before a person is asked. A rule is a
 * structured matcher on the call's input (no code, no eval: the workspace loader turns the text
 * form `amount <= 50` into this shape and refuses what it cannot parse) and an outcome: approve or
 * reject automatically (recorded `via: "policy"` with the rule's reason), or ask k distinct people.
 * Plain data, evaluated deterministically in the workflow.
 */

/** A JSON value an argument is compared with. */
export type ArgValue = string | number | boolean | null;

/**
 * One condition on one argument. Numbers compare with `lt`…`gte` (a non-number never matches
 * them); `eq`/`ne`/`in`/`notIn` compare JSON values exactly; `exists` asks whether the argument is there.
 */
export interface ArgCondition {
  eq?: ArgValue;
  ne?: ArgValue;
  lt?: number;
  lte?: number;
  gt?: number;
  gte?: number;
  in?: ArgValue[];
  notIn?: ArgValue[];
  exists?: boolean;
}

/** Conditions by argument path (`amount`, `customer.tier`): all must hold. An empty matcher matches every call. */
export type ArgMatcher = Record<string, ArgCondition>;

/** A rule as the workflow runs it (see the workspace's `requireApproval[].rules`). */
export interface ApprovalRuleSpec {
  /** How the rule is named in records and events (its text form, or `rule <n>`). */
  name: string;
  when: ArgMatcher;
  /** `approve` / `reject`: decided without a person; `ask`: people decide, `approvals` of them. */
  decide: 'approve' | 'reject' | 'ask';
  /** With `ask`: how many distinct people must approve (any rejection ends it). @default 1 */
  approvals?: number;
  /** With `ask`: who may decide (names, `role:<role>`); absent = the tool's `approvers`. */
  approvers?: string[];
  /** Recorded with the decision; on `reject` the model is told. */
  reason?: string;
}

/** The first rule whose matcher holds for `input`, or undefined (then the tool's own approval applies). */
export function firstMatchingRule(rules: readonly ApprovalRuleSpec[] | undefined, input: Record<string, unknown>): ApprovalRuleSpec | undefined {
  return rules?.find((rule) => matches(rule.when, input));
}

/** Whether every condition of `matcher` holds for `input`. */
export function matches(matcher: ArgMatcher, input: Record<string, unknown>): boolean {
  return Object.entries(matcher).every(([path, condition]) => holds(condition, valueAt(input, path)));
}

function holds(c: ArgCondition, value: unknown): boolean {
  if (c.exists !== undefined && (value !== undefined) !== c.exists) return false;
  if (c.eq !== undefined && !same(value, c.eq)) return false;
  if (c.ne !== undefined && same(value, c.ne)) return false;
  if (c.in !== undefined && !c.in.some((v) => same(value, v))) return false;
  if (c.notIn !== undefined && c.notIn.some((v) => same(value, v))) return false;
  const numeric = c.lt !== undefined || c.lte !== undefined || c.gt !== undefined || c.gte !== undefined;
  if (numeric) {
    // A missing or non-numeric argument never passes a numeric bound: `amount <= 50` must not approve a call without an amount.
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (c.lt !== undefined && !(value < c.lt)) return false;
    if (c.lte !== undefined && !(value <= c.lte)) return false;
    if (c.gt !== undefined && !(value > c.gt)) return false;
    if (c.gte !== undefined && !(value >= c.gte)) return false;
  }
  return true;
}

function same(value: unknown, expected: ArgValue): boolean {
  return value === expected;
}

/** The value at a dotted path (`customer.tier`); undefined when any step is missing or not an object. */
function valueAt(input: Record<string, unknown>, path: string): unknown {
  let current: unknown = input;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
