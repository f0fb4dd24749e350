import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IGNORED_DECISION_LIMITS } from '../../src/workflows/run/contract.js';
import { MAX_INLINE_TOOL_CONTEXT_CHARS, RunLedger, rejectionMessage } from '../../src/workflows/run/ledger.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';

const agent: AgentSpec = {
  agentId: 'a',
  modelId: 'm',
  tools: [
    {
      name: 'pay',
      description: '',
      requiresApproval: true,
      inputSchema: {
        type: 'object',
        properties: { amount: { type: 'number', maximum: 100 }, to: { type: 'string' } },
        required: ['amount', 'to'],
        additionalProperties: false,
      },
    },
  ],
  limits: {} as AgentSpec['limits'],
};

function parkedRun() {
  const ledger = new RunLedger('r1', { agentId: 'a', input: 'pay bob' });
  ledger.setAgent(agent);
  ledger.step = 1;
  ledger.requestApproval({ id: 'c1', name: 'pay', args: { amount: 5, to: 'bob' } }, 't0');
  ledger.requestApproval({ id: 'c2', name: 'pay', args: { amount: 7, to: 'eve' } }, 't0');
  return ledger;
}

describe('RunLedger decisions', () => {
  it('accepts a decision for a pending approval and records who and why', () => {
    const run = parkedRun();
    expect(run.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'al' })).toBeUndefined();
    const record = run.applyDecision({ approvalId: 'c1', decision: 'reject', approver: 'al', reason: 'nope' }, 'update', 't1');
    expect(record).toMatchObject({ decision: 'reject', approver: 'al', reason: 'nope', via: 'update', input: { amount: 5, to: 'bob' } });
    expect(run.status('running').pendingApprovals.map((p) => p.approvalId)).toEqual(['c2']);
    expect(rejectionMessage(run.decisionFor('c1')!)).toBe('Tool call rejected by al: nope. The tool did not run.');
  });

  it('an edit replaces the input but keeps the tool', () => {
    const run = parkedRun();
    const record = run.applyDecision({ approvalId: 'c1', decision: 'edit', input: { amount: 3, to: 'bob' } }, 'signal', 't1');
    expect(record).toMatchObject({ toolName: 'pay', requestedInput: { amount: 5, to: 'bob' }, input: { amount: 3, to: 'bob' } });
  });

  it.each([
    [{ approvalId: 'zz', decision: 'approve' }, 'UNKNOWN_APPROVAL', /Pending approvals: c1, c2/],
    [{ approvalId: 'c1', decision: 'yes' }, 'INVALID_DECISION_PAYLOAD', /decision/],
    [{ approvalId: '', decision: 'approve' }, 'INVALID_DECISION_PAYLOAD', /approvalId/],
    [{ approvalId: 'c1', decision: 'approve', input: { amount: 1 } }, 'INVALID_DECISION_PAYLOAD', /only allowed with decision "edit"/],
    [{ approvalId: 'c1', decision: 'edit' }, 'INVALID_DECISION_PAYLOAD', /needs `input`/],
    [{ approvalId: 'c1', decision: 'approve', extra: 1 }, 'INVALID_DECISION_PAYLOAD', /extra/],
    ['approve', 'INVALID_DECISION_PAYLOAD', /Expected \{"approvalId"/],
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 500, to: 'bob' } }, 'INVALID_EDIT_INPUT', /\/amount/],
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 5 } }, 'INVALID_EDIT_INPUT', /to/],
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 5, to: 'bob', tool: 'x' } }, 'INVALID_EDIT_INPUT', /tool/],
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 5, to: 'x'.repeat(70_000) } }, 'DECISION_TOO_LARGE', /over the limit of 65536 bytes/],
    ['é'.repeat(40_000), 'DECISION_TOO_LARGE', /^Approval decision of 80002 bytes/],
    [{ approvalId: 'c'.repeat(501), decision: 'approve' }, 'INVALID_DECISION_PAYLOAD', /approvalId: Too big: expected string to have <=500/],
  ])('refuses %j with %s', (payload, code, message) => {
    const problem = parkedRun().problemWith(payload);
    expect(problem?.code).toBe(code);
    expect(problem?.message).toMatch(message);
  });

  it('refuses a second decision on the same approval, naming the first', () => {
    const run = parkedRun();
    run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'al' }, 'update', 't1');
    const problem = run.problemWith({ approvalId: 'c1', decision: 'reject' });
    expect(problem).toMatchObject({ code: 'APPROVAL_ALREADY_DECIDED' });
    expect(problem!.message).toMatch(/approve by al at t1/);
  });

  it('keeps ignored signals as digests with their reasons in status', () => {
    const run = parkedRun();
    run.recordIgnored({ bad: 1 }, { code: 'INVALID_DECISION_PAYLOAD', message: 'x' }, 't2');
    const bytes = Buffer.from('{"bad":1}');
    expect(run.status('running').ignoredDecisions).toEqual([
      {
        receivedAt: 't2',
        code: 'INVALID_DECISION_PAYLOAD',
        reason: 'INVALID_DECISION_PAYLOAD: x',
        payload: { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: '{"bad":1}', truncated: false },
      },
    ]);
    expect(run.status('running').ignoredDecisionCount).toBe(1);
  });

  it('never keeps a refused payload whole, and keeps only the latest refusals with a count of all', () => {
    const run = parkedRun();
    const big = { approvalId: 'c1', decision: 'maybe', junk: 'x'.repeat(300_000) };
    const problem = run.problemWith(big)!;
    for (let i = 0; i < IGNORED_DECISION_LIMITS.kept + 5; i++) run.recordIgnored(big, problem, `t${i}`);
    const status = run.status('waiting_for_approval');
    expect(status.ignoredDecisionCount).toBe(IGNORED_DECISION_LIMITS.kept + 5);
    expect(status.ignoredDecisions).toHaveLength(IGNORED_DECISION_LIMITS.kept);
    expect(status.ignoredDecisions[0]!.receivedAt).toBe('t5');
    const [first] = status.ignoredDecisions;
    expect(first!.payload.bytes).toBe(Buffer.byteLength(JSON.stringify(big)));
    expect(first!.payload.head).toHaveLength(IGNORED_DECISION_LIMITS.headChars);
    expect(first!.payload.truncated).toBe(true);
    expect(first!.payload.sha256).toBe(createHash('sha256').update(JSON.stringify(big)).digest('hex'));
    expect(JSON.stringify(status).length).toBeLessThan(64 * 1024);
    expect(status.pendingApprovals.map((p) => p.approvalId)).toEqual(['c1', 'c2']);
  });

  it('names a few unknown keys, cut, whatever the payload holds', () => {
    const payload: Record<string, unknown> = { approvalId: 'c1', decision: 'approve' };
    for (let i = 0; i < 100; i++) payload[`${'k'.repeat(100)}${i}`] = 1;
    const problem = parkedRun().problemWith(payload)!;
    expect(problem.code).toBe('INVALID_DECISION_PAYLOAD');
    expect(problem.message).toMatch(/Unrecognized keys: "k{40}…", .* and 95 more/);
    expect(problem.message.length).toBeLessThan(600);
  });

  it('cuts a long refusal reason, saying how much was cut', () => {
    const run = parkedRun();
    run.recordIgnored({}, { code: 'UNKNOWN_APPROVAL', message: 'y'.repeat(5000) }, 't');
    const [ignored] = run.status('running').ignoredDecisions;
    expect(ignored!.reason).toHaveLength(IGNORED_DECISION_LIMITS.reasonChars + ' (4018 more characters)'.length + 1);
    expect(ignored!.reason).toMatch(/^UNKNOWN_APPROVAL: y+… \(4018 more characters\)$/);
  });
});

describe('RunLedger.toolContextForInput', () => {
  it('says there is nothing to read when the run has no context, state or files', () => {
    expect(new RunLedger('r', { agentId: 'a', input: 'x' }).toolContextForInput()).toEqual({ noRunContext: true });
  });

  it('carries a small context, state and files whole, and leaves big ones to the query', () => {
    const small = new RunLedger('r', { agentId: 'a', input: 'x', context: { user: 'ann' }, state: { n: 1 } });
    expect(small.toolContextForInput()).toEqual({ runContext: { context: { user: 'ann' }, state: { n: 1 }, files: [] } });
    const big = new RunLedger('r', { agentId: 'a', input: 'x', context: { notes: 'x'.repeat(MAX_INLINE_TOOL_CONTEXT_CHARS) } });
    expect(big.toolContextForInput()).toEqual({});
  });

  it('follows the agent state as tools change it', () => {
    const ledger = new RunLedger('r', { agentId: 'a', input: 'x' });
    ledger.applyAgentStateUpdate({ color: 'blue' });
    expect(ledger.toolContextForInput()).toEqual({ runContext: { context: {}, state: { color: 'blue' }, files: [] } });
  });
});
