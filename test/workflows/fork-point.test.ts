import { describe, expect, it } from 'vitest';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import type { AgentRunInput } from '../../src/workflows/run/contract.js';
import { FORK_LIMITS, type ForkPoint } from '../../src/workflows/run/fork.js';
import { forkInputFrom, forkPointOf, forkRequestProblem } from '../../src/workflows/run/fork-point.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';

const agent: AgentSpec = {
  agentId: 'payer',
  modelId: 'm',
  tools: [
    { name: 'pay', description: '', requiresApproval: true, inputSchema: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } },
    { name: 'look', description: '', requiresApproval: false, inputSchema: { type: 'object' } },
  ],
  limits: {} as AgentSpec['limits'],
};

/** A run that looked (step 1), paid (step 2) and answered (step 3). */
function finishedRun(input: Partial<AgentRunInput> = {}): RunLedger {
  const ledger = new RunLedger('orig', { agentId: 'payer', input: 'pay bob', context: { tenant: 't1' }, ...input });
  ledger.setAgent(agent);
  ledger.transcript.push(
    { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'look', args: {} }] },
    { role: 'tool', toolCallId: 'c1', toolName: 'look', content: 'found', isError: false },
    { role: 'assistant', content: 'paying', toolCalls: [{ id: 'c2', name: 'pay', args: { amount: 42 } }] },
    { role: 'tool', toolCallId: 'c2', toolName: 'pay', content: 'paid 42', isError: false },
    { role: 'assistant', content: 'done', toolCalls: [] },
  );
  ledger.step = 3;
  return ledger;
}

function pointAt(ledger: RunLedger, step: number): ForkPoint {
  const reply = forkPointOf(ledger, step);
  if (!reply.ok) throw new Error(reply.problem.message);
  return reply.point;
}

describe('forkPointOf', () => {
  it('finds step N as the N-th model message, with the messages before it by reference', () => {
    const point = pointAt(finishedRun(), 2);
    expect(point).toMatchObject({ workflowId: 'orig', agentId: 'payer', step: 2, steps: 3, input: 'pay bob', context: { tenant: 't1' } });
    expect(point.message).toEqual({ role: 'assistant', content: 'paying', toolCalls: [{ id: 'c2', name: 'pay', args: { amount: 42 } }] });
    // user, step 1's model message and its tool result come before step 2's message
    expect(point.history).toEqual({ workflowId: 'orig', upTo: 3 });
    expect(point.tools).toEqual([{ name: 'pay', inputSchema: agent.tools[0]!.inputSchema, requiresApproval: true }]);
  });

  it("chains a thread run's own earlier messages after the thread's", () => {
    const point = pointAt(finishedRun({ history: { workflowId: 'thread-1', upTo: 8 } }), 1);
    expect(point.history).toEqual({ workflowId: 'orig', upTo: 1, before: { workflowId: 'thread-1', upTo: 8 } });
  });

  it.each([
    [0, 'STEP_OUT_OF_RANGE', /has steps 1 to 3; there is no step 0/],
    [4, 'STEP_OUT_OF_RANGE', /there is no step 4/],
    [1.5, 'STEP_OUT_OF_RANGE', /no step 1.5/],
    [3, 'STEP_WITHOUT_TOOL_CALLS', /answer without tool calls/],
  ])('refuses step %s with %s', (step, code, message) => {
    const reply = forkPointOf(finishedRun(), step);
    expect(reply).toEqual({ ok: false, problem: { code, message: expect.stringMatching(message) } });
  });

  it('refuses a step still calling the model', () => {
    const ledger = finishedRun();
    ledger.step = 4;
    expect(forkPointOf(ledger, 4)).toMatchObject({ ok: false, problem: { code: 'STEP_IN_PROGRESS' } });
  });

  it("numbers a fork's steps from its original's, and sends earlier steps to the original", () => {
    const original = finishedRun();
    const built = forkInputFrom(pointAt(original, 2), { fromStep: 2, toolCalls: [{ id: 'c2', input: { amount: 10 } }] }, 'temporal-run-1');
    if (!built.ok) throw new Error(built.problem.message);
    const fork = new RunLedger('fork1', built.input);
    fork.setAgent(agent);
    expect(fork.step).toBe(2);
    expect(fork.transcript).toEqual([{ role: 'assistant', content: 'paying', toolCalls: [{ id: 'c2', name: 'pay', args: { amount: 10 } }] }]);
    expect(fork.status('running').forkOf).toEqual({ workflowId: 'orig', runId: 'temporal-run-1', step: 2 });
    // The fork's step 2 is its own first message: a fork of it reads the original's messages only.
    expect(pointAt(fork, 2).history).toEqual({ workflowId: 'orig', upTo: 3 });
    expect(forkPointOf(fork, 1)).toMatchObject({ ok: false, problem: { code: 'STEP_IN_ORIGINAL', message: expect.stringContaining('Fork "orig" from step 1') } });
  });
});

describe('forkInputFrom', () => {
  const point = pointAt(finishedRun(), 2);

  it('applies edits to the step message and turns decisions into approval decisions', () => {
    const built = forkInputFrom(point, { fromStep: 2, toolCalls: [{ id: 'c2', input: { amount: 10 }, decision: 'approve', reason: 'owed 10' }], approver: 'bob' });
    expect(built).toMatchObject({
      ok: true,
      input: {
        agentId: 'payer',
        input: 'pay bob',
        history: { workflowId: 'orig', upTo: 3 },
        fork: {
          of: { workflowId: 'orig', step: 2 },
          edited: ['c2'],
          decisions: [{ approvalId: 'c2', decision: 'approve', approver: 'bob', reason: 'owed 10' }],
          message: { toolCalls: [{ id: 'c2', args: { amount: 10 } }] },
        },
      },
    });
    // The original's point is not changed by the edit.
    expect(point.message.toolCalls[0]!.args).toEqual({ amount: 42 });
  });

  it.each([
    [{ fromStep: 2, toolCalls: [{ id: 'zz', decision: 'approve' as const }] }, 'UNKNOWN_TOOL_CALL', /no tool call "zz". Its tool calls: c2 \(pay\)/],
    [{ fromStep: 2, toolCalls: [{ id: 'c2', input: { amount: 'ten' } }] }, 'INVALID_FORK_INPUT', /\/amount/],
  ])('refuses %j with %s', (request, code, message) => {
    expect(forkInputFrom(point, request)).toEqual({ ok: false, problem: { code, message: expect.stringMatching(message) } });
  });

  it("an edit makes a call the model could not form a valid one", () => {
    const broken: ForkPoint = { ...point, message: { ...point.message, toolCalls: [{ id: 'c2', name: 'pay', args: {}, invalid: 'arguments were not JSON' }] } };
    const built = forkInputFrom(broken, { fromStep: 2, toolCalls: [{ id: 'c2', input: { amount: 5 } }] });
    expect(built.ok && built.input.fork!.message.toolCalls).toEqual([{ id: 'c2', name: 'pay', args: { amount: 5 } }]);
  });

  it('refuses a decision for a call that needs no approval', () => {
    const step1 = pointAt(finishedRun(), 1);
    expect(forkInputFrom(step1, { fromStep: 1, toolCalls: [{ id: 'c1', decision: 'approve' }] })).toMatchObject({ ok: false, problem: { code: 'DECISION_NOT_NEEDED' } });
  });
});

describe('forkRequestProblem', () => {
  it.each([
    [{}, /fromStep must be a whole number/],
    [{ fromStep: 0 }, /fromStep/],
    [{ fromStep: 1, toolCalls: {} }, /toolCalls must be an array/],
    [{ fromStep: 1, toolCalls: [{ id: 'a' }] }, /changes nothing/],
    [{ fromStep: 1, toolCalls: [{ id: 'a', decision: 'edit' }] }, /"approve" or "reject"/],
    [{ fromStep: 1, toolCalls: [{ id: 'a', input: [] }] }, /input must be a JSON object/],
    [{ fromStep: 1, toolCalls: [{ id: 'a', decision: 'approve' }, { id: 'a', decision: 'reject' }] }, /changed twice/],
    [{ fromStep: 1, toolCalls: [{ id: 'a', decision: 'approve', extra: 1 }] }, /unknown keys: extra/],
  ])('refuses %j', (request, message) => {
    expect(forkRequestProblem(request)).toEqual({ code: 'INVALID_FORK_REQUEST', message: expect.stringMatching(message) });
  });

  it('refuses a request over the size limit before looking at it', () => {
    const big = { fromStep: 1, toolCalls: [{ id: 'a', input: { text: 'x'.repeat(FORK_LIMITS.requestBytes) } }] };
    expect(forkRequestProblem(big)).toMatchObject({ code: 'FORK_TOO_LARGE' });
  });
});
