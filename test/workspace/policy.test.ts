import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath } from '../../src/workspace/errors.js';
import { evaluatePolicies, type PolicyInput } from '../../src/workspace/policy.js';
import { policiesSchema, type Policy } from '../../src/workspace/policy-schema.js';
import { checkRoutingAndPolicyReferences } from '../../src/workspace/routing-policy-references.js';

// Parsed the way the workspace schema will: as the top-level `policies:` key of the YAML file.
const file = z.strictObject({ policies: policiesSchema.optional() });

function parsePolicies(yaml: string): Policy[] {
  return file.parse(parse(yaml)).policies!;
}

function issuesOf(yaml: string): string[] {
  const result = file.safeParse(parse(yaml));
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

const example = `
policies:
  - id: guests-no-refunds
    description: Guests may not use the refund agent
    when:
      agents: [support]
      context: { role: guest }
    effect: deny
    reason: Guests cannot get refunds
  - id: approve-refunds
    when: { context: { user.tier: [free, trial] } }
    effect: requireApproval
    tools: [issue_refund]
  - id: short-runs
    when: { inputMatches: "(?i)quick" }
    effect: limit
    limits: { maxSteps: 3, runTimeout: 10m }
`;

function run(policies: Policy[], overrides: Partial<PolicyInput> = {}) {
  return evaluatePolicies({ policies, agentId: 'support', agentEnabled: true, input: 'hello', context: {}, ...overrides });
}

describe('policiesSchema', () => {
  it('accepts the documented format and parses durations to milliseconds', () => {
    const [deny, approve, limit] = parsePolicies(example);
    expect(deny).toEqual({
      id: 'guests-no-refunds',
      description: 'Guests may not use the refund agent',
      when: { agents: ['support'], context: { role: 'guest' } },
      effect: 'deny',
      reason: 'Guests cannot get refunds',
    });
    expect(approve).toMatchObject({ effect: 'requireApproval', tools: ['issue_refund'] });
    expect(limit).toMatchObject({ effect: 'limit', limits: { maxSteps: 3, runTimeout: 600_000 } });
  });

  it('says which effect a misplaced key belongs to', () => {
    expect(issuesOf('policies: [{ id: a, effect: deny, tools: [x] }]')).toEqual([
      'policies[0]: `tools` only applies with effect: requireApproval (this policy has effect: deny)',
    ]);
    expect(issuesOf('policies: [{ id: a, effect: requireApproval, tools: [x], limits: { maxSteps: 1 } }]')).toEqual([
      'policies[0]: `limits` only applies with effect: limit (this policy has effect: requireApproval)',
    ]);
  });

  it('requires tools/limits for their effects, and a known effect', () => {
    expect(issuesOf(`
policies:
  - { id: a, effect: requireApproval }
  - { id: b, effect: limit }
  - { id: c, effect: limit, limits: {} }
  - { id: d, effect: allow }
  - { id: e, effect: limit, limits: { runTimeout: soon } }
`)).toEqual([
      'policies[0].tools: effect: requireApproval needs `tools`, the tools that must be approved',
      'policies[1].limits: effect: limit needs `limits`, e.g. { maxSteps: 3, runTimeout: 10m }',
      'policies[2].limits: a `limits` block needs `maxSteps`, `runTimeout`, or both',
      'policies[3].effect: expected `effect` to be one of: deny, requireApproval, limit',
      'policies[4].limits.runTimeout: expected a duration such as "30s", "2m", "1h" or "7d", got "soon".',
    ]);
  });

  it('validates ids, conditions and regexes, with paths', () => {
    const issues = issuesOf(`
policies:
  - id: "bad id"
    effect: deny
    when:
      inputMatches: "(("
      context: { role: { nested: true } }
      inputLongerThan: -1
      agent: [support]
`);
    expect(issues.map((i) => i.split(':')[0])).toEqual([
      'policies[0].id',
      'policies[0].when.context.role',
      'policies[0].when.inputMatches',
      'policies[0].when.inputLongerThan',
      'policies[0].when',
    ]);
    expect(issues[4]).toBe(
      'policies[0].when: unknown key(s) "agent"; `when` takes agents, context, inputMatches, inputLongerThan',
    );
  });
});

describe('evaluatePolicies', () => {
  const [deny, approve, limit] = parsePolicies(example) as [Policy, Policy, Policy];

  it('allows a run no policy applies to', () => {
    expect(run([deny, approve, limit])).toEqual({
      allowed: true,
      reasons: [],
      matchedPolicies: [],
      requireApproval: [],
      limits: {},
    });
  });

  it('when.agents: applies only to the selected agent', () => {
    expect(run([deny], { context: { role: 'guest' } }).allowed).toBe(false);
    expect(run([deny], { context: { role: 'guest' }, agentId: 'billing' }).allowed).toBe(true);
  });

  it('when.context: equality, lists of values, dotted keys, strict types', () => {
    expect(run([deny], { context: { role: 'guest' } }).reasons).toEqual([
      'policy "guests-no-refunds": Guests cannot get refunds',
    ]);
    expect(run([deny], { context: { role: 'admin' } }).allowed).toBe(true);
    expect(run([approve], { context: { user: { tier: 'trial' } } }).requireApproval).toEqual(['issue_refund']);
    expect(run([approve], { context: { 'user.tier': 'free' } }).requireApproval).toEqual(['issue_refund']);
    expect(run([approve], { context: { user: { tier: 'pro' } } }).matchedPolicies).toEqual([]);
    expect(run([approve], { context: { user: 'free' } }).matchedPolicies).toEqual([]);
    const numeric = parsePolicies('policies: [{ id: n, when: { context: { level: 2 } }, effect: deny }]');
    expect(run(numeric, { context: { level: 2 } }).allowed).toBe(false);
    expect(run(numeric, { context: { level: '2' } }).allowed).toBe(true);
    const proto = parsePolicies('policies: [{ id: p, when: { context: { constructor: x } }, effect: deny }]');
    expect(run(proto).allowed).toBe(true);
  });

  it('when.inputMatches: case-insensitive, with or without a leading (?i)', () => {
    expect(run([limit], { input: 'A QUICK one' }).matchedPolicies).toEqual(['short-runs']);
    const plain = parsePolicies('policies: [{ id: r, when: { inputMatches: "^refund" }, effect: deny }]');
    expect(run(plain, { input: 'Refund now' }).allowed).toBe(false);
    expect(run(plain, { input: 'a refund' }).allowed).toBe(true);
  });

  it('when.inputLongerThan: counts characters, strictly longer', () => {
    const long = parsePolicies('policies: [{ id: long, when: { inputLongerThan: 3 }, effect: deny }]');
    expect(run(long, { input: 'abc' }).allowed).toBe(true);
    expect(run(long, { input: 'abcd' }).reasons).toEqual(['policy "long": denies this run']);
    expect(run(long, { input: '😀😀😀' }).allowed).toBe(true);
  });

  it('requires every condition of a `when` to hold', () => {
    expect(run([deny], { context: { role: 'guest' }, agentId: 'other' }).allowed).toBe(true);
    expect(run([deny], { context: {}, agentId: 'support' }).allowed).toBe(true);
  });

  it('derives a deny reason from the description when none is given', () => {
    const p = parsePolicies('policies: [{ id: x, description: No runs on this agent, effect: deny }]');
    expect(run(p).reasons).toEqual(['policy "x": No runs on this agent']);
  });

  it('denies a disabled agent and an input over maxInputChars, listing every reason', () => {
    const always = parsePolicies('policies: [{ id: freeze, effect: deny, reason: Maintenance window }]');
    expect(run(always, { agentEnabled: false, input: 'x'.repeat(11), maxInputChars: 10 })).toEqual({
      allowed: false,
      reasons: [
        'agent "support" is disabled',
        'input is 11 characters, over the limit of 10 (limits.maxInputChars)',
        'policy "freeze": Maintenance window',
      ],
      matchedPolicies: ['freeze'],
      requireApproval: [],
      limits: {},
    });
    expect(run([], { input: 'x'.repeat(10), maxInputChars: 10 }).allowed).toBe(true);
  });

  it('combines every matching policy: all deny reasons, union of approvals, minimum limits', () => {
    const policies = parsePolicies(`
policies:
  - { id: d1, effect: deny, reason: First }
  - { id: a1, effect: requireApproval, tools: [send_email, issue_refund] }
  - { id: l1, effect: limit, limits: { maxSteps: 5, runTimeout: 1h } }
  - { id: d2, effect: deny, reason: Second }
  - { id: a2, effect: requireApproval, tools: [issue_refund, delete_account] }
  - { id: l2, effect: limit, limits: { maxSteps: 8, runTimeout: 10m } }
  - { id: l3, effect: limit, limits: { maxSteps: 2 } }
  - { id: never, when: { agents: [other] }, effect: deny }
`);
    expect(run(policies)).toEqual({
      allowed: false,
      reasons: ['policy "d1": First', 'policy "d2": Second'],
      matchedPolicies: ['d1', 'a1', 'l1', 'd2', 'a2', 'l2', 'l3'],
      requireApproval: ['delete_account', 'issue_refund', 'send_email'],
      limits: { maxSteps: 2, runTimeoutMs: 600_000 },
    });
  });

  it('is deterministic: the same input gives a deep-equal verdict', () => {
    const input: PolicyInput = {
      policies: parsePolicies(example),
      agentId: 'support',
      agentEnabled: true,
      input: 'quick refund',
      context: { role: 'guest', user: { tier: 'free' } },
      maxInputChars: 100,
    };
    const first = evaluatePolicies(input);
    expect(evaluatePolicies(structuredClone(input))).toEqual(first);
    expect(evaluatePolicies(input)).toEqual(first);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
  });
});

describe('checkRoutingAndPolicyReferences (policies)', () => {
  const agents = [
    { id: 'support', tools: ['lookup_order', 'issue_refund'] },
    { id: 'billing', tools: ['send_invoice'] },
  ];

  it('accepts references that exist', () => {
    expect(checkRoutingAndPolicyReferences({ agents, models: {}, policies: parsePolicies(example) })).toEqual([]);
  });

  it('reports unknown agents, tools outside the policy scope and duplicate ids', () => {
    const policies = parsePolicies(`
policies:
  - { id: p, effect: deny }
  - { id: q, when: { agents: [support, sales] }, effect: requireApproval, tools: [issue_refund, send_invoice] }
  - { id: p, effect: requireApproval, tools: [send_invoice, nope] }
`);
    expect(checkRoutingAndPolicyReferences({ agents, models: {}, policies })).toEqual([
      { path: 'policies[1].when.agents[1]', message: 'unknown agent "sales"; agents: support, billing' },
      {
        path: 'policies[1].tools[1]',
        message:
          '"send_invoice" is not a tool of any agent this policy applies to (support); their tools: lookup_order, issue_refund',
      },
      {
        path: 'policies[2].id',
        message: 'duplicate policy id "p" (also policies[0]); policy ids must be unique so verdicts can name them',
      },
      {
        path: 'policies[2].tools[1]',
        message:
          '"nope" is not a tool of any agent this policy applies to (support, billing); their tools: lookup_order, issue_refund, send_invoice',
      },
    ]);
  });
});
