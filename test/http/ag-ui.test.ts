/** What `POST /ag-ui` reads from a RunAgentInput, and how a run's events become AG-UI events (no server). */
import { describe, expect, it } from 'vitest';
import type { HarnessEventItem } from '../../src/client/index.js';
import { agUiBody, agUiTurn } from '../../src/http/ag-ui/ag-ui-request.js';
import { AgUiMapper, interruptFor } from '../../src/http/ag-ui/ag-ui-events.js';

const body = (extra: Record<string, unknown>) => agUiBody.parse({ threadId: 't-1', runId: 'r-1', messages: [], ...extra });

describe('AG-UI requests', () => {
  it('reads the last user message (string or text parts), or the resume entries as decisions', () => {
    expect(agUiTurn(body({ messages: [{ id: 'a', role: 'assistant', content: 'old' }, { id: 'u', role: 'user', content: 'Refund A-1' }] }))).toEqual({ kind: 'message', text: 'Refund A-1' });
    expect(agUiTurn(body({ messages: [{ id: 'u', role: 'user', content: [{ type: 'text', text: 'Re' }, { type: 'image', url: 'x' }, { type: 'text', text: 'fund' }] }] }))).toEqual({
      kind: 'message',
      text: 'Refund',
    });
    expect(
      agUiTurn(
        body({
          resume: [
            { interruptId: 'a1', status: 'resolved', payload: { decision: 'edit', input: { amount: 1 }, reason: 'less' } },
            { interruptId: 'a2', status: 'cancelled' },
          ],
        }),
      ),
    ).toEqual({
      kind: 'resume',
      decisions: [
        { approvalId: 'a1', decision: 'edit', input: { amount: 1 }, reason: 'less' },
        { approvalId: 'a2', decision: 'reject', reason: expect.stringContaining('cancelled'), cancelled: true },
      ],
      answers: [],
      toolResults: [],
    });
  });

  it('reads answers to question interrupts ({ answer }) and tool messages carrying frontend tool results', () => {
    expect(
      agUiTurn(
        body({
          messages: [
            { id: 'u', role: 'user', content: 'book' },
            { id: 'a', role: 'assistant', toolCalls: [{ id: 'c1', type: 'function', function: { name: 'pick_date', arguments: '{}' } }] },
            { id: 't', role: 'tool', toolCallId: 'c1', content: '{"date":"2027-01-05"}' },
          ],
          resume: [{ interruptId: 'q1', status: 'resolved', payload: { answer: 'Berlin' } }],
        }),
      ),
    ).toEqual({ kind: 'resume', decisions: [], answers: [{ questionId: 'q1', answer: 'Berlin' }], toolResults: [{ toolCallId: 'c1', content: '{"date":"2027-01-05"}' }] });
    // A last tool message alone resumes too (a frontend tool's result, no interrupt answered).
    expect(agUiTurn(body({ messages: [{ id: 't', role: 'tool', toolCallId: 'c1', content: 'ok' }] }))).toMatchObject({ kind: 'resume', toolResults: [{ toolCallId: 'c1', content: 'ok' }] });
    expect(() => agUiTurn(body({ resume: [{ interruptId: 'q1', status: 'resolved', payload: { answer: '' } }] }))).toThrow(/or \{answer: "…"\} for a question/);
  });

  it('refuses a payload that is not a decision, and a request with nothing to do, naming the fix', () => {
    expect(() => agUiTurn(body({ resume: [{ interruptId: 'a1', status: 'resolved', payload: { decision: 'edit' } }] }))).toThrow(/resume\[0\].*payload\.input/);
    expect(() => agUiTurn(body({ resume: [{ interruptId: 'a1', status: 'resolved' }] }))).toThrow(/must carry a payload/);
    expect(() => agUiTurn(body({ messages: [{ id: 'a', role: 'assistant', content: 'hi' }] }))).toThrow(/resume entries .* or a last message from the user/);
    expect(agUiBody.safeParse({ threadId: 'has space', runId: 'r', messages: [] }).success).toBe(false);
  });
});

describe('AG-UI events', () => {
  const item = (offset: number, event: Record<string, unknown>): HarnessEventItem =>
    ({ offset, event: { runId: 'run-1', agentId: 'a', at: '2026-01-01T00:00:00Z', ...event } }) as unknown as HarnessEventItem;
  const approval = { approvalId: 'c1', toolName: 'refund', input: { amount: 5 }, requestedAt: '2026-01-01T00:00:00Z', step: 1 };

  it('streams text per model attempt, ties tool calls to their text, and ends on the approvals still open', () => {
    const mapper = new AgUiMapper({ threadId: 't-1', runId: 'r-1' });
    const types = (offset: number, event: Record<string, unknown>) => mapper.map(item(offset, event));
    expect(types(1, { type: 'output.delta', step: 1, attempt: 1, messageId: 'run-1:step-1', text: 'Hel' }).events.map((e) => e.type)).toEqual(['TEXT_MESSAGE_START', 'TEXT_MESSAGE_CONTENT']);
    // A retried call starts over: the first attempt's message ends, a new one starts.
    expect(types(2, { type: 'output.reset', step: 1, attempt: 2, messageId: 'run-1:step-1' }).events).toEqual([{ type: 'TEXT_MESSAGE_END', messageId: 'run-1:step-1#1' }]);
    expect(types(3, { type: 'output.delta', step: 1, attempt: 2, messageId: 'run-1:step-1', text: 'Hello' }).events[0]).toEqual({ type: 'TEXT_MESSAGE_START', messageId: 'run-1:step-1#2', role: 'assistant' });
    const requested = types(4, { type: 'approval.requested', approval });
    expect(requested.events.map((e) => e.type)).toEqual(['TEXT_MESSAGE_END', 'TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END']);
    expect(requested.events[1]).toEqual({ type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'refund', parentMessageId: 'run-1:step-1#2' });
    const parked = types(5, { type: 'run.state.changed', from: 'running', to: 'waiting_for_approval' });
    expect(parked.end).toBe(true);
    expect(parked.events.at(-1)).toMatchObject({
      type: 'RUN_FINISHED',
      threadId: 't-1',
      runId: 'r-1',
      outcome: { type: 'interrupt', interrupts: [{ id: 'c1', toolCallId: 'c1', reason: 'tool_approval', responseSchema: { required: ['decision'] } }] },
    });
    // Decided: the same tool call is not announced again when it starts and returns.
    types(6, { type: 'approval.resolved', decision: { approvalId: 'c1', decision: 'approve' } });
    expect(types(7, { type: 'tool.started', step: 1, toolCallId: 'c1', toolName: 'refund', input: { amount: 5 } }).events).toEqual([]);
    expect(types(8, { type: 'tool.result', step: 1, toolCallId: 'c1', toolName: 'refund', content: 'ok', isError: false }).events).toEqual([
      { type: 'TOOL_CALL_RESULT', messageId: 'c1:result', toolCallId: 'c1', content: 'ok', role: 'tool' },
    ]);
    const failed = types(9, { type: 'run.failed', error: 'boom' });
    expect(failed).toEqual({ events: [{ type: 'RUN_ERROR', message: 'boom', code: 'RUN_FAILED' }], end: true });
  });

  it('an interrupt says who may decide, until when, and how many approvals an N-of-M approval has', () => {
    const interrupt = interruptFor({
      approvalId: 'call_1',
      toolName: 'issue_refund',
      input: { amount: 2000 },
      requestedAt: '2026-12-05T10:00:00.000Z',
      step: 1,
      approvers: ['alice', 'role:finance'],
      deadline: { at: '2026-12-06T10:00:00.000Z', onTimeout: 'reject' },
      quorum: { rule: 'large refunds', needed: 2, votes: [{ approver: 'alice', at: '2026-12-05T10:01:00.000Z', via: 'update' }] },
    });
    expect(interrupt.expiresAt).toBe('2026-12-06T10:00:00.000Z');
    expect(interrupt.metadata).toMatchObject({ approvers: ['alice', 'role:finance'], onTimeout: 'reject', quorum: { needed: 2, received: 1 } });
    const plain = interruptFor({ approvalId: 'call_2', toolName: 'x', input: {}, requestedAt: '2026-12-05T10:00:00.000Z', step: 1 });
    expect(plain.expiresAt).toBeUndefined();
    expect(plain.metadata).not.toHaveProperty('approvers');
  });
});
