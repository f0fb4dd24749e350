/**
 * The model judge against the real dev server, its model through the real OpenAI client against
 * the local wire stub: it approves a benign call (no person asked, recorded `via: judge` with its
 * reason; a 503 on the way is retried), escalates a risky one to a person (pending with the
 * judge's reason, in status, events and the webhook notice, then a person approves), and a judge
 * answering "reject", garbage, failing every attempt or not answering in time escalates instead of
 * rejecting; a rule asking two people is never shortcut by it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HarnessEvent, RunHandle } from '../../src/client/index.js';
import { fileLines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { historyText } from '../support/history-text.js';
import { reply, startOpenAIStub, type RecordedRequest, type StubReply } from '../support/openai-stub.js';

const INSTRUCTIONS = 'Approve refunds for late deliveries. Escalate anything else.';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The judge's user message (the call it is shown) in a recorded request. */
function judgePrompt(request: RecordedRequest): string {
  const user = request.body.messages.filter((m) => m.role === 'user').at(-1);
  return typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
}

/** The judge: answers by the refund's label; the first `late` request gets a 503 (Temporal retries it). */
function judgeAnswers(): (request: RecordedRequest) => StubReply | Promise<StubReply> {
  let lateSeen = 0;
  return (request) => {
    const prompt = judgePrompt(request);
    if (prompt.includes('"label":"late"')) {
      lateSeen += 1;
      return lateSeen === 1 ? reply.error(503, 'overloaded') : reply.text('{"decision": "approve", "reason": "a late delivery: refunds for those are routine"}');
    }
    if (prompt.includes('"label":"gift"')) return reply.text('```json\n{"decision": "escalate", "reason": "a gift-card refund is unusual"}\n```');
    if (prompt.includes('"label":"fraud"')) return reply.text('{"decision": "reject", "reason": "looks like fraud"}');
    if (prompt.includes('"label":"garbage"')) return reply.text('Hmm, probably fine?');
    if (prompt.includes('"label":"down"')) return reply.error(500, 'judge model down');
    // Never answers (the stub drops the request when the test closes it): the judge's timeout escalates.
    if (prompt.includes('"label":"slow"')) return new Promise<StubReply>(() => undefined);
    throw new Error(`the test's judge has no answer for: ${prompt}`);
  };
}

/** A webhook receiver recording every notice it gets. */
async function receiver(): Promise<{ url: string; notices: Array<Record<string, unknown>> }> {
  const notices: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      notices.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, notices };
}

/** `hugeOver`: above this amount a rule asks two people (the scripted calls are for 80). */
async function setup(hugeOver = 5000) {
  const dir = tempDir();
  const effects = join(dir, 'effects.log');
  const stub = await startOpenAIStub(judgeAnswers());
  cleanups.push(() => stub.close());
  const hook = await receiver();
  const envVar = `HARNESS_TEST_JUDGE_KEY_${randomUUID().slice(0, 8).toUpperCase()}`;
  process.env[envVar] = `sk-test-${randomUUID()}`;
  cleanups.push(() => {
    delete process.env[envVar];
  });
  const call = (label: string, reason: string) =>
    `[{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: ${label}, amount: 80, reason: ${JSON.stringify(reason)} } }]`;
  const rule = (label: string, reason: string) => `      - when: ${label}\n        turns:\n          - toolCalls: ${call(label, reason)}\n          - text: "final: {{lastToolResult}}"\n`;
  const workspace = writeWorkspace(
    dir,
    `models:
  m:
    provider: scripted
    script:
${['late', 'gift', 'fraud', 'garbage', 'down', 'slow'].map((l) => rule(l, `${l} case`)).join('')}
  judge:
    provider: openai
    model: gpt-4o-mini
    baseUrl: ${stub.baseUrl}
    apiKeyEnv: ${envVar}
agents:
  - id: payer
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        approvers: ["role:support"]
        rules:
          - { name: huge, when: "amount > ${hugeOver}", decide: ask, approvals: 2, approvers: [ann, bo] }
        judge:
          model: judge
          instructions: ${JSON.stringify(INSTRUCTIONS)}
          maxAttempts: 2
          timeout: 20s
        notify:
          - url: ${hook.url}
            events: [requested, decided]
  - id: impatient
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        judge: { model: judge, instructions: ${JSON.stringify(INSTRUCTIONS)}, timeout: 1s }
`,
  );
  return { workspace, effects, stub, hook };
}

async function eventsOf(run: RunHandle): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of run.events()) out.push(event);
  return out;
}

describe('the model judge', () => {
  it('approves a benign call without asking anyone; escalates a risky one to a person with its reason', async () => {
    const { workspace, effects, stub, hook } = await setup();
    await withWorker(workspace, async ({ client }) => {
      const late = await client.startRun({ agentId: 'payer', input: 'late refund please' });
      expect((await late.result()).output).toBe('final: recorded late');
      const lateStatus = await late.status();
      expect(lateStatus.approvals).toEqual([
        expect.objectContaining({
          decision: 'approve',
          via: 'judge',
          reason: 'a late delivery: refunds for those are routine',
          judge: { decision: 'approve', reason: 'a late delivery: refunds for those are routine', model: 'judge' },
        }),
      ]);
      expect(lateStatus.approvals[0]!.approver).toBeUndefined();
      const lateEvents = await eventsOf(late);
      expect(lateEvents.some((e) => e.type === 'approval.requested')).toBe(false);
      expect(lateEvents.some((e) => e.type === 'run.state.changed' && e.to === 'waiting_for_approval')).toBe(false);
      expect(lateEvents.find((e) => e.type === 'approval.resolved')).toMatchObject({ decision: { via: 'judge' } });
      // The judge saw its instructions, the call and the user's message; its 503 was retried.
      const lateRequests = stub.completionRequests.filter((r) => judgePrompt(r).includes('"label":"late"'));
      expect(lateRequests).toHaveLength(2);
      expect(JSON.stringify(lateRequests[0]!.body.messages[0])).toContain(INSTRUCTIONS);
      expect(judgePrompt(lateRequests[0]!)).toContain('Tool: record_effect');
      expect(judgePrompt(lateRequests[0]!)).toContain('The user\'s latest message: "late refund please"');
      // The Web UI shows the judge's approval on the tool's activity.
      expect(await historyText(client, late.runId)).toContain('tool record_effect · approved · judge: approve — a late delivery: refunds for those are routine');

      const gift = await client.startRun({ agentId: 'payer', input: 'gift refund please' });
      const parked = await gift.waitFor((s) => s.state === 'waiting_for_approval');
      const pending = parked.pendingApprovals[0]!;
      expect(pending.judge).toEqual({ decision: 'escalate', reason: 'a gift-card refund is unusual', model: 'judge' });
      expect(pending.quorum).toBeUndefined();
      expect(fileLines(effects).map((l) => l.split(' ')[0])).toEqual(['late']);
      const decided = await gift.decide({ approvalId: pending.approvalId, decision: 'approve', approver: 'sam', approverRoles: ['support'] });
      expect(decided).toMatchObject({ decision: 'approve', via: 'update', approver: 'sam', judge: { decision: 'escalate', reason: 'a gift-card refund is unusual' } });
      expect((await gift.result()).output).toBe('final: recorded gift');
      const giftEvents = await eventsOf(gift);
      expect(giftEvents.find((e) => e.type === 'approval.requested')).toMatchObject({ approval: { judge: { decision: 'escalate', reason: 'a gift-card refund is unusual' } } });

      // Webhooks: nothing for the judge's approval; the escalation's request carries the judge's reason.
      const byRun = (runId: string) => hook.notices.filter((n) => n.runId === runId).map((n) => n.event);
      expect(byRun(late.runId)).toEqual([]);
      expect(byRun(gift.runId).sort()).toEqual(['approval.decided', 'approval.requested']);
      expect(hook.notices.find((n) => n.event === 'approval.requested')).toMatchObject({ judge: { model: 'judge', reason: 'a gift-card refund is unusual' } });
    });
  });

  it('a judge answering "reject", garbage, or failing every attempt escalates; it never rejects', async () => {
    const { workspace, effects, stub } = await setup();
    await withWorker(workspace, async ({ client }) => {
      const runs = await Promise.all(['fraud', 'garbage', 'down'].map((l) => client.startRun({ agentId: 'payer', input: `${l} refund please` })));
      const [fraud, garbage, down] = await Promise.all(runs.map((r) => r.waitFor((s) => s.state === 'waiting_for_approval')));
      expect(fraud!.pendingApprovals[0]!.judge).toEqual({
        decision: 'escalate',
        reason: 'The judge answered "reject" (looks like fraud); a judge may only approve or escalate, so a person decides.',
        model: 'judge',
        fallback: 'reject_answer',
      });
      expect(garbage!.pendingApprovals[0]!.judge).toMatchObject({ decision: 'escalate', fallback: 'invalid_answer', reason: expect.stringContaining('held no JSON object') });
      expect(down!.pendingApprovals[0]!.judge).toMatchObject({ decision: 'escalate', fallback: 'failed', reason: expect.stringMatching(/^The judge failed \(.*server error \(HTTP 500\).*\), so a person decides\.$/s) });
      // maxAttempts: 2 — the failing judge was asked twice, then a person.
      expect(stub.completionRequests.filter((r) => judgePrompt(r).includes('"label":"down"'))).toHaveLength(2);
      expect(fileLines(effects)).toEqual([]);
      for (const [run, status] of [[runs[0]!, fraud!], [runs[1]!, garbage!], [runs[2]!, down!]] as const) {
        await run.decide({ approvalId: status.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'sam', approverRoles: ['support'] });
        expect((await run.result()).output).toMatch(/^final: recorded (fraud|garbage|down)$/);
        expect((await run.status()).approvals[0]).toMatchObject({ via: 'update', approver: 'sam' });
      }
    });
  });

  it('a judge that does not answer within its timeout escalates', async () => {
    const { workspace, stub } = await setup();
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'impatient', input: 'slow refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.pendingApprovals[0]!.judge).toMatchObject({ decision: 'escalate', fallback: 'failed', reason: 'The judge failed (no answer within its timeout of 1s), so a person decides.' });
      expect(stub.completionRequests.length).toBeGreaterThanOrEqual(1);
      await run.approve({ approver: 'sam' });
      expect((await run.result()).output).toBe('final: recorded slow');
    });
  });

  it('a rule that asks two people is never shortcut by the judge', async () => {
    const { workspace, stub } = await setup(50);
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'late refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.pendingApprovals[0]).toMatchObject({ quorum: { rule: 'huge', needed: 2 } });
      expect(parked.pendingApprovals[0]!.judge).toBeUndefined();
      expect(stub.completionRequests).toHaveLength(0);
      await run.cancel();
    });
  });
});
