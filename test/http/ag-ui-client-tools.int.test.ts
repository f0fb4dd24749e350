/**
 * `ask_human` and client tools over `POST /ag-ui`, driven by the real AG-UI client
 * (`@ag-ui/client` HttpAgent: event schema checks, sequence verification, message assembly)
 * against a real server and real runs. A question ends the AG-UI run with an `interrupt` outcome
 * (reason `input_required`) that a `resume` entry `{ answer }` answers; a client tool call is an
 * AG-UI frontend tool call: the AG-UI run finishes as success naming it in `pendingToolCallIds`,
 * and the next run's `tool` message carries its result. A result the tool's schema refuses ends
 * that AG-UI run with `RUN_ERROR` and changes nothing.
 */
import { HttpAgent, type AgentSubscriber, type BaseEvent } from '@ag-ui/client';
import { describe, expect, it } from 'vitest';
import { withDeskServer } from '../support/desk-workspace.js';
import { uniqueId } from '../support/harness.js';


/** Runs the agent once; returns every event it applied, in order. */
async function run(agent: HttpAgent, parameters: Parameters<HttpAgent['runAgent']>[0] = {}): Promise<BaseEvent[]> {
  const seen: BaseEvent[] = [];
  const subscriber: AgentSubscriber = { onEvent: ({ event }) => void seen.push(event) };
  await agent.runAgent(parameters, subscriber).catch(() => undefined); // a RUN_ERROR rejects; the events say why
  return seen;
}

const types = (events: BaseEvent[]) => events.map((e) => e.type);
const textOf = (events: BaseEvent[]) => events.flatMap((e) => (e.type === 'TEXT_MESSAGE_CONTENT' ? [(e as BaseEvent & { delta: string }).delta] : [])).join('');

describe('POST /ag-ui: ask_human as an interrupt, client tools as frontend tool calls', () => {
  it('ask_human: the question ends the AG-UI run with an input_required interrupt; a resume { answer } completes the run', async () => {
    await withDeskServer(async (url, client) => {
      const agent = new HttpAgent({ url: `${url}/ag-ui`, threadId: uniqueId('agui') });
      agent.addMessage({ id: 'u1', role: 'user', content: 'Please ship the parcel' });
      const first = await run(agent, { forwardedProps: { agentId: 'desk' } });
      expect(textOf(first)).toBe('Let me ask.');
      expect(first.find((e) => e.type === 'TOOL_CALL_START')).toMatchObject({ toolCallName: 'ask_human' });
      expect(first.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'interrupt' } });
      expect(agent.pendingInterrupts).toEqual([
        expect.objectContaining({ reason: 'input_required', message: 'Which office?', responseSchema: expect.objectContaining({ required: ['answer'] }) }),
      ]);
      const [interrupt] = agent.pendingInterrupts;
      expect(interrupt!.toolCallId).toBe(interrupt!.id);
      const runId = (await client.thread(agent.threadId).status()).activeRunId!;
      expect((await client.getRun(runId).status()).pendingQuestions).toEqual([expect.objectContaining({ questionId: interrupt!.id })]);

      const second = await run(agent, { resume: [{ interruptId: interrupt!.id, status: 'resolved', payload: { answer: 'the Berlin office' } }] });
      expect(second.find((e) => e.type === 'TOOL_CALL_RESULT')).toMatchObject({ toolCallId: interrupt!.id, content: 'the Berlin office' });
      expect(textOf(second)).toBe('Shipping to: the Berlin office');
      expect(second.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success' } });
      expect(agent.pendingInterrupts).toEqual([]);
      expect((await client.getRun(runId).result()).output).toBe('Shipping to: the Berlin office');
    });
  });

  it('a client tool is a frontend tool call: success with pendingToolCallIds; a refused result is a RUN_ERROR; the tool message with a valid one completes the run', async () => {
    await withDeskServer(async (url, client) => {
      const agent = new HttpAgent({ url: `${url}/ag-ui`, threadId: uniqueId('agui') });
      agent.addMessage({ id: 'u1', role: 'user', content: 'Please book a delivery' });
      const first = await run(agent, { forwardedProps: { agentId: 'desk' } });
      const start = first.find((e) => e.type === 'TOOL_CALL_START') as BaseEvent & { toolCallId: string; toolCallName: string };
      expect(start.toolCallName).toBe('pick_date');
      expect(types(first)).not.toContain('TOOL_CALL_RESULT');
      const finished = first.at(-1) as BaseEvent & { outcome: { type: string; pendingToolCallIds?: string[] } };
      expect(finished).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success', pendingToolCallIds: [start.toolCallId] } });
      expect(agent.pendingInterrupts).toEqual([]);
      const runId = (await client.thread(agent.threadId).status()).activeRunId!;

      // The app runs the tool and answers with a tool message; this one fails the output schema.
      agent.addMessage({ id: 't-bad', role: 'tool', toolCallId: start.toolCallId, content: JSON.stringify({ date: 'next tuesday' }) });
      const refused = await run(agent);
      expect(refused.at(-1)).toMatchObject({ type: 'RUN_ERROR', code: 'INVALID_TOOL_RESULT', message: expect.stringMatching(/output schema of tool "pick_date"/) });
      const waiting = await client.getRun(runId).status();
      expect(waiting).toMatchObject({ state: 'waiting_for_approval', toolResults: [], pendingToolCalls: [expect.objectContaining({ toolCallId: start.toolCallId })] });

      agent.setMessages(agent.messages.filter((m) => m.id !== 't-bad'));
      agent.addMessage({ id: 't-ok', role: 'tool', toolCallId: start.toolCallId, content: JSON.stringify({ date: '2027-01-05' }) });
      const done = await run(agent);
      expect(types(done)).not.toContain('TOOL_CALL_RESULT'); // the app's own tool message holds it
      expect(textOf(done)).toBe('Booked for {"date":"2027-01-05"}');
      expect(done.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success' } });
      expect((await client.getRun(runId).result()).output).toBe('Booked for {"date":"2027-01-05"}');
      expect((await client.getRun(runId).status()).toolResults).toEqual([expect.objectContaining({ toolCallId: start.toolCallId, result: { date: '2027-01-05' } })]);
    });
  });
});
