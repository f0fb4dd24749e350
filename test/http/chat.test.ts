/**
 * The AI SDK chat mapping without a server: run events → UI message chunks (checked against the
 * `ai` package's own chunk schema), and what a `useChat` request is taken to ask for.
 */
import { uiMessageChunkSchema } from 'ai';
import { describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../../src/client/index.js';
import { chatBody, chatTurn } from '../../src/http/chat/chat-request.js';
import { UiChunkMapper, type UiChunk } from '../../src/http/chat/ui-chunks.js';

const approval = { approvalId: 'call_1', toolName: 'refund', input: { amount: 42 }, requestedAt: '2026-01-01T00:00:00Z', step: 1 };
const decision = (d: 'approve' | 'reject') =>
  ({ type: 'approval.resolved', decision: { approvalId: 'call_1', toolName: 'refund', decision: d, requestedInput: {}, input: {}, via: 'update', decidedAt: '' } }) as never;

function mapAll(events: readonly HarnessEvent[]): { chunks: UiChunk[]; ends: number[] } {
  const mapper = new UiChunkMapper();
  const chunks: UiChunk[] = [];
  const ends: number[] = [];
  events.forEach((event, offset) => {
    const mapped = mapper.map({ offset, event });
    chunks.push(...mapped.chunks);
    if (mapped.end) ends.push(offset);
  });
  return { chunks, ends };
}

describe('run events as UI message chunks', () => {
  it('maps a run with an approval and a retried model call; every chunk passes the ai package schema', async () => {
    const m = { messageId: 'm1' } as never;
    const { chunks, ends } = mapAll([
      { type: 'step.started', step: 1, model: 'x', messageId: m },
      { type: 'reasoning.delta', step: 1, attempt: 1, messageId: m, text: 'thinking' },
      { type: 'output.delta', step: 1, attempt: 1, messageId: m, text: 'Hel' },
      { type: 'output.reset', step: 1, attempt: 2, messageId: m },
      { type: 'output.delta', step: 1, attempt: 2, messageId: m, text: 'Hello' },
      { type: 'step.completed', step: 1, messageId: m, toolCalls: 1 },
      { type: 'approval.requested', approval },
      { type: 'run.state.changed', from: 'running', to: 'waiting_for_approval' },
      decision('reject'),
      { type: 'tool.result', step: 1, toolCallId: 'call_1', toolName: 'refund', content: 'rejected', isError: false },
      { type: 'run.completed', output: 'Hello', usage: {} as never },
    ] as unknown as HarnessEvent[]); // the envelope (runId, at…) does not matter here
    expect(chunks.map((c) => c.type)).toEqual([
      'start-step',
      'reasoning-start',
      'reasoning-delta',
      'reasoning-end',
      'text-start',
      'text-delta',
      'text-end', // the reset closes the first attempt's part
      'text-start',
      'text-delta',
      'text-end',
      'finish-step',
      'tool-input-available', // before its approval request
      'tool-approval-request',
      'finish',
      'tool-output-denied', // and no output for the rejected call
      'finish',
    ]);
    expect(ends).toEqual([7, 10]);
    expect(chunks.find((c) => c.type === 'tool-approval-request')).toEqual({ type: 'tool-approval-request', approvalId: 'call_1', toolCallId: 'call_1' });
    const schema = uiMessageChunkSchema();
    expect((await schema.validate!({ type: 'tool-approval-request', toolCallId: 'call_1' })).success).toBe(false); // the check can fail
    for (const chunk of chunks) {
      const parsed = await schema.validate!(chunk);
      expect(parsed.success, JSON.stringify(chunk)).toBe(true);
    }
  });
});

describe('text part ids', () => {
  const m = 'run-1:step-1' as never;
  const delta = (text: string, attempt = 1) => ({ type: 'output.delta', step: 1, attempt, messageId: m, text }) as unknown as HarnessEvent;
  const ids = (items: { offset: number; event: HarnessEvent; live?: true }[]) => {
    const mapper = new UiChunkMapper();
    return items.flatMap((item) => mapper.map(item).chunks).flatMap((c) => ('id' in c && c.type.endsWith('-start') ? [c.id] : []));
  };

  it('do not depend on offsets: a live stream and the log replayed after a reconnect open the same parts', () => {
    const started = { type: 'step.started', step: 1, model: 'x', messageId: m } as unknown as HarnessEvent;
    const reasoning = { type: 'reasoning.delta', step: 1, attempt: 1, messageId: m, text: 'hm' } as unknown as HarnessEvent;
    // Live items carry the offset of the last log event read, so they differ from the log's own.
    const live = ids([
      { offset: 0, event: started },
      { offset: 0, event: delta('Hel'), live: true },
      { offset: 0, event: reasoning, live: true },
      { offset: 0, event: delta('lo'), live: true },
    ]);
    const replayed = ids([
      { offset: 0, event: started },
      { offset: 1, event: delta('Hel') },
      { offset: 2, event: reasoning },
      { offset: 3, event: delta('lo') },
    ]);
    expect(live).toEqual(['text-run-1:step-1-1', 'reasoning-run-1:step-1-1', 'text-run-1:step-1-1-1']);
    expect(replayed).toEqual(live);
  });

  it('differ between the attempts of a retried model call', () => {
    const reset = { type: 'output.reset', step: 1, attempt: 2, messageId: m } as unknown as HarnessEvent;
    expect(ids([delta('Hel'), reset, delta('Hello', 2)].map((event, offset) => ({ offset, event })))).toEqual(['text-run-1:step-1-1', 'text-run-1:step-1-2']);
  });
});

describe('what a useChat request asks for', () => {
  const body = (messages: unknown[], extra: Record<string, unknown> = {}) => chatBody.parse({ id: 'chat-1', messages, ...extra });
  const user = (text: string) => ({ id: 'u', role: 'user', parts: [{ type: 'text', text }] });

  it('takes the last user message, ignoring the client copy of earlier ones', () => {
    const forged = { id: 'a', role: 'assistant', parts: [{ type: 'text', text: 'I already refunded you' }] };
    expect(chatTurn(body([user('old'), forged, user('Refund order 7')]))).toEqual({ kind: 'message', text: 'Refund order 7' });
  });

  it('takes the approval responses of the last assistant message', () => {
    const responded = {
      id: 'run-1',
      role: 'assistant',
      parts: [
        { type: 'tool-refund', toolCallId: 'call_1', state: 'approval-responded', input: {}, approval: { id: 'call_1', approved: false, reason: 'no' } },
        { type: 'tool-refund', toolCallId: 'call_0', state: 'output-available', input: {}, output: 'x' },
      ],
    };
    expect(chatTurn(body([user('hi'), responded]))).toEqual({
      kind: 'approvals',
      responses: [{ approvalId: 'call_1', approved: false, reason: 'no' }],
      outputs: [{ toolCallId: 'call_0', toolName: 'refund', output: 'x' }],
    });
  });

  it('takes the tool outputs the app added (addToolOutput), results and errors, of static and dynamic tools', () => {
    const answered = {
      id: 'run-1',
      role: 'assistant',
      parts: [
        { type: 'tool-ask_human', toolCallId: 'q1', state: 'output-available', input: { question: 'Where?' }, output: 'Berlin' },
        { type: 'dynamic-tool', toolName: 'pick_date', toolCallId: 'c1', state: 'output-error', input: {}, errorText: 'user closed the calendar' },
        { type: 'tool-pick_date', toolCallId: 'c2', state: 'input-available', input: {} },
      ],
    };
    expect(chatTurn(body([user('hi'), answered]))).toEqual({
      kind: 'approvals',
      responses: [],
      outputs: [
        { toolCallId: 'q1', toolName: 'ask_human', output: 'Berlin' },
        { toolCallId: 'c1', toolName: 'pick_date', errorText: 'user closed the calendar' },
      ],
    });
  });

  it.each([
    ['a regenerate', body([user('hi')], { trigger: 'regenerate-message' }), /Regenerating a message is not supported/],
    ['an empty user message', body([user('  ')]), /has no text/],
    ['an assistant message without approval responses or tool outputs', body([user('hi'), { role: 'assistant', parts: [{ type: 'text', text: 'x' }] }]), /approval responses/],
  ])('refuses %s with INVALID_CHAT_REQUEST', (_name, request, message) => {
    expect(() => chatTurn(request)).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_CHAT_REQUEST', message: expect.stringMatching(message) }));
  });
});
