/**
 * Questions and client tool calls as the run's webhooks and its ending see them, against the real
 * dev server: an `ask_human` question and a client tool call send signed `requested` and
 * `answered`/`supplied` notices (JSON and Slack bodies); a run cancelled while a question waits
 * closes it (gone from status and the inbox, a `question.closed` event), and an answer afterwards
 * is a 409 saying the run has ended, changing nothing; a run whose deadline passes while a client
 * tool call waits sends `client_tool.timed_out`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { hookSignatureValid, webhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'wait-notices-secret-51ce';
const closers: (() => void)[] = [];
beforeAll(() => {
  process.env.WAIT_NOTICES_SECRET = SECRET;
});
afterAll(() => {
  delete process.env.WAIT_NOTICES_SECRET;
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function workspace(hookUrl: string, slackUrl: string, limits = ''): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: ship
        turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which office?" } }]
          - text: "Shipping to: {{lastToolResult}}"
      - when: book
        turns:
          - toolCalls: [{ name: pick_date, args: { purpose: delivery } }]
          - text: "Booked for {{lastToolResult}}"
agents:
  - id: desk
    model: m
    askHuman: true
    tools: [pick_date]
    notify:
      - { url: ${JSON.stringify(hookUrl)}, name: hook, secretEnv: WAIT_NOTICES_SECRET, retry: { maximumAttempts: 3, initialInterval: 100ms } }
      - { url: ${JSON.stringify(slackUrl)}, name: slack, format: slack, events: [requested], retry: { maximumAttempts: 3, initialInterval: 100ms } }
${limits}`,
    `  client:
    pick_date:
      description: Ask the user to pick a date.
      input: { type: object, properties: { purpose: { type: string } }, required: [purpose] }
`,
  );
}

async function eventsOf(run: { events(): AsyncGenerator<{ event: HarnessEvent }> }): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of run.events()) out.push(event);
  return out;
}

const json = { 'Content-Type': 'application/json' };

describe('questions and client tool calls: notices and endings', () => {
  it('a question and a client tool call send signed requested and answered/supplied notices, JSON and Slack', async () => {
    const hook = await webhookReceiver();
    const slack = await webhookReceiver();
    closers.push(hook.close, slack.close);
    await withWorker(workspace(hook.url, slack.url), async ({ client }) => {
      const asking = await client.startRun({ agentId: 'desk', input: 'ship the parcel' });
      const parked = await asking.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      const questionId = parked.pendingQuestions![0]!.questionId;
      // Answer once the asked notice is through, so the receiver's log is in a known order.
      await eventually(() => hook.received.length, (n) => n >= 1, 'the question.asked notice');
      await asking.answer('Berlin', { questionId, answeredBy: 'ann' });
      expect((await asking.result()).output).toBe('Shipping to: Berlin');

      const booking = await client.startRun({ agentId: 'desk', input: 'book a delivery' });
      const waiting = await booking.waitFor((s) => (s.pendingToolCalls ?? []).length === 1);
      const toolCallId = waiting.pendingToolCalls![0]!.toolCallId;
      await eventually(() => hook.received.length, (n) => n >= 3, 'the client_tool.requested notice');
      await booking.supplyToolResult(toolCallId, { date: '2027-01-05' }, { suppliedBy: 'web' });
      expect((await booking.result()).output).toBe('Booked for {"date":"2027-01-05"}');

      await eventually(() => hook.received.length, (n) => n >= 4, 'four notices');
      const bodies = hook.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
      expect(bodies.map((b) => b.event)).toEqual(['question.asked', 'question.answered', 'client_tool.requested', 'client_tool.supplied']);
      for (const r of hook.received) {
        expect(hookSignatureValid(r, SECRET)).toBe(true);
        expect(r.headers['x-harness-event']).toBe(JSON.parse(r.body).event);
      }
      expect(bodies[0]).toMatchObject({ runId: asking.runId, agentId: 'desk', questionId, toolName: 'ask_human', question: 'Which office?' });
      expect(bodies[1]).toMatchObject({ questionId, answer: 'Berlin', answeredBy: 'ann', deliveryId: `${asking.runId}:${questionId}:question.answered` });
      expect(bodies[2]).toMatchObject({ runId: booking.runId, toolCallId, toolName: 'pick_date', input: '{"purpose":"delivery"}' });
      expect(bodies[3]).toMatchObject({ toolCallId, result: '{"date":"2027-01-05"}', isError: false, suppliedBy: 'web' });

      // The Slack webhook asked for `requested` only: one message per wait, with its text.
      await eventually(() => slack.received.length, (n) => n >= 2, 'two Slack messages');
      const texts = slack.received.map((r) => (JSON.parse(r.body) as { text: string }).text);
      expect(texts).toEqual([`Question for you in run \`${asking.runId}\` (agent desk)`, `Client tool result needed: \`pick_date\` in run \`${booking.runId}\` (agent desk)`]);

      const events = await eventsOf(asking);
      expect(events.filter((e) => e.type === 'notification.sent')).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ event: 'question.asked', questionId, target: 'hook' }),
          expect.objectContaining({ event: 'question.answered', questionId, target: 'hook' }),
          expect.objectContaining({ event: 'question.asked', questionId, target: 'slack' }),
        ]),
      );
    });
  });

  it('a cancelled run closes its question: gone from status and the inbox; a later answer is a 409 that changes nothing', async () => {
    const hook = await webhookReceiver();
    const slack = await webhookReceiver();
    closers.push(hook.close, slack.close);
    await withWorker(workspace(hook.url, slack.url), async ({ client }) => {
      const app = createHttpApp(client);
      const run = await client.startRun({ agentId: 'desk', input: 'ship it' });
      const parked = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      const questionId = parked.pendingQuestions![0]!.questionId;
      const listed = async () => ((await (await app.request('/questions')).json()) as { questions: { runId: string }[] }).questions.filter((q) => q.runId === run.runId);
      await eventually(listed, (l) => l.length === 1, 'the question in GET /questions');

      await run.cancel();
      const ended = await run.waitFor((s) => s.state === 'cancelled');
      expect(ended.pendingQuestions).toEqual([]);
      expect(ended.closedQuestions).toEqual([expect.objectContaining({ questionId, question: 'Which office?', reason: 'run cancelled' })]);
      expect(ended.closedQuestions![0]!.timedOut).toBeUndefined();
      expect(await listed()).toEqual([]);

      const res = await app.request(`/runs/${run.runId}/questions/${encodeURIComponent(questionId)}`, { method: 'POST', headers: json, body: JSON.stringify({ answer: 'Berlin' }) });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status).toBe(409);
      expect(body.error.code).toBe('RUN_NOT_ACTIVE');
      expect(body.error.message).toBe(`Run ${run.runId} has ended (cancelled); the question was closed and can no longer be answered.`);
      const after = await run.status();
      expect(after.questions).toEqual([]);
      expect(after.closedQuestions).toEqual(ended.closedQuestions);

      const types = (await eventsOf(run)).map((e) => e.type);
      expect(types.indexOf('question.closed')).toBeGreaterThan(types.indexOf('question.asked'));
      expect(types.indexOf('question.closed')).toBeLessThan(types.indexOf('run.cancelled'));
      // Closing by cancellation is not a timeout: no notice beyond the asked one.
      expect(hook.received.map((r) => JSON.parse(r.body).event)).toEqual(['question.asked']);
    });
  });

  it('a run timing out while a client tool call waits closes it and sends client_tool.timed_out', async () => {
    const hook = await webhookReceiver();
    const slack = await webhookReceiver();
    closers.push(hook.close, slack.close);
    await withWorker(workspace(hook.url, slack.url, 'limits: { runTimeout: 3s }\n'), async ({ client }) => {
      const app = createHttpApp(client);
      const run = await client.startRun({ agentId: 'desk', input: 'book a delivery' });
      const waiting = await run.waitFor((s) => (s.pendingToolCalls ?? []).length === 1);
      const toolCallId = waiting.pendingToolCalls![0]!.toolCallId;
      await expect(run.result()).rejects.toMatchObject({ code: 'RUN_FAILED' });
      const ended = await run.status();
      expect(ended).toMatchObject({ state: 'failed', pendingToolCalls: [], closedToolCalls: [expect.objectContaining({ toolCallId, reason: 'run timed out', timedOut: true })] });

      await eventually(() => hook.received.map((r) => JSON.parse(r.body).event as string), (e) => e.length >= 2, 'two notices');
      const last = JSON.parse(hook.received[1]!.body);
      expect(last).toMatchObject({ event: 'client_tool.timed_out', toolCallId, toolName: 'pick_date', deliveryId: `${run.runId}:${toolCallId}:client_tool.timed_out` });
      expect(hookSignatureValid(hook.received[1]!, SECRET)).toBe(true);

      const res = await app.request(`/runs/${run.runId}/tool-calls/${encodeURIComponent(toolCallId)}`, { method: 'POST', headers: json, body: JSON.stringify({ result: { date: '2027-01-05' } }) });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
        `Run ${run.runId} has ended (failed); the tool call was closed and its result can no longer be supplied.`,
      );
    });
  });
});
