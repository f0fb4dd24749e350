/**
 * `POST /ag-ui` driven by the real AG-UI client (`@ag-ui/client` HttpAgent: its event schema
 * checks, sequence verification and message assembly) over a real `harness serve`-style server
 * and real runs: the first AG-UI run streams text and the tool call and ends with an `interrupt`
 * outcome for the approval; a refused edit ends the next AG-UI run with `RUN_ERROR` and leaves the
 * interrupt open; a resume approving it brings the tool result and the final text, as a success.
 */
import { join } from 'node:path';
import { HttpAgent, type AgentSubscriber, type BaseEvent } from '@ag-ui/client';
import { describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, listenHttp } from '../../src/http/index.js';
import { chatOnce } from '../../examples/frontends/ag-ui-client.js';
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

async function withAgUiServer(effects: string, body: (url: string, client: HarnessClient) => Promise<void>): Promise<void> {
  await withWorker(workspace(effects), async ({ client }) => {
    const server = await listenHttp(createHttpApp(client, { heartbeatMs: 1_000 }), { port: 0 });
    try {
      await body(server.url, client);
    } finally {
      await server.close(1_000);
    }
  });
}

/** Runs the agent once; returns every event it applied, in order. */
async function run(agent: HttpAgent, parameters: Parameters<HttpAgent['runAgent']>[0]): Promise<BaseEvent[]> {
  const seen: BaseEvent[] = [];
  const subscriber: AgentSubscriber = { onEvent: ({ event }) => void seen.push(event) };
  await agent.runAgent(parameters, subscriber);
  return seen;
}

const types = (events: BaseEvent[]) => events.map((e) => e.type);
const textOf = (events: BaseEvent[]) => events.flatMap((e) => (e.type === 'TEXT_MESSAGE_CONTENT' ? [(e as BaseEvent & { delta: string }).delta] : [])).join('');

describe('POST /ag-ui (AG-UI 1.0)', () => {
  it('interrupts on the approval, reports a refused edit, resumes on approval with the tool result and final text', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withAgUiServer(effects, async (url, client) => {
      const threadId = uniqueId('agui');
      const agent = new HttpAgent({ url: `${url}/ag-ui`, threadId });
      agent.addMessage({ id: 'u1', role: 'user', content: 'Please refund order 7' });

      // First AG-UI run: text, the tool call, the state, then RUN_FINISHED with one interrupt.
      const first = await run(agent, { forwardedProps: { agentId: 'payer' } });
      expect(types(first)).toEqual([
        'RUN_STARTED',
        'TEXT_MESSAGE_START',
        ...types(first).filter((t) => t === 'TEXT_MESSAGE_CONTENT'),
        'TEXT_MESSAGE_END',
        'TOOL_CALL_START',
        'TOOL_CALL_ARGS',
        'TOOL_CALL_END',
        'STATE_SNAPSHOT',
        'RUN_FINISHED',
      ]);
      expect(textOf(first)).toBe('Let me refund that.');
      const harnessRunId = (await client.thread(threadId).status()).activeRunId!;
      expect(first[0]).toMatchObject({ threadId, protocolVersion: '1.0', metadata: { harnessRunId } });
      expect(agent.pendingInterrupts).toHaveLength(1);
      const interrupt = agent.pendingInterrupts[0]!;
      expect(interrupt).toMatchObject({
        reason: 'tool_approval',
        toolCallId: interrupt.id,
        metadata: { toolName: 'record_effect', input: { label: 'refund', amount: 42 } },
        responseSchema: { required: ['decision'], properties: { decision: { enum: ['approve', 'reject', 'edit'] } } },
      });
      expect((await client.getRun(harnessRunId).status()).pendingApprovals.map((p) => p.approvalId)).toEqual([interrupt.id]);
      // The client assembled the assistant message with its tool call.
      const assistant = agent.messages.find((m) => m.role === 'assistant') as { content?: string; toolCalls?: { id: string; function: { name: string; arguments: string } }[] };
      expect(assistant.content).toBe('Let me refund that.');
      expect(assistant.toolCalls).toEqual([{ id: interrupt.id, type: 'function', function: { name: 'record_effect', arguments: JSON.stringify({ file: effects, label: 'refund', amount: 42 }) } }]);

      // A payload that is not a decision: 400 before anything happens.
      const bad = await fetch(`${url}/ag-ui`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ threadId, runId: 'r-bad', messages: [], resume: [{ interruptId: interrupt.id, status: 'resolved', payload: { decision: 'maybe' } }] }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'INVALID_AG_UI_REQUEST', message: expect.stringMatching(/payload\.decision/) });

      // An edit the tool's schema refuses: RUN_ERROR; the run still waits, the interrupt stays open, nothing ran.
      const refused = await run(agent, { resume: [{ interruptId: interrupt.id, status: 'resolved', payload: { decision: 'edit', input: { file: effects, label: 'x', amount: 'lots' } } }] });
      expect(types(refused)).toEqual(['RUN_STARTED', 'RUN_ERROR']);
      expect(refused[1]).toMatchObject({ code: 'INVALID_EDIT_INPUT', message: expect.stringMatching(/amount/) });
      expect(agent.pendingInterrupts.map((i) => i.id)).toEqual([interrupt.id]);
      expect((await client.getRun(harnessRunId).status()).state).toBe('waiting_for_approval');
      expect(fileLines(effects)).toEqual([]);

      // Approve: the tool result and the final text arrive, then success.
      const resumed = await run(agent, { resume: [{ interruptId: interrupt.id, status: 'resolved', payload: { decision: 'approve', reason: 'looks right' } }] });
      expect(types(resumed)).toEqual([
        'RUN_STARTED',
        'TOOL_CALL_RESULT',
        'TEXT_MESSAGE_START',
        ...types(resumed).filter((t) => t === 'TEXT_MESSAGE_CONTENT'),
        'TEXT_MESSAGE_END',
        'STATE_SNAPSHOT',
        'RUN_FINISHED',
      ]);
      expect(resumed[1]).toMatchObject({ toolCallId: interrupt.id, content: 'recorded refund' });
      expect(textOf(resumed)).toBe('Done: recorded refund'); // nothing of the first AG-UI run again
      expect(resumed.at(-1)).toMatchObject({ outcome: { type: 'success' }, result: { output: 'Done: recorded refund' } });
      expect(agent.pendingInterrupts).toEqual([]);
      expect(agent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
      expect(fileLines(effects)).toHaveLength(1);
      const result = await client.getRun(harnessRunId).result();
      expect(result.approvals).toEqual([expect.objectContaining({ approvalId: interrupt.id, decision: 'approve', reason: 'looks right' })]);
    });
  });

  it('a cancelled interrupt rejects the tool call; a resume with no active run is a 409', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withAgUiServer(effects, async (url) => {
      const agent = new HttpAgent({ url: `${url}/ag-ui`, threadId: uniqueId('agui') });
      agent.addMessage({ id: 'u1', role: 'user', content: 'Please refund order 8' });
      await run(agent, { forwardedProps: { agentId: 'payer' } });
      const [interrupt] = agent.pendingInterrupts;
      const resumed = await run(agent, { resume: [{ interruptId: interrupt!.id, status: 'cancelled' }] });
      expect(resumed.at(-1)).toMatchObject({ type: 'RUN_FINISHED', outcome: { type: 'success' } });
      expect(fileLines(effects)).toEqual([]);

      const stale = await fetch(`${url}/ag-ui`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ threadId: agent.threadId, runId: 'r-late', messages: [], resume: [{ interruptId: interrupt!.id, status: 'cancelled' }] }),
      });
      expect(stale.status).toBe(409);
    });
  });

  it('examples/frontends/ag-ui-client.ts: streams the text, answers the interrupt, prints the final answer', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withAgUiServer(effects, async (url) => {
      let printed = '';
      const asked: string[] = [];
      const final = await chatOnce({
        url,
        agentId: 'payer',
        input: 'Please refund order 9',
        decide: async (interrupt) => (asked.push(interrupt.message ?? ''), { decision: 'approve' }),
        write: (text) => void (printed += text),
      });
      expect(final).toBe('Done: recorded refund');
      expect(asked).toEqual([expect.stringMatching(/^Run record_effect with .*"amount":42/)]);
      expect(printed).toContain('Let me refund that.\n[tool record_effect');
      expect(printed).toContain('[result recorded refund]\nDone: recorded refund\n');
      expect(fileLines(effects)).toHaveLength(1);
    });
  });
});
