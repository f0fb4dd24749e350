/**
 * The `policies:` section of the workspace file: rules checked before a run starts that deny it,
 * force approvals on tools, or cap its limits. Evaluation is in `policy.ts`; cross-references
 * (agents, tools, duplicate ids) are checked in `routing-policy-references.ts`.
 */
import { z } from 'zod';
import { inputRegexSchema } from './routing-schema.js';
import { duration, id } from './schema-primitives.js';

const contextScalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'expected a string, number or boolean, or a list of them',
});

/** When a policy applies. Every condition given must hold; none given = always. */
export const policyConditionSchema = z.strictObject(
  {
    /** The selected agent's id is one of these. */
    agents: z.array(z.string().min(1)).min(1, 'list at least one agent, or omit `agents`').optional(),
    /**
     * Run-context keys and the value each must equal (or a list of accepted values). A dotted key
     * such as `user.role` reaches into nested objects.
     */
    context: z
      .record(
        z.string().regex(/^[^.]+(\.[^.]+)*$/, 'expected a context key such as "role" or "user.role"'),
        z.union([contextScalar, z.array(contextScalar).min(1, 'list at least one value')], {
          error: 'expected a string, number or boolean, or a list of them',
        }),
      )
      .optional(),
    /** Regex tested against the input, always case-insensitive. */
    inputMatches: inputRegexSchema.optional(),
    /** The input has more than this many characters (Unicode code points). */
    inputLongerThan: z.number().int().min(0).optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; \`when\` takes agents, context, inputMatches, inputLongerThan`
        : undefined,
  },
);

/** Caps a `limit` policy puts on a run; `runTimeout` is parsed to milliseconds. */
export const policyLimitsSchema = z
  .strictObject(
    {
      maxSteps: z.number().int().min(1).max(1000).optional(),
      runTimeout: duration.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' && issue.input === undefined
          ? 'effect: limit needs `limits`, e.g. { maxSteps: 3, runTimeout: 10m }'
          : undefined,
    },
  )
  .refine((l) => l.maxSteps !== undefined || l.runTimeout !== undefined, {
    message: 'a `limits` block needs `maxSteps`, `runTimeout`, or both',
  });

const base = {
  id,
  description: z.string().optional(),
  when: policyConditionSchema.optional(),
  /** Sentence shown to the caller when the policy denies; default derived from description/id. */
  reason: z.string().min(1).optional(),
};

// Strict objects report an unknown key as just "Unrecognized key"; most such keys here are a key
// that belongs to another effect, so say which effect takes it.
const belongsTo: Record<string, string> = { tools: 'requireApproval', limits: 'limit' };
const strictFor = (effect: string) => ({
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? (issue.keys ?? [])
          .map((k) =>
            belongsTo[k]
              ? `\`${k}\` only applies with effect: ${belongsTo[k]} (this policy has effect: ${effect})`
              : `unknown key "${k}"; a policy takes id, description, when, effect, reason, tools (requireApproval), limits (limit)`,
          )
          .join('; ')
      : undefined,
});

const denyPolicy = z.strictObject({ ...base, effect: z.literal('deny') }, strictFor('deny'));

const requireApprovalPolicy = z.strictObject(
  {
    ...base,
    effect: z.literal('requireApproval'),
    /** Tools whose calls need approval in runs this policy applies to. */
    tools: z.array(z.string().min(1), { error: 'effect: requireApproval needs `tools`, the tools that must be approved' })
      .min(1, 'list at least one tool'),
  },
  strictFor('requireApproval'),
);

const limitPolicy = z.strictObject(
  {
    ...base,
    effect: z.literal('limit'),
    limits: policyLimitsSchema,
  },
  strictFor('limit'),
);

/** One policy; `effect` decides which other keys it takes. */
export const policySchema = z.discriminatedUnion('effect', [denyPolicy, requireApprovalPolicy, limitPolicy], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected `effect` to be one of: deny, requireApproval, limit' : undefined,
});

/**
 * The optional top-level `policies:` list. Every policy whose `when` holds applies (not just the
 * first): any deny refuses the run, approvals are merged, limits take the minimum.
 * @example
 * policiesSchema.parse([{ id: 'no-guests', when: { context: { role: 'guest' } }, effect: 'deny' }]);
 */
export const policiesSchema = z.array(policySchema);

export type Policy = z.output<typeof policySchema>;
export type PolicyEffect = Policy['effect'];
export type PolicyCondition = z.output<typeof policyConditionSchema>;
export type PolicyLimits = z.output<typeof policyLimitsSchema>;
/** A run-context value a condition accepts. */
export type PolicyContextValue = z.output<typeof contextScalar>;
