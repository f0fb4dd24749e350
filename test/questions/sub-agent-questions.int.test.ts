/**
 * `ask_human` questions asked inside sub-agents reach the run people watch, against the real dev
 * server: the top-level run shows a sub-agent's question as its own (`<toolCallId>/<id>`, with the
 * chain of agents and the run it waits in), lists it once in the inbox, and an answer sent to the
 * top-level run is forwarded down to the run that asked, which applies it; the caller gets the
 * record that run applied. An answer given in the sub-agent's own run shows up the chain too.
 */
import { describe, expect, it } from 'vitest';
import { listPendingQuestions, type HarnessEvent, type RunHandle, type RunStatus } from '../../src/client/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: ^ledger job
        turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which ledger account?" } }]
          - text: "ledger: {{lastToolResult}}"
      - when: ^billing deep
        turns:
          - toolCalls: [{ name: ledger, args: { input: ledger job } }]
          - text: "billing: {{lastToolResult}}"
      - when: ^billing job
        turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which card should be refunded?" } }]
          - text: "billing: {{lastToolResult}}"
      - when: ^support deep
        turns:
          - toolCalls: [{ name: billing, args: { input: billing deep } }]
          - text: "support: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: billing, args: { input: billing job } }]
          - text: "support: {{lastToolResult}}"
agents:
  - { id: support, model: m, subAgents: [billing] }
  - { id: billing, model: m, askHuman: true, subAgents: [ledger] }
  - { id: ledger, model: m, askHuman: true }
`,
  );
}

const pendingQuestion = (run: RunHandle) =>
  eventually(
    async () => await run.status(),
    (s: RunStatus) => (s.pendingQuestions ?? []).length > 0,
    `a question pending on ${run.runId}`,
  );

async function eventsOf(run: RunHandle): Promise<HarnessEvent[]> {
  const events: HarnessEvent[] = [];
  for await (const { event } of run.events()) events.push(event);
  return events;
}

describe('questions of sub-agents', () => {
  it('show on the top-level run, once in the inbox; an answer there reaches the sub-agent, which completes', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support request' });
      const status = await pendingQuestion(run);
      expect(status.state).toBe('waiting_for_approval');
      const [question] = status.pendingQuestions!;
      expect(question).toMatchObject({ question: 'Which card should be refunded?', step: 1, path: ['support', 'billing'] });
      const child = client.getRun(question!.origin!.runId);
      const [childQuestion] = (await child.status()).pendingQuestions!;
      expect(question!.questionId).toBe(`${child.runId.slice(run.runId.length + 1)}/${childQuestion!.questionId}`);
      expect(question!.origin).toEqual({ runId: child.runId, questionId: childQuestion!.questionId });

      // Listed once, on the run people watch.
      const listed = (await listPendingQuestions(client)).filter((q) => q.question.question === 'Which card should be refunded?');
      expect(listed.map((q) => [q.runId, q.question.questionId])).toEqual([[run.runId, question!.questionId]]);

      await expect(run.answer('Visa', { questionId: `${question!.questionId}x` })).rejects.toMatchObject({ code: 'UNKNOWN_QUESTION' });
      const record = await run.answer('Visa ending 4242', { questionId: question!.questionId, answeredBy: 'ann' });
      expect(record).toMatchObject({ questionId: question!.questionId, answer: 'Visa ending 4242', answeredBy: 'ann', path: ['support', 'billing'] });
      await expect(run.answer('Mastercard', { questionId: question!.questionId })).rejects.toMatchObject({ code: 'QUESTION_ALREADY_ANSWERED' });

      expect(await run.result()).toMatchObject({ output: 'support: billing: Visa ending 4242' });
      // The sub-agent's run applied and recorded the answer; the top-level run shows it too.
      expect((await child.status()).questions).toEqual([expect.objectContaining({ questionId: childQuestion!.questionId, answer: 'Visa ending 4242', answeredBy: 'ann' })]);
      const final = await run.status();
      expect(final.pendingQuestions).toEqual([]);
      expect(final.questions).toEqual([expect.objectContaining({ questionId: question!.questionId, answer: 'Visa ending 4242' })]);
      const events = await eventsOf(run);
      expect(events.filter((e) => e.type === 'question.asked')).toEqual([expect.objectContaining({ type: 'question.asked', question: expect.objectContaining({ questionId: question!.questionId }) })]);
      expect(events.filter((e) => e.type === 'question.answered')).toEqual([
        expect.objectContaining({ type: 'question.answered', answer: expect.objectContaining({ questionId: question!.questionId, answer: 'Visa ending 4242' }) }),
      ]);
    });
  });

  it('two levels down: the answer travels through the middle run; one given in the asking run shows up the chain', async () => {
    await withWorker(workspace(), async ({ client }) => {
      // Answered on the top-level run: forwarded support → billing → ledger.
      const top = await client.startRun({ agentId: 'support', input: 'support deep' });
      const [question] = (await pendingQuestion(top)).pendingQuestions!;
      expect(question).toMatchObject({ question: 'Which ledger account?', path: ['support', 'billing', 'ledger'] });
      expect(question!.questionId.split('/')).toHaveLength(3);
      const middle = client.getRun(`${top.runId}.${question!.questionId.split('/')[0]!}`);
      expect((await middle.status()).pendingQuestions).toEqual([expect.objectContaining({ question: 'Which ledger account?' })]);
      await top.answer('4000-refunds', { questionId: question!.questionId });
      expect(await top.result()).toMatchObject({ output: 'support: billing: ledger: 4000-refunds' });

      // Answered in the ledger run itself: the runs above see it answered and go on.
      const other = await client.startRun({ agentId: 'support', input: 'support deep' });
      const [asked] = (await pendingQuestion(other)).pendingQuestions!;
      const ledger = client.getRun(asked!.origin!.runId);
      await ledger.answer('4100-fees', { answeredBy: 'bob' });
      expect(await other.result()).toMatchObject({ output: 'support: billing: ledger: 4100-fees' });
      expect((await other.status()).questions).toEqual([expect.objectContaining({ questionId: asked!.questionId, answer: '4100-fees', answeredBy: 'bob' })]);
    });
  });

  it('a sub-agent that ends while its question waits closes it on the top-level run', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support request' });
      const [question] = (await pendingQuestion(run)).pendingQuestions!;
      await client.getRun(question!.origin!.runId).cancel();
      expect(await run.result()).toMatchObject({ output: expect.stringContaining('support:') });
      const status = await run.status();
      expect(status.pendingQuestions).toEqual([]);
      expect(status.closedQuestions).toEqual([expect.objectContaining({ questionId: question!.questionId, reason: expect.stringContaining('ended') })]);
      await expect(run.answer('too late', { questionId: question!.questionId })).rejects.toMatchObject({ code: 'RUN_NOT_ACTIVE' });
    });
  });

  it('a top-level run that continues as new keeps its sub-agents\' answered questions', async () => {
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: ^billing job
        turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which card should be refunded?" } }]
          - text: "billing: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: billing, args: { input: billing job } }]
          - toolCalls: [{ name: echo, args: { text: one } }]
          - toolCalls: [{ name: echo, args: { text: two } }]
          - text: "support: {{lastToolResult}}"
agents:
  - { id: support, model: m, tools: [echo], subAgents: [billing] }
  - { id: billing, model: m, askHuman: true }
limits:
  continueAsNewAfterEvents: 10
`,
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'go' });
      const [question] = (await pendingQuestion(run)).pendingQuestions!;
      await run.answer('Visa', { questionId: question!.questionId, answeredBy: 'ann' });
      expect((await run.result()).output).toBe('support: echo: two');
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.length).toBeGreaterThanOrEqual(2);
      // The last run of the chain shows the answer its first run forwarded.
      expect((await run.status()).questions).toEqual([
        expect.objectContaining({ questionId: question!.questionId, answer: 'Visa', answeredBy: 'ann', path: ['support', 'billing'] }),
      ]);
    });
  });
});
