/**
 * Ask the human, against the real dev server and over HTTP: a scripted model calls `ask_human`,
 * the run parks with the question in `GET /runs/:id` and in its events, a POST answers it (recorded
 * under the authenticated principal), the model gets the answer as the tool's result and the run
 * completes. Bad answers (empty, oversized, unknown question, a second answer) are refused with a
 * clear 4xx and change nothing.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HarnessEvent, RunStatus } from '../../src/client/index.js';
import { bearerTokens, createHttpApp, parseApiTokens } from '../../src/http/index.js';
import { QUESTION_LIMITS } from '../../src/workflows/run/contract.js';
import { cliEnv, harness } from '../support/cli.js';
import { tempDir, temporalAddress, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

const ANN = `ann-${'4'.repeat(40)}`;

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which office should the parcel go to?" } }]
          - text: "Shipping to: {{lastToolResult}}"
agents:
  - { id: shipper, model: m, askHuman: true }
`,
  );
}

const json = { 'Content-Type': 'application/json' };
const auth = { ...json, Authorization: `Bearer ${ANN}` };

describe('ask_human', () => {
  it('parks the run on the question; an HTTP answer becomes the tool result and the run completes', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const app = createHttpApp(client, { authenticate: bearerTokens(parseApiTokens(`ann=${ANN}`)) });
      const run = await client.startRun({ agentId: 'shipper', input: 'ship the parcel' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');

      const shown = (await (await app.request(`/runs/${run.runId}`, { headers: auth })).json()) as RunStatus;
      expect(shown.state).toBe('waiting_for_approval');
      expect(shown.pendingApprovals).toEqual([]);
      expect(shown.pendingQuestions).toEqual([expect.objectContaining({ question: 'Which office should the parcel go to?', step: 1 })]);
      const questionId = shown.pendingQuestions![0]!.questionId;

      const post = (id: string, body: unknown) =>
        app.request(`/runs/${run.runId}/questions/${encodeURIComponent(id)}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      const refusals: [string, Response, number, string][] = [
        ['empty answer', await post(questionId, { answer: '  ' }), 400, 'INVALID_REQUEST'],
        ['oversized answer', await post(questionId, { answer: 'x'.repeat(QUESTION_LIMITS.answerChars + 1) }), 400, 'INVALID_REQUEST'],
        ['unknown question', await post('no-such-question', { answer: 'Berlin' }), 409, 'UNKNOWN_QUESTION'],
        ['someone else named', await post(questionId, { answer: 'Berlin', answeredBy: 'bo' }), 403, 'APPROVER_MISMATCH'],
      ];
      for (const [what, res, status, code] of refusals) {
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect({ what, status: res.status, code: body.error.code }).toEqual({ what, status, code });
        expect(body.error.message.length).toBeGreaterThan(10);
      }
      // The client refuses an empty answer before sending, with the run's own code.
      await expect(run.answer('', { questionId })).rejects.toMatchObject({ code: 'INVALID_ANSWER' });
      const unchanged = await run.status();
      expect(unchanged.state).toBe('waiting_for_approval');
      expect(unchanged.pendingQuestions).toEqual(shown.pendingQuestions);
      expect(unchanged.questions).toEqual([]);

      const answered = await post(questionId, { answer: 'Berlin office' });
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ questionId, answer: 'Berlin office', answeredBy: 'ann' });
      expect((await run.result()).output).toBe('Shipping to: Berlin office');

      const again = await post(questionId, { answer: 'Paris' });
      expect(again.status).toBe(409);
      const done = await run.status();
      expect(done.pendingQuestions).toEqual([]);
      expect(done.questions).toEqual([expect.objectContaining({ questionId, answer: 'Berlin office', answeredBy: 'ann' })]);

      const events: HarnessEvent[] = [];
      for await (const { event } of run.events()) events.push(event);
      const types = events.map((e) => e.type);
      expect(types).toContain('question.asked');
      expect(types).toContain('question.answered');
      expect(types.indexOf('question.asked')).toBeLessThan(types.indexOf('question.answered'));
      expect(events.find((e) => e.type === 'tool.result')).toMatchObject({ toolName: 'ask_human', content: 'Berlin office', isError: false });
    });
  });

  it('answers through the client without naming the only question', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'shipper', input: 'ship it', runId: uniqueId('ask') });
      await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      const record = await run.answer('Lisbon', { answeredBy: 'cy' });
      expect(record).toMatchObject({ answer: 'Lisbon', answeredBy: 'cy' });
      expect((await run.result()).output).toBe('Shipping to: Lisbon');
    });
  });
});

describe('examples/team-approvals asks the human', () => {
  it('parks "a replacement please" on a question; the answer completes the run', async () => {
    const example = fileURLToPath(new URL('../../examples/team-approvals/harness.yaml', import.meta.url));
    await withWorker(example, async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'a replacement please' });
      const parked = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      expect(parked.pendingQuestions![0]!.question).toBe('Which address should the replacement go to?');
      await run.answer('12 Rue Oberkampf, Paris');
      expect((await run.result()).output).toBe('Sending the replacement to 12 Rue Oberkampf, Paris.');
    });
  });
});

describe('harness answer', () => {
  it('status and inbox show the question; answer sends it; a wrong question id fails with the reason', async () => {
    const ws = workspace();
    await withWorker(ws, async ({ client, taskQueue }) => {
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace: ws });
      const run = await client.startRun({ agentId: 'shipper', input: 'ship it' });
      const parked = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      const questionId = parked.pendingQuestions![0]!.questionId;

      const [status, inbox] = await Promise.all([harness(['status', run.runId], env), harness(['inbox', '--no-interactive'], env)]);
      expect(status.stdout).toContain('Pending questions (1):');
      expect(status.stdout).toContain('Which office should the parcel go to?');
      expect(inbox.stdout).toContain('1 pending question:');
      expect(inbox.stdout).toContain(`harness answer ${run.runId} "…" --question ${questionId}`);

      const wrong = await harness(['answer', run.runId, 'Berlin', '--question', 'nope'], env);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain('UNKNOWN_QUESTION');

      const answered = await harness(['answer', run.runId, 'Madrid', '--by', 'dee'], env);
      expect(answered.code, answered.stderr).toBe(0);
      expect(answered.stdout).toContain('answered by dee');
      expect((await run.result()).output).toBe('Shipping to: Madrid');
    });
  });
});
