import { describe, expect, it } from 'vitest';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import type { AgentRunInput, RunStatus } from '../../src/workflows/run/contract.js';
import type { HarnessEventBody } from '../../src/workflows/run/events.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import { RunLifecycle, type AttributeChange, type DelegatedApprovalView } from '../../src/workflows/run/lifecycle.js';

const agent: AgentSpec = {
  agentId: 'support',
  modelId: 'm',
  tools: [{ name: 'refund', description: '', requiresApproval: true, inputSchema: { type: 'object' } }],
  limits: {} as AgentSpec['limits'],
};
const routing = { requestedAgentId: 'auto', selectedAgentId: 'support', via: 'rule' as const, reason: 'matched' };
const allowed = { allowed: true, reasons: [], matchedPolicies: [] };

/** A lifecycle over a fresh ledger, wired like the workflow wires it, recording every effect. */
function harness(input: AgentRunInput = { input: 'refund A-1' }, delegated?: DelegatedApprovalView) {
  const ledger = new RunLedger('run-1', input);
  const events: HarnessEventBody[] = [];
  /** Each attribute write, as the lifecycle asks for it (one entry = one upsert). */
  const attributes: AttributeChange[] = [];
  const details: string[] = [];
  const lifecycle = new RunLifecycle(
    ledger,
    {
      emit: (e) => events.push(e),
      setAttributes: (change) => attributes.push(change),
      setDetails: (md) => details.push(md),
    },
    input.carried !== undefined,
  );
  if (delegated) lifecycle.delegated = delegated;
  ledger.onDecided = (record) => lifecycle.approvalResolved(record);
  const story = () => events.map((e) => (e.type === 'run.state.changed' ? `${e.from}->${e.to}` : e.type));
  return { ledger, lifecycle, events, attributes, details, story };
}

/** Planned and started: a running run at step 1 with one approval pending. */
function parked(delegated?: DelegatedApprovalView) {
  const h = harness(undefined, delegated);
  h.lifecycle.planned({ routing, policy: allowed, agent }, undefined, 'running');
  h.ledger.step = 1;
  h.ledger.requestApproval({ id: 'c1', name: 'refund', args: { order: 'A-1' } }, 't0');
  h.lifecycle.approvalsChanged();
  return h;
}

describe('RunLifecycle', () => {
  it('a new run is starting (not running) until it is planned, then runs', () => {
    const { lifecycle, attributes, story } = harness();
    lifecycle.begin({ input: 'refund A-1' });
    expect(lifecycle.state).toBe('starting');
    expect(lifecycle.status()).toMatchObject({ runId: 'run-1', state: 'starting', agentId: 'auto' });

    lifecycle.planned({ routing, policy: allowed, agent }, undefined, 'running');
    expect(lifecycle.state).toBe('running');
    expect(story()).toEqual(['run.created', 'run.routed', 'starting->running']);
    // Routed to another agent than requested: the HarnessAgentId attribute follows, in the same write as the state.
    expect(attributes).toEqual([{ agentId: 'support', state: 'running' }]);
    expect(lifecycle.status()).toMatchObject({ agentId: 'support', routing, policy: allowed });
  });

  it('a capped run waits queued, then is dequeued when its slot comes', () => {
    const { lifecycle, attributes, story } = harness();
    lifecycle.planned({ routing: { ...routing, requestedAgentId: 'support', via: 'explicit' }, policy: allowed, agent }, 'support', 'queued');
    expect(lifecycle.status().state).toBe('queued');
    lifecycle.started();
    expect(story()).toEqual(['run.routed', 'run.queued', 'starting->queued', 'run.dequeued', 'queued->running']);
    expect(attributes).toEqual([{ state: 'queued' }, { state: 'running' }]);
  });

  it('a refused run stays starting: only the routed agent is written, and it fails from starting', () => {
    const { lifecycle, attributes, story } = harness();
    lifecycle.planned({ routing, policy: { allowed: false, reasons: ['no refunds on Sundays'], matchedPolicies: ['sunday'] } });
    expect(lifecycle.state).toBe('starting');
    expect(attributes).toEqual([{ agentId: 'support' }]);
    lifecycle.failed('Run refused by policy: no refunds on Sundays', 't1');
    expect(story()).toEqual(['run.routed', 'starting->failed', 'run.failed']);
    expect(attributes).toEqual([{ agentId: 'support' }, { state: 'failed' }]);
  });

  it('waits while an approval is pending and resumes, at the same step, once it is decided', () => {
    const { ledger, lifecycle, events, attributes, details, story } = parked();
    expect(lifecycle.state).toBe('waiting_for_approval');
    expect(details.at(-1)).toContain('harness approve run-1 --approval c1');

    ledger.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'ann' }, 'update', 't1');
    expect(lifecycle.state).toBe('running');
    expect(story().slice(-4)).toEqual(['running->waiting_for_approval', 'approval.resolved', 'waiting_for_approval->running', 'run.resumed']);
    expect(events.at(-1)).toEqual({ type: 'run.resumed', step: 1 });
    expect(attributes.map((a) => a.state)).toEqual(['running', 'waiting_for_approval', 'running']);
  });

  it("keeps waiting while a sub-agent's approval is pending, and shows it in the status", () => {
    let subAgentPending = true;
    const delegated: DelegatedApprovalView = {
      hasPending: () => subAgentPending,
      status: (s: RunStatus) => ({ ...s, pendingApprovals: [...s.pendingApprovals, ...(subAgentPending ? [{ approvalId: 'c9/x', toolName: 't', input: {}, requestedAt: 't0', step: 1 }] : [])] }),
    };
    const { ledger, lifecycle } = parked(delegated);
    ledger.applyDecision({ approvalId: 'c1', decision: 'approve' }, 'signal', 't1');
    expect(lifecycle.state, 'the sub-agent still waits').toBe('waiting_for_approval');
    expect(lifecycle.status().pendingApprovals.map((p) => p.approvalId)).toEqual(['c9/x']);
    subAgentPending = false;
    lifecycle.approvalsChanged();
    expect(lifecycle.state).toBe('running');
  });

  it('a run failing while it waits closes its approvals without passing through running', () => {
    const { ledger, lifecycle, story } = parked();
    lifecycle.failed('model exploded', 't2');
    expect(lifecycle.state).toBe('failed');
    expect(story().slice(-3)).toEqual(['approval.resolved', 'waiting_for_approval->failed', 'run.failed']);
    expect(ledger.approvals()).toEqual([expect.objectContaining({ approvalId: 'c1', decision: 'reject', via: 'cancel', reason: 'run failed: model exploded' })]);
    expect(lifecycle.status()).toMatchObject({ state: 'failed', error: 'model exploded', pendingApprovals: [] });
  });

  it('a cancelled run ends cancelled with its approvals closed', () => {
    const { lifecycle, story } = parked();
    lifecycle.cancelled('t2');
    expect(story().slice(-3)).toEqual(['approval.resolved', 'waiting_for_approval->cancelled', 'run.cancelled']);
    expect(lifecycle.status()).toMatchObject({ state: 'cancelled', error: 'Run cancelled' });
  });

  it('completes with its output and usage in the final event, after the state change', () => {
    const { ledger, lifecycle, events, story } = harness();
    lifecycle.planned({ routing, policy: allowed, agent }, undefined, 'running');
    ledger.addUsage({ inputTokens: 3, outputTokens: 2, totalTokens: 5 });
    lifecycle.completed('Refunded.');
    expect(story().slice(-2)).toEqual(['running->completed', 'run.completed']);
    expect(events.at(-1)).toEqual({ type: 'run.completed', output: 'Refunded.', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } });
    expect(lifecycle.status()).toMatchObject({ state: 'completed', output: 'Refunded.' });
  });

  it('a continued run goes on running: no run.created again, its details shown', () => {
    const carried = {
      ledger: { agentId: 'support', step: 2, transcript: [], usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 }, agentState: {}, routing, policy: allowed, agent, approvals: [], ignoredDecisions: [], ignoredDecisionCount: 0 },
      stream: undefined,
      startedAtMs: 0,
      slotHeld: false,
      continuations: 1,
    };
    const input = { input: 'refund A-1', carried };
    const { lifecycle, events, details } = harness(input);
    lifecycle.begin(input);
    expect(lifecycle.state).toBe('running');
    expect(events).toEqual([]);
    expect(details).toHaveLength(1);
    expect(lifecycle.status()).toMatchObject({ state: 'running', step: 2, agentId: 'support' });
  });
});
