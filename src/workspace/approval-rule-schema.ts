/**
 * Approval rules in the workspace file (`requireApproval[].rules`): conditions on a tool call's
 * arguments that approve or reject it before anyone is asked, or say who must decide and how many
 * of them. Written as text (`amount <= 50`, `amount > 1000 and currency == "EUR"`) or as
 * structured matchers (`{ amount: { lte: 50 } }`); both become the plain `ApprovalRuleSpec` the
 * workflow evaluates. The text form is parsed here, at load, with no eval: what does not parse is a
 * load error that says what was expected.
 */
import { z } from 'zod';
import type { ArgCondition, ArgMatcher, ArgValue, ApprovalRuleSpec } from '../workflows/run/approval-rules.js';

const PATH = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;
const argValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const conditionSchema = z
  .strictObject({
    eq: argValue.optional(),
    ne: argValue.optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    in: z.array(argValue).min(1).optional(),
    notIn: z.array(argValue).min(1).optional(),
    exists: z.boolean().optional(),
  })
  .refine((c) => Object.keys(c).length > 0, { message: 'a condition needs one of eq, ne, lt, lte, gt, gte, in, notIn, exists' });

/** `{ path: condition | value }`: a bare value means `eq`. */
const matcherObject = z
  .record(z.string().regex(PATH, 'an argument path is dotted names, e.g. "amount" or "customer.tier"'), z.union([argValue, conditionSchema]))
  .transform((m): ArgMatcher => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, isCondition(v) ? (v as ArgCondition) : { eq: v as ArgValue }])));

function isCondition(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const OPS: Record<string, keyof ArgCondition> = { '<=': 'lte', '>=': 'gte', '<': 'lt', '>': 'gt', '==': 'eq', '!=': 'ne', in: 'in', 'not in': 'notIn' };
// path, operator, then a JSON literal: number, "string", true/false/null, or a flat [list].
const CLAUSE =
  /\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(<=|>=|==|!=|<|>|not\s+in\b|in\b)\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|"(?:[^"\\]|\\.)*"|true|false|null|\[[^\]]*\])\s*(?:\band\b(?=\s*\S)|$)/y;

/**
 * Parses `amount <= 50 and currency == "EUR"` into a matcher, or returns what is wrong with it.
 * Only `and` joins clauses; each clause is `<argument path> <op> <JSON literal>`.
 */
export function parseCondition(text: string): { ok: true; matcher: ArgMatcher } | { ok: false; error: string } {
  const matcher: ArgMatcher = {};
  CLAUSE.lastIndex = 0;
  while (CLAUSE.lastIndex < text.length) {
    const at = CLAUSE.lastIndex;
    const m = CLAUSE.exec(text);
    if (!m) {
      return {
        ok: false,
        error:
          `cannot read "${text.slice(at).trim().slice(0, 60)}": write clauses like \`amount <= 50\`, \`currency == "EUR"\` or \`tier in ["gold", "silver"]\`, ` +
          'joined by `and` (operators: < <= > >= == != in, not in; values are JSON: numbers, "strings", true, false, null, [lists])',
      };
    }
    const [, path, rawOp, rawValue] = m as unknown as [string, string, string, string];
    const op = OPS[rawOp.replace(/\s+/g, ' ')]!;
    let value: unknown;
    try {
      value = JSON.parse(rawValue);
    } catch {
      return { ok: false, error: `${rawValue} is not a JSON value` };
    }
    const isList = Array.isArray(value);
    if ((op === 'in' || op === 'notIn') !== isList) {
      return { ok: false, error: `\`${rawOp}\` ${op === 'in' || op === 'notIn' ? 'needs a [list]' : 'compares with one value, not a list'} (in "${m[0].trim()}")` };
    }
    if (isList && !(value as unknown[]).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      return { ok: false, error: `a list holds only strings, numbers, true, false or null (in "${m[0].trim()}")` };
    }
    if (['lt', 'lte', 'gt', 'gte'].includes(op) && typeof value !== 'number') {
      return { ok: false, error: `\`${rawOp}\` compares numbers (in "${m[0].trim()}")` };
    }
    matcher[path] = { ...matcher[path], [op]: value };
  }
  if (Object.keys(matcher).length === 0) return { ok: false, error: 'an empty condition: write e.g. `amount <= 50`' };
  return { ok: true, matcher };
}

const whenSchema = z.union([z.string().min(1), matcherObject], {
  error: () => 'expected a condition like "amount <= 50", or { <argument>: value | { eq, ne, lt, lte, gt, gte, in, notIn, exists } }',
});

const ruleSchema = z.strictObject({
  /** How the rule is named in records; default: its `when` text. */
  name: z.string().min(1).max(200).optional(),
  when: whenSchema,
  decide: z.enum(['approve', 'reject', 'ask']),
  approvals: z.number().int().min(1).max(20).optional(),
  approvers: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string().trim().min(1).max(200)).min(1)).optional(),
  reason: z.string().max(1000).optional(),
});

/**
 * A tool's approval rules, tried in order (first match wins); becomes `ApprovalRuleSpec[]`.
 * Errors name the rule and say what to write instead.
 */
export const approvalRulesSchema = z
  .array(ruleSchema)
  .max(50)
  .transform((rules, ctx): ApprovalRuleSpec[] =>
    rules.flatMap((rule, i) => {
      const issue = (message: string, path: PropertyKey[] = []) => {
        ctx.addIssue({ code: 'custom', path: [i, ...path], message });
        return [];
      };
      let when: ArgMatcher;
      if (typeof rule.when === 'string') {
        const parsed = parseCondition(rule.when);
        if (!parsed.ok) return issue(parsed.error, ['when']);
        when = parsed.matcher;
      } else when = rule.when;
      if (rule.decide !== 'ask' && (rule.approvals !== undefined || rule.approvers !== undefined)) {
        return issue(`\`approvals\` and \`approvers\` go with \`decide: ask\`; a rule that decides "${rule.decide}" asks no one`);
      }
      const names = rule.approvers?.filter((a) => !a.startsWith('role:'));
      if (rule.approvals !== undefined && names && names.length === rule.approvers!.length && names.length < rule.approvals) {
        return issue(`needs ${rule.approvals} distinct approvers but lists only ${names.length}: list more, add a "role:<role>", or lower \`approvals\``, ['approvals']);
      }
      const name = rule.name ?? (typeof rule.when === 'string' ? rule.when.trim() : `rule ${i + 1}`);
      return [
        {
          name,
          when,
          decide: rule.decide,
          ...(rule.approvals !== undefined && { approvals: rule.approvals }),
          ...(rule.approvers && { approvers: [...new Set(rule.approvers)] }),
          ...(rule.reason !== undefined && { reason: rule.reason }),
        },
      ];
    }),
  );
