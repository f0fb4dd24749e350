import { describe, expect, it } from 'vitest';
import { firstMatchingRule, matches, type ApprovalRuleSpec } from '../../src/workflows/run/approval-rules.js';
import { isApprovalProgress } from '../../src/workflows/run/contract.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import { parseCondition } from '../../src/workspace/approval-rule-schema.js';
import { parseWorkspaceText, WorkspaceError } from '../../src/workspace/index.js';

describe('approval rule matchers', () => {
  it('numeric bounds never pass a missing or non-numeric argument', () => {
    expect(matches({ amount: { lte: 50 } }, { amount: 50 })).toBe(true);
    expect(matches({ amount: { lte: 50 } }, { amount: 51 })).toBe(false);
    expect(matches({ amount: { lte: 50 } }, {})).toBe(false);
    expect(matches({ amount: { lte: 50 } }, { amount: '10' })).toBe(false);
    expect(matches({ amount: { gt: 10, lt: 20 } }, { amount: 15 })).toBe(true);
  });

  it('eq / in / notIn / exists on dotted paths; own properties only', () => {
    const input = { customer: { tier: 'gold' }, currency: 'EUR' };
    expect(matches({ 'customer.tier': { in: ['gold', 'silver'] }, currency: { eq: 'EUR' } }, input)).toBe(true);
    expect(matches({ currency: { notIn: ['EUR'] } }, input)).toBe(false);
    expect(matches({ 'customer.vip': { exists: true } }, input)).toBe(false);
    expect(matches({ 'customer.vip': { exists: false } }, input)).toBe(true);
    expect(matches({ 'customer.toString': { exists: true } }, input)).toBe(false);
  });

  it('the first matching rule wins', () => {
    const rules: ApprovalRuleSpec[] = [
      { name: 'small', when: { amount: { lte: 50 } }, decide: 'approve' },
      { name: 'big', when: { amount: { gt: 1000 } }, decide: 'ask', approvals: 2 },
    ];
    expect(firstMatchingRule(rules, { amount: 20 })?.name).toBe('small');
    expect(firstMatchingRule(rules, { amount: 5000 })?.name).toBe('big');
    expect(firstMatchingRule(rules, { amount: 500 })).toBeUndefined();
  });
});

describe('the text form of a condition', () => {
  it('parses clauses joined by and', () => {
    expect(parseCondition('amount > 1000 and currency == "EUR" and tier not in ["x", null]')).toEqual({
      ok: true,
      matcher: { amount: { gt: 1000 }, currency: { eq: 'EUR' }, tier: { notIn: ['x', null] } },
    });
    expect(parseCondition('amount >= 1 and amount < 5')).toEqual({ ok: true, matcher: { amount: { gte: 1, lt: 5 } } });
  });

  it('refuses what it cannot read, saying what to write', () => {
    const bad = ['amount <= fifty', 'amount <= 50 or amount > 9', 'amount <= 50 and', 'process.exit()', 'tier in "gold"', 'amount < "5"'];
    for (const text of bad) {
      const parsed = parseCondition(text);
      expect(parsed.ok, text).toBe(false);
    }
    expect(parseCondition('amount <= fifty')).toMatchObject({ error: expect.stringMatching(/cannot read "amount <= fifty": write clauses like `amount <= 50`/) });
    expect(parseCondition('tier in "gold"')).toMatchObject({ error: '`in` needs a [list] (in "tier in "gold"")' });
  });
});

const workspace = (rules: string) => `
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - id: a
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        approvers: ["role:finance"]
        rules:
${rules}
`;

describe('approval rules in the workspace file', () => {
  it('loads text and structured rules into the spec the workflow runs', () => {
    const config = parseWorkspaceText(
      workspace(`          - { when: "amount <= 50", decide: approve, reason: small refund }
          - { name: big, when: { amount: { gt: 1000 } }, decide: ask, approvals: 2, approvers: ["role:finance", "role:ops"] }`),
      'harness.yaml',
    );
    expect(config.agents[0]!.requireApproval[0]).toMatchObject({
      rules: [
        { name: 'amount <= 50', when: { amount: { lte: 50 } }, decide: 'approve', reason: 'small refund' },
        { name: 'big', when: { amount: { gt: 1000 } }, decide: 'ask', approvals: 2, approvers: ['role:finance', 'role:ops'] },
      ],
    });
  });

  it('refuses bad rules with errors that name the rule and the fix', () => {
    const issues = (rules: string) => {
      try {
        parseWorkspaceText(workspace(rules), 'harness.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(WorkspaceError);
        return (e as Error).message;
      }
      throw new Error('expected a WorkspaceError');
    };
    expect(issues('          - { when: "amount <= lots", decide: approve }')).toMatch(/rules\.0\.when.*cannot read "amount <= lots"/s);
    expect(issues('          - { when: "amount > 5", decide: approve, approvals: 2 }')).toMatch(
      /`approvals` and `approvers` go with `decide: ask`; a rule that decides "approve" asks no one/,
    );
    expect(issues('          - { when: "amount > 5", decide: ask, approvals: 3, approvers: [alice, bob] }')).toMatch(
      /needs 3 distinct approvers but lists only 2/,
    );
    expect(issues('          - { when: "amount > 5", decide: maybe }')).toMatch(/decide/);
    expect(issues('          - { when: { "a b": 1 }, decide: approve }')).toMatch(/expected a condition like "amount <= 50"/);
  });
});

const agent: AgentSpec = {
  agentId: 'a',
  modelId: 'm',
  tools: [{ name: 'refund', description: '', requiresApproval: true, inputSchema: { type: 'object' }, approvers: ['role:finance'] }],
  limits: {} as AgentSpec['limits'],
};
const big: ApprovalRuleSpec = { name: 'big', when: { amount: { gt: 1000 } }, decide: 'ask', approvals: 2, approvers: ['role:finance', 'role:ops'] };

function parked(): RunLedger {
  const ledger = new RunLedger('r1', { agentId: 'a', input: 'refund' });
  ledger.setAgent(agent);
  ledger.requestApproval({ id: 'c1', name: 'refund', args: { amount: 5000 } }, 't0', undefined, big);
  return ledger;
}

describe('N-of-M approvals in the ledger', () => {
  it('stays pending until two distinct approvers approved, recording each', () => {
    const run = parked();
    const first = run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'ann', approverRoles: ['finance'] }, 'update', 't1');
    expect(isApprovalProgress(first)).toBe(true);
    expect(run.status('waiting_for_approval').pendingApprovals[0]!.quorum).toMatchObject({ needed: 2, votes: [{ approver: 'ann', at: 't1' }] });
    expect(run.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'ann', approverRoles: ['finance'] })).toMatchObject({ code: 'APPROVER_ALREADY_VOTED' });
    expect(run.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'sam', approverRoles: ['support'] })).toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });
    expect(run.problemWith({ approvalId: 'c1', decision: 'approve', approverRoles: ['ops'] })).toMatchObject({ code: 'APPROVER_NOT_ALLOWED' });
    expect(run.problemWith({ approvalId: 'c1', decision: 'edit', input: { amount: 1 }, approver: 'bo', approverRoles: ['ops'] })).toMatchObject({
      code: 'INVALID_DECISION_PAYLOAD',
    });
    const second = run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'bo', approverRoles: ['ops'] }, 'signal', 't2');
    expect(second).toMatchObject({ decision: 'approve', rule: 'big', votes: [{ approver: 'ann' }, { approver: 'bo', via: 'signal' }] });
    expect(run.pendingApprovals()).toEqual([]);
  });

  it('one rejection ends it; a deadline never approves it', () => {
    const run = parked();
    run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'ann', approverRoles: ['finance'] }, 'update', 't1');
    expect(run.applyDecision({ approvalId: 'c1', decision: 'reject', approver: 'bo', approverRoles: ['ops'], reason: 'no' }, 'update', 't2')).toMatchObject({
      decision: 'reject',
      approver: 'bo',
      votes: [{ approver: 'ann' }],
    });
    const timed = parked();
    expect(timed.decideOnTimeout('c1', 'approve', 'approval timed out', 't3')).toMatchObject({
      decision: 'reject',
      via: 'timeout',
      reason: 'approval timed out; 0 of 2 approvals, so not approved',
    });
  });

  it('a rule decision is recorded via policy with its reason', () => {
    const run = new RunLedger('r1', { agentId: 'a', input: 'refund' });
    run.setAgent(agent);
    expect(run.decideByRule({ id: 'c9', name: 'refund', args: { amount: 5 } }, { name: 'amount <= 50', when: {}, decide: 'approve', reason: 'small' }, 't1')).toMatchObject({
      approvalId: 'c9',
      decision: 'approve',
      via: 'policy',
      rule: 'amount <= 50',
      reason: 'small',
      input: { amount: 5 },
    });
  });
});
