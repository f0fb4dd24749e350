/**
 * `ask_human` and client tools over `POST /api/chat`, driven by the real AI SDK client (`ai` 6,
 * the engine under `useChat`) against a real server and real runs. Both are the AI SDK's
 * client-side tools: the stream ends with the call in `input-available` and no output; the app
 * adds the output (`addToolOutput`, by hand or in `onToolCall`); `sendAutomaticallyWhen:
 * lastAssistantMessageIsCompleteWithToolCalls` posts it; the run takes it as the answer / result
 * and the rest arrives in the same assistant message. A result the tool's schema refuses comes back
 * as an error the UI can show and changes nothing; a reloaded page sees the pending call again.
 */
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithToolCalls, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import { RecordingChat, textsOf, toolPartOf } from '../support/ai-chat.js';
import { withDeskServer } from '../support/desk-workspace.js';
import { uniqueId } from '../support/harness.js';


function chat(url: string, id: string, extra: { errors?: Error[]; onToolCall?: (call: { toolName: string; toolCallId: string; input: unknown }) => void } = {}): RecordingChat {
  return new RecordingChat({
    id,
    transport: new DefaultChatTransport({ api: `${url}/api/chat`, body: { agentId: 'desk' } }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithToolCalls,
    onError: (e) => extra.errors?.push(e),
    ...(extra.onToolCall && { onToolCall: ({ toolCall }) => extra.onToolCall!(toolCall) }),
  });
}

const part = (m: UIMessage, name: string) => toolPartOf(m, name)!;

describe('POST /api/chat: ask_human and client tools as AI SDK client-side tools', () => {
  it('ask_human: the question arrives as a tool call without output; addToolOutput answers it and the run completes', async () => {
    await withDeskServer(async (url, client) => {
      const page = chat(url, uniqueId('chat'));
      await page.sendMessage({ text: 'Please ship the parcel' });
      const runId = (await client.thread(page.id).status()).activeRunId!;
      const asked = part(page.assistant, 'ask_human');
      expect(asked).toMatchObject({ state: 'input-available', input: { question: 'Which office?' } });
      expect((asked as { output?: unknown }).output).toBeUndefined();
      expect(textsOf(page.assistant)).toEqual(['Let me ask.']);
      expect((await client.getRun(runId).status()).pendingQuestions).toEqual([expect.objectContaining({ questionId: asked.toolCallId })]);

      // A reloaded page sees the same pending call.
      const reloaded = chat(url, page.id);
      await reloaded.resumeStream();
      expect(part(reloaded.assistant, 'ask_human')).toMatchObject({ state: 'input-available', toolCallId: asked.toolCallId });

      const finished = page.nextFinish();
      await page.addToolOutput({ tool: 'ask_human', toolCallId: asked.toolCallId, output: 'the Berlin office' });
      await finished;
      expect(part(page.assistant, 'ask_human')).toMatchObject({ state: 'output-available', output: 'the Berlin office' });
      expect(textsOf(page.assistant)).toEqual(['Let me ask.', 'Shipping to: the Berlin office']);
      expect(page.recorded.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      const result = await client.getRun(runId).result();
      expect(result.output).toBe('Shipping to: the Berlin office');
      expect((await client.getRun(runId).status()).questions).toEqual([expect.objectContaining({ questionId: asked.toolCallId, answer: 'the Berlin office' })]);
    });
  });

  it('a client tool answered in onToolCall: a result the schema refuses is an error and changes nothing; a valid one completes the run', async () => {
    await withDeskServer(async (url, client) => {
      const errors: Error[] = [];
      const calls: string[] = [];
      let next: unknown = { date: 'next tuesday' };
      const page: RecordingChat = chat(url, uniqueId('chat'), {
        errors,
        // As the AI SDK docs have it: an automatically executed client-side tool adds its output, not awaited.
        onToolCall: (call) => {
          if (call.toolName !== 'pick_date') return;
          calls.push(call.toolCallId);
          void page.addToolOutput({ tool: 'pick_date', toolCallId: call.toolCallId, output: next });
        },
      });
      const refused = page.nextFinish();
      await page.sendMessage({ text: 'Please book a delivery' });
      await refused; // the automatic request with the bad result
      expect(calls).toHaveLength(1);
      const runId = (await client.thread(page.id).status()).activeRunId!;
      expect(errors.map((e) => e.message).join('\n')).toMatch(/^INVALID_TOOL_RESULT: .*output schema of tool "pick_date"/m);
      const waiting = await client.getRun(runId).status();
      expect(waiting.state).toBe('waiting_for_approval');
      expect(waiting.pendingToolCalls).toEqual([expect.objectContaining({ toolCallId: calls[0], toolName: 'pick_date', input: { purpose: 'delivery' } })]);
      expect(waiting.toolResults).toEqual([]);

      next = { date: '2027-01-05' };
      const finished = page.nextFinish();
      await page.addToolOutput({ tool: 'pick_date', toolCallId: calls[0]!, output: next });
      await finished;
      expect(part(page.assistant, 'pick_date')).toMatchObject({ state: 'output-available', output: { date: '2027-01-05' } });
      expect(textsOf(page.assistant)).toEqual(['Booked for {"date":"2027-01-05"}']);
      expect((await client.getRun(runId).result()).output).toBe('Booked for {"date":"2027-01-05"}');
    });
  });
});
