/**
 * The `routing:` section of the workspace file: which agent a run goes to when the caller does
 * not name one. Rules are checked in order (first match wins); an optional router model picks
 * among agents by their descriptions when no rule matches. Cross-references (agents, models) are
 * checked in `routing-policy-references.ts`.
 */
import { z } from 'zod';

/**
 * Compiles a pattern from the workspace file the way every matcher here uses it: case-insensitive,
 * the same flags as the scripted model's `when` in `schema.ts`. A leading `(?i)` is dropped:
 * people coming from PCRE/Python/Go write it, Node 20 rejects it, and we apply the flag anyway.
 * @throws {SyntaxError} when the pattern does not compile (the schemas reject such patterns first).
 * @example
 * compileInputRegex('(?i)refund|return').test('REFUND please'); // true
 */
export function compileInputRegex(source: string): RegExp {
  // No `g` flag: a global regex keeps `lastIndex` between calls, which would make `test` stateful.
  return new RegExp(source.replace(/^\(\?i\)/, ''), 'i');
}

/** A string that must compile with {@link compileInputRegex}. */
export const inputRegexSchema = z.string().min(1, 'expected a non-empty regular expression').superRefine((value, ctx) => {
  try {
    compileInputRegex(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

const keyword = z
  .string()
  .trim()
  .min(1, { message: 'expected a non-empty keyword', abort: true })
  .refine((k) => /[\p{L}\p{N}]/u.test(k), 'a keyword needs at least one letter or digit');

// Strict objects say only "Unrecognized key"; list what the object does take instead.
const unknownKeys = (what: string, takes: string) => ({
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `unknown key(s) ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}; ${what} takes ${takes}`
      : undefined,
});

/** One routing rule: a regex (`match`) or a keyword list (`keywords`), and the agent it picks. */
export const routingRuleSchema = z
  .strictObject(
    {
      /** Case-insensitive regex tested against the run's input. */
      match: inputRegexSchema.optional(),
      /** Any of these, case-insensitive, as a whole word (or phrase) of the input. */
      keywords: z.array(keyword).min(1, 'list at least one keyword').optional(),
      /** The agent id the run goes to when this rule matches. */
      agent: z.string().min(1),
    },
    unknownKeys('a routing rule', '`match` or `keywords`, and `agent`'),
  )
  .superRefine((rule, ctx) => {
    const hasMatch = rule.match !== undefined;
    if (hasMatch !== (rule.keywords === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: hasMatch
          ? 'a routing rule takes `match` or `keywords`, not both; split it into two rules'
          : 'a routing rule needs `match` (a regex) or `keywords` (a list of words); it has neither',
      });
    }
  });

/** A model that chooses among agents by their descriptions when no rule matches. */
export const routerSchema = z.strictObject(
  {
    /** A model id from `models:`. */
    model: z.string().min(1),
    /** Agents the router may pick; default: every agent with a non-empty description. */
    agents: z
      .array(z.string().min(1))
      .min(1, 'list at least one agent, or omit `agents` to use every agent with a description')
      .optional(),
  },
  unknownKeys('`router`', '`model` and `agents`'),
);

/**
 * The optional top-level `routing:` section. Parsed, `rules` is always present (default `[]`).
 * @example
 * routingSchema.parse({ rules: [{ match: 'refund|return', agent: 'support' }] });
 */
export const routingSchema = z
  .strictObject(
    {
      /** Checked in order; the first match wins. */
      rules: z.array(routingRuleSchema).default([]),
      router: routerSchema.optional(),
    },
    unknownKeys('`routing`', '`rules` and `router`'),
  )
  .refine((r) => r.rules.length > 0 || r.router !== undefined, {
    message: 'routing needs at least one rule under `rules`, a `router`, or both',
  });

export type Routing = z.output<typeof routingSchema>;
export type RoutingRule = z.output<typeof routingRuleSchema>;
export type RouterConfig = z.output<typeof routerSchema>;
