import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath } from '../../src/workspace/errors.js';
import { checkRoutingAndPolicyReferences } from '../../src/workspace/routing-policy-references.js';
import { routingSchema, type Routing } from '../../src/workspace/routing-schema.js';
import { buildRouterPrompt, parseRouterAnswer, routeByRules } from '../../src/workspace/routing.js';

// Parsed the way the workspace schema will: as the top-level `routing:` key of the YAML file.
const file = z.strictObject({ routing: routingSchema.optional() });

function parseRouting(yaml: string): Routing {
  return file.parse(parse(yaml)).routing!;
}

function issuesOf(yaml: string): string[] {
  const result = file.safeParse(parse(yaml));
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

const example = `
routing:
  rules:
    - match: "refund|return"
      agent: support
    - keywords: [invoice, billing]
      agent: billing
  router:
    model: gpt
    agents: [support, billing]
`;

describe('routingSchema', () => {
  it('accepts the documented format', () => {
    expect(parseRouting(example)).toEqual({
      rules: [
        { match: 'refund|return', agent: 'support' },
        { keywords: ['invoice', 'billing'], agent: 'billing' },
      ],
      router: { model: 'gpt', agents: ['support', 'billing'] },
    });
  });

  it('defaults rules to [] when only a router is given', () => {
    expect(parseRouting('routing: { router: { model: gpt } }')).toEqual({ rules: [], router: { model: 'gpt' } });
  });

  it('needs exactly one of match/keywords per rule', () => {
    const issues = issuesOf(`
routing:
  rules:
    - agent: a
    - { match: x, keywords: [y], agent: b }
`);
    expect(issues).toEqual([
      'routing.rules[0]: a routing rule needs `match` (a regex) or `keywords` (a list of words); it has neither',
      'routing.rules[1]: a routing rule takes `match` or `keywords`, not both; split it into two rules',
    ]);
  });

  it('rejects regexes that do not compile, empty keywords and unknown keys, with paths', () => {
    const issues = issuesOf(`
routing:
  rules:
    - { match: "(", agent: a }
    - { keywords: ["  "], agent: b }
    - { match: x, agent: c, priority: 1 }
  router: { model: gpt, fallback: a }
`);
    expect(issues).toHaveLength(4);
    expect(issues[0]).toMatch(/^routing\.rules\[0\]\.match: not a valid regular expression/);
    expect(issues[1]).toBe('routing.rules[1].keywords[0]: expected a non-empty keyword');
    expect(issues[2]).toMatch(/^routing\.rules\[2\]: unknown key\(s\) "priority"; a routing rule takes/);
    expect(issues[3]).toMatch(/^routing\.router: unknown key\(s\) "fallback"/);
  });

  it('rejects an empty routing section', () => {
    expect(issuesOf('routing: {}')).toEqual(['routing: routing needs at least one rule under `rules`, a `router`, or both']);
  });

  it('accepts a leading (?i), which JavaScript regexes do not support', () => {
    expect(parseRouting('routing: { rules: [{ match: "(?i)refund", agent: a }] }').rules[0]!.match).toBe('(?i)refund');
  });
});

describe('routeByRules', () => {
  const rules = parseRouting(example).rules;

  it('first match wins, and the reason names the rule', () => {
    expect(routeByRules(rules, 'REFUND my invoice')).toEqual({
      agentId: 'support',
      reason: 'routing rule 1 (match "refund|return")',
    });
    expect(routeByRules(rules, 'Where is my Invoice?')).toEqual({
      agentId: 'billing',
      reason: 'routing rule 2 (keyword "invoice")',
    });
  });

  it('returns undefined when no rule matches', () => {
    expect(routeByRules(rules, 'hello')).toBeUndefined();
    expect(routeByRules([], 'refund')).toBeUndefined();
  });

  it('matches keywords as whole words, case-insensitively', () => {
    const kw = parseRouting('routing: { rules: [{ keywords: [bill, credit card, café, c++], agent: b }] }').rules;
    expect(routeByRules(kw, 'my BILL is wrong')?.agentId).toBe('b');
    expect(routeByRules(kw, 'bill.')?.agentId).toBe('b');
    expect(routeByRules(kw, 'billing question')).toBeUndefined();
    expect(routeByRules(kw, 'a rebill')).toBeUndefined();
    expect(routeByRules(kw, 'bill_2')).toBeUndefined();
    expect(routeByRules(kw, 'my Credit\n  Card')?.reason).toBe('routing rule 1 (keyword "credit card")');
    expect(routeByRules(kw, 'au CAFÉ')?.reason).toBe('routing rule 1 (keyword "café")');
    expect(routeByRules(kw, 'cafés')).toBeUndefined();
    expect(routeByRules(kw, 'I write C++ daily')?.reason).toBe('routing rule 1 (keyword "c++")');
  });

  it('is deterministic: the same input routes the same way every time', () => {
    const runs = Array.from({ length: 3 }, () => routeByRules(rules, 'return it'));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

describe('router prompt and answer', () => {
  const ids = ['support', 'billing'];

  it('lists the candidates and asks for JSON only', () => {
    const prompt = buildRouterPrompt([
      { id: 'support', description: 'Orders and\n refunds.' },
      { id: 'billing', description: '' },
    ]);
    expect(prompt).toContain('- support: Orders and refunds.');
    expect(prompt).toContain('- billing: (no description)');
    expect(prompt).toContain('{"agent": "<id>", "reason": "<short reason>"}');
    expect(prompt).toContain('exactly one of: support, billing.');
  });

  it('reads plain, fenced and wrapped JSON', () => {
    const want = { agentId: 'billing', reason: 'invoice question' };
    expect(parseRouterAnswer('{"agent":"billing","reason":"invoice question"}', ids)).toEqual(want);
    expect(parseRouterAnswer('```json\n{ "agent": "billing", "reason": "invoice question" }\n```', ids)).toEqual(want);
    expect(parseRouterAnswer('Sure! {not json} Here: {"agent": "billing", "reason": "invoice question"} Done.', ids)).toEqual(want);
    expect(parseRouterAnswer('{"agent": "billing", "reason": "a {brace} in \\"text\\""}', ids)).toEqual({
      agentId: 'billing',
      reason: 'a {brace} in "text"',
    });
  });

  it('accepts an id that differs only in case, and a missing reason', () => {
    expect(parseRouterAnswer('{"agent": "Support"}', ids)).toEqual({ agentId: 'support', reason: 'no reason given' });
  });

  it('reports garbage, a missing agent and an unknown id', () => {
    expect(parseRouterAnswer('I think billing', ids)).toEqual({
      error: expect.stringMatching(/did not answer with a JSON object.*I think billing/) as unknown as string,
    });
    expect(parseRouterAnswer('{"reason": "x"}', ids)).toHaveProperty('error');
    expect(parseRouterAnswer('{"agent": 3}', ids)).toEqual({
      error: 'the router\'s "agent" is not a string: 3; candidates: support, billing',
    });
    expect(parseRouterAnswer('{"agent": "sales", "reason": "x"}', ids)).toEqual({
      error: 'the router picked unknown agent "sales"; candidates: support, billing',
    });
  });
});

describe('checkRoutingAndPolicyReferences (routing)', () => {
  const agents = [
    { id: 'support', tools: ['issue_refund'], description: 'Refunds.' },
    { id: 'billing', tools: [], description: '' },
  ];
  const models = { gpt: {} };

  it('accepts references that exist', () => {
    const routing = parseRouting('routing: { rules: [{ match: x, agent: support }], router: { model: gpt } }');
    expect(checkRoutingAndPolicyReferences({ agents, models, routing })).toEqual([]);
  });

  it('reports unknown agents and models, listing the known ids', () => {
    const routing = parseRouting(`
routing:
  rules: [{ match: x, agent: sales }]
  router: { model: claude, agents: [support, nobody, billing] }
`);
    expect(checkRoutingAndPolicyReferences({ agents, models, routing })).toEqual([
      { path: 'routing.rules[0].agent', message: 'unknown agent "sales"; agents: support, billing' },
      { path: 'routing.router.model', message: 'unknown model "claude"; declared models: gpt' },
      { path: 'routing.router.agents[1]', message: 'unknown agent "nobody"; agents: support, billing' },
      {
        path: 'routing.router.agents[2]',
        message: expect.stringMatching(/"billing" has no description.*agents\[1\]\.description/) as unknown as string,
      },
    ]);
  });

  it('reports a router with no described agent to choose from', () => {
    const routing = parseRouting('routing: { router: { model: gpt } }');
    const issues = checkRoutingAndPolicyReferences({ agents: [agents[1]!], models, routing });
    expect(issues.map((i) => i.path)).toEqual(['routing.router']);
  });
});
