import { describe, expect, it } from 'vitest';
import { DelegatedApprovals } from '../../src/workflows/sub-agents/delegated-approvals.js';
import { depthProblem, parseSubAgentArgs, subAgentMessage } from '../../src/workflows/sub-agents/calls.js';
import type { SubAgentReport } from '../../src/workflows/sub-agents/contract.js';
import type { ApprovalRecord } from '../../src/workflows/run/contract.js';

const schema = { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'], additionalProperties: false };

function requested(toolCallId = 't1', approvalId = 'c1'): Extract<SubAgentReport, { kind: 'requested' }> {
  return {
    kind: 'requested',
    toolCallId,
    approval: {
      approvalId,
      toolName: 'refund',
      input: { amount: 42 },
      requestedAt: '2026-01-01T00:00:00.000Z',
      step: 1,
      path: ['support', 'billing'],
      origin: { runId: 'child', approvalId },
    },
    tool: { inputSchema: schema, approvers: ['alice'] },
  };
}

function childRecord(approvalId = 'c1', extra: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    approvalId,
    toolName: 'refund',
    decision: 'approve',
    requestedInput: { amount: 42 },
    input: { amount: 42 },
    approver: 'alice',
    decidedAt: '2026-01-01T00:01:00.000Z',
    via: 'update',
    path: ['support', 'billing'],
    origin: { runId: 'child', approvalId },
    ...extra,
  };
}

function setUp() {
  let n = 0;
  const d = new DelegatedApprovals(() => `r${++n}`);
  d.childStarted('t1', 'parent.t1');
  return d;
}

describe('DelegatedApprovals', () => {
  it('names a child approval <toolCallId>/<childId> and keeps its path and origin', () => {
    const d = setUp();
    const added = d.requested(requested());
    expect(added?.approval).toMatchObject({ approvalId: 't1/c1', path: ['support', 'billing'], origin: { runId: 'child', approvalId: 'c1' } });
    expect(d.owns('t1/c1')).toBe(true);
    expect(d.owns('c1')).toBe(false);
    expect(d.hasPending()).toBe(true);
    // A repeated report adds nothing; a report from a child not started here is dropped.
    expect(d.requested(requested())).toBeUndefined();
    expect(d.requested(requested('t9'))).toBeUndefined();
    expect(d.pending()).toHaveLength(1);
  });

  it("checks decisions with the child's approvers and schema", () => {
    const d = setUp();
    d.requested(requested());
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'approve', approver: 'bob' })?.code).toBe('APPROVER_NOT_ALLOWED');
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'edit', approver: 'alice', input: { amount: 'x' } })?.code).toBe('INVALID_EDIT_INPUT');
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'edit', approver: 'alice', input: { amount: 40 } })).toBeUndefined();
  });

  it('forwards in the child id space; while the answer is on its way a second decision is refused', () => {
    const d = setUp();
    d.requested(requested());
    const out = d.forward({ approvalId: 't1/c1', decision: 'approve', approver: 'alice' }, { kind: 'update' });
    expect(out).toEqual({ childWorkflowId: 'parent.t1', requestId: 'r1', decision: { approvalId: 'c1', decision: 'approve', approver: 'alice' } });
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'reject', approver: 'alice' })).toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
      message: expect.stringContaining('on its way to sub-agent run parent.t1'),
    });

    const { record, route } = d.resolved({ kind: 'resolved', toolCallId: 't1', record: childRecord(), requestId: 'r1' });
    expect(record).toMatchObject({ approvalId: 't1/c1', decision: 'approve', path: ['support', 'billing'] });
    expect(route?.origin).toEqual({ kind: 'update' });
    expect(d.takeAnswer('r1')).toEqual({ record });
    expect(d.takeAnswer('r1')).toBeUndefined();
    expect(d.hasPending()).toBe(false);
    expect(d.records()).toEqual([record]);
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'reject', approver: 'alice' })?.code).toBe('APPROVAL_ALREADY_DECIDED');
  });

  it("a child's refusal answers the request and frees the approval for another decision", () => {
    const d = setUp();
    d.requested(requested());
    const payload = { approvalId: 't1/c1', decision: 'approve' as const, approver: 'alice' };
    d.forward(payload, { kind: 'signal', payload });
    const route = d.refused({ kind: 'refused', toolCallId: 't1', requestId: 'r1', problem: { code: 'APPROVAL_ALREADY_DECIDED', message: 'by timeout' } });
    expect(route).toEqual({ origin: { kind: 'signal', payload }, answer: { problem: { code: 'APPROVAL_ALREADY_DECIDED', message: 'by timeout' } } });
    // Only updates wait for a stored answer.
    expect(d.hasAnswer('r1')).toBe(false);
    expect(d.problemWith(payload)).toBeUndefined();
  });

  it('a relayed request is answered upward with the parent request id', () => {
    const d = setUp();
    d.requested(requested());
    d.forward({ approvalId: 't1/c1', decision: 'approve', approver: 'alice' }, { kind: 'relay', upRequestId: 'up-7' });
    const { route } = d.resolved({ kind: 'resolved', toolCallId: 't1', record: childRecord(), requestId: 'r1' });
    expect(route?.origin).toEqual({ kind: 'relay', upRequestId: 'up-7' });
  });

  it('a decision made in the child directly resolves it here without a request', () => {
    const d = setUp();
    d.requested(requested());
    const { record, route } = d.resolved({ kind: 'resolved', toolCallId: 't1', record: childRecord('c1', { via: 'signal', approver: 'bob' }) });
    expect(record).toMatchObject({ approvalId: 't1/c1', via: 'signal', approver: 'bob' });
    expect(route).toBeUndefined();
    // Reported twice (e.g. replayed relay): the first record stands.
    expect(d.resolved({ kind: 'resolved', toolCallId: 't1', record: childRecord() }).record).toBeUndefined();
  });

  it('when the child ends, its pending approvals close and waiting requests are told', () => {
    const d = setUp();
    d.requested(requested());
    d.requested(requested('t1', 'c2'));
    d.forward({ approvalId: 't1/c2', decision: 'approve', approver: 'alice' }, { kind: 'update' });
    const { closed, routes } = d.childEnded('t1', 'sub-agent run parent.t1 ended: it was cancelled', '2026-01-01T00:02:00.000Z');
    expect(closed.map((r) => [r.approvalId, r.decision, r.via])).toEqual([
      ['t1/c1', 'reject', 'cancel'],
      ['t1/c2', 'reject', 'cancel'],
    ]);
    expect(routes).toHaveLength(1);
    expect(d.takeAnswer('r1')).toMatchObject({ problem: { code: 'RUN_NOT_ACTIVE', message: expect.stringContaining('parent.t1 has ended') } });
    expect(d.hasPending()).toBe(false);
    // Late reports from the ended child change nothing.
    expect(d.requested(requested('t1', 'c3'))).toBeUndefined();
  });
});

describe('DelegatedApprovals.restore', () => {
  it("takes back a continued run's decided sub-agent approvals: listed, and decided for good", () => {
    const d = setUp();
    const record = { ...childRecord(), approvalId: 't1/c1' };
    d.restore([record]);
    expect(d.records()).toEqual([record]);
    expect(d.hasPending()).toBe(false);
    expect(d.owns('t1/c1')).toBe(true);
    expect(d.problemWith({ approvalId: 't1/c1', decision: 'approve', approver: 'alice' })?.code).toBe('APPROVAL_ALREADY_DECIDED');
  });
});

describe('sub-agent calls', () => {
  it('needs a non-empty input; context is optional background', () => {
    expect(parseSubAgentArgs('billing', { input: 'refund 42' })).toEqual({ input: 'refund 42' });
    expect(parseSubAgentArgs('billing', { input: 'refund', context: 'VIP' })).toEqual({ input: 'refund', context: 'VIP' });
    const bad = parseSubAgentArgs('billing', { input: '', context: 3, amount: 1 });
    expect(bad).toEqual({
      error:
        'Invalid input for tool "billing": `input` must be a non-empty string: the request for the sub-agent; `context` must be a string when given; unexpected field `amount`. Send {"input": "<request>", "context"?: "<background>"}.',
    });
    expect(subAgentMessage({ input: 'refund', context: 'VIP customer' }, 'support')).toBe('refund\n\nContext from support: VIP customer');
    expect(subAgentMessage({ input: 'refund' }, 'support')).toBe('refund');
  });

  it('depth: a top-level run may start depth 1 when the limit is 1, not deeper; 0 turns sub-agents off', () => {
    expect(depthProblem('billing', ['support'], 0, 1)).toBeUndefined();
    expect(depthProblem('ledger', ['support', 'billing'], 1, 1)).toMatch(/would run 2 levels below.*\(support → billing → ledger\).*maxAgentDepth \(1\)/);
    expect(depthProblem('billing', ['support'], 0, 0)).toMatch(/would run 1 level below/);
  });
});
