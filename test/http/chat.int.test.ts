/**
 * `POST /api/chat` driven by the real AI SDK client (`ai` 6: `AbstractChat` with its
 * `DefaultChatTransport`, the engine under `useChat`), over a real `harness serve`-style server and
 * real runs: text arrives live, a tool approval request ends the first stream, the client's
 * approval response resumes the run and the tool output and final text arrive; a refused edit
 * comes back as an error the UI can show; a rejection ends as `output-denied`; a reloaded page
 * resumes the active run's message (`GET /api/chat/{id}/stream`) with nothing lost or repeated.
 */
import { join } from 'node:path';
import { DefaultChatTransport, lastAssistantMessageIsCompleteWithApprovalResponses, type UIMessage } from 'ai';
import { describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, listenHttp } from '../../src/http/index.js';
import { RecordingChat, textsOf, toolPartOf } from '../support/ai-chat.js';
import { fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(effects: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "Let me refund that."
            toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "Done: {{lastToolResult}}"
agents:
  - { id: payer, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
}

const toolPart = (m: UIMessage) => toolPartOf(m, 'record_effect')!;
const texts = textsOf;

async function withChatServer(effects: string, body: (url: string, client: HarnessClient) => Promise<void>): Promise<void> {
  await withWorker(workspace(effects), async ({ client }) => {
    const server = await listenHttp(createHttpApp(client, { heartbeatMs: 1_000 }), { port: 0 });
    try {
      await body(server.url, client);
    } finally {
      await server.close(1_000);
    }
  });
}

function chat(url: string, id: string, errors: Error[] = []): RecordingChat {
  return new RecordingChat({
    id,
    transport: new DefaultChatTransport({ api: `${url}/api/chat`, body: { agentId: 'payer' } }),
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onError: (e) => errors.push(e),
  });
}

describe('POST /api/chat (AI SDK UI message stream)', () => {
  it('streams text live, asks for approval, reports a refused edit, resumes on approval with the tool output and final text', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withChatServer(effects, async (url, client) => {
      const errors: Error[] = [];
      const c = chat(url, uniqueId('chat'), errors);
      await c.sendMessage({ text: 'Please refund order 7' });

      // First stream: text, then the tool call and its approval request, then the stream ended.
      const first = c.assistant;
      const runId = (await client.thread(c.id).status()).activeRunId!;
      expect(first.id).toBe(runId);
      expect(texts(first)).toEqual(['Let me refund that.']);
      const part = toolPart(first);
      expect(part).toMatchObject({ state: 'approval-requested', toolCallId: expect.any(String), input: { label: 'refund', amount: 42 }, approval: { id: part.toolCallId } });
      expect(c.status).toBe('ready');
      // Live: the text was there before the approval request arrived.
      const states = c.recorded.versions.map((v) => `${texts(v).join('')}|${v.parts.find((p) => p.type === 'tool-record_effect') ? toolPart(v).state : '-'}`);
      expect(states).toContain('Let me refund that.|-');
      expect(states.indexOf('Let me refund that.|-')).toBeLessThan(states.findIndex((s) => s.endsWith('approval-requested')));
      const approvalId = part.approval!.id;

      // An edit the tool's schema refuses: reported as an error, the run still waits, nothing ran.
      const refused = c.nextFinish();
      await c.addToolApprovalResponse({ id: approvalId, approved: true, options: { body: { edits: { [approvalId]: { file: effects, label: 'x', amount: 'lots' } } } } });
      await refused;
      expect(errors.map((e) => e.message).join('\n')).toMatch(/^INVALID_EDIT_INPUT: .*amount/m);
      expect((await client.getRun(runId).status()).state).toBe('waiting_for_approval');
      expect(fileLines(effects)).toEqual([]);

      // The approval again, plain: the run resumes; the rest arrives in the same assistant message.
      await c.sendMessage();
      const done = c.assistant;
      expect(done.id).toBe(runId);
      expect(texts(done)).toEqual(['Let me refund that.', 'Done: recorded refund']); // no text twice
      expect(toolPart(done)).toMatchObject({ state: 'output-available', toolCallId: approvalId, output: 'recorded refund' });
      expect(c.recorded.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(fileLines(effects)).toHaveLength(1);
      expect((await client.getRun(runId).result()).approvals).toEqual([expect.objectContaining({ approvalId, decision: 'approve' })]);

      // Nothing active any more: the resume endpoint says so with 204.
      expect((await fetch(`${url}/api/chat/${c.id}/stream`)).status).toBe(204);
    });
  });

  it('a rejection ends as output-denied; a reloaded page resumes the parked run without losing or repeating text', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withChatServer(effects, async (url) => {
      const id = uniqueId('chat');
      const page = chat(url, id);
      await page.sendMessage({ text: 'Please refund order 8' });
      const parked = page.assistant;

      // A new page for the same chat (a reload) with no messages: the resume stream rebuilds the message.
      const reloaded = chat(url, id);
      await reloaded.resumeStream();
      expect(reloaded.recorded.messages).toHaveLength(1);
      expect(texts(reloaded.assistant)).toEqual(texts(parked));
      expect(toolPart(reloaded.assistant)).toMatchObject({ state: 'approval-requested', approval: { id: toolPart(parked).approval!.id } });

      // The same page resuming (a dropped connection): the replay replaces its copy, nothing doubles.
      const before = structuredClone(page.recorded.messages);
      await page.resumeStream();
      expect(page.recorded.messages).toEqual(before);

      const finished = page.nextFinish();
      await page.addToolApprovalResponse({ id: toolPart(parked).approval!.id, approved: false, reason: 'not today' });
      await finished;
      expect(toolPart(page.assistant)).toMatchObject({ state: 'output-denied' });
      expect(texts(page.assistant)[0]).toBe('Let me refund that.');
      expect(texts(page.assistant).length).toBe(2); // the model's answer after the rejection
      expect(fileLines(effects)).toEqual([]);
    });
  });

  it('a message while the run waits is queued: its stream stays open until the run starts', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withChatServer(effects, async (url, client) => {
      const id = uniqueId('chat');
      const page = chat(url, id);
      await page.sendMessage({ text: 'Please refund order 8' });
      const parked = page.assistant;
      // A second message while the run waits: its run is queued; the stream stays open until it starts.
      const second = chat(url, id);
      const queued = second.sendMessage({ text: 'And order 9' });
      const thread = client.thread(id);
      for (let status = await thread.status(); status.queued.length === 0; status = await thread.status()) await new Promise((r) => setTimeout(r, 20));
      expect(['submitted', 'streaming']).toContain(second.status); // its request is still open
      await client.getRun((await thread.status()).activeRunId!).approve({ approvalId: toolPart(parked).approval!.id });
      await queued;
      expect(texts(second.assistant)).toEqual(['Let me refund that.']);
      expect(toolPart(second.assistant)).toMatchObject({ state: 'approval-requested' });
      expect(second.assistant.id).not.toBe(parked.id);
      expect(fileLines(effects)).toHaveLength(1);
    });
  });
});
