/**
 * Approval notifications against the real dev server, with real HTTP receivers in the test: a
 * receiver that fails twice then succeeds gets signed `approval.requested` and `approval.decided`
 * notices (the signature checked here), a receiver that always fails leaves the run completed with
 * `notification.failed` recorded, a deadline's decision is sent as `approval.timed_out`, and the
 * secret never reaches the run's history.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessEvent } from '../../src/client/index.js';
import { historyText } from '../support/history-text.js';
import { eventually } from '../support/eventually.js';
import { fileLines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';

const SECRET = 'notify-test-secret-7f3a9c';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

/** A webhook receiver answering 500 to its first `failFirst` requests (Infinity: always), then 204. */
async function receiver(failFirst: number): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = received.length < failFirst ? 500 : 204;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

/** A webhook receiver that holds every request unanswered until `release()`, then answers 204. */
async function heldReceiver(): Promise<{ url: string; bodies: string[]; release: () => void; server: Server }> {
  const bodies: string[] = [];
  const waiting: (() => void)[] = [];
  let released = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      const answer = () => res.writeHead(204).end();
      if (released) answer();
      else waiting.push(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const release = () => {
    released = true;
    for (const answer of waiting.splice(0)) answer();
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, release, server };
}

/** What a receiver does: HMAC-SHA256 over `<timestamp>.<body>`, compared in constant time. */
function signatureValid(r: Received, secret: string): boolean {
  const timestamp = String(r.headers['x-harness-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const given = String(r.headers['x-harness-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

async function eventsOf(run: { events(): AsyncGenerator<{ event: HarnessEvent }> }): Promise<HarnessEvent[]> {
  const out: HarnessEvent[] = [];
  for await (const { event } of run.events()) out.push(event);
  return out;
}

const fast = '{ maximumAttempts: 4, initialInterval: 100ms, backoffCoefficient: 1 }';
const servers: Server[] = [];
beforeAll(() => {
  process.env.NOTIFY_TEST_SECRET = SECRET;
});
afterAll(() => {
  delete process.env.NOTIFY_TEST_SECRET;
});
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('approval notifications', () => {
  it('sends signed requested/decided notices through a flaky receiver; a dead one leaves notification.failed and the run completes', async () => {
    const flaky = await receiver(2);
    const dead = await receiver(Infinity);
    servers.push(flaky.server, dead.server);
    const effects = join(tempDir(), 'effects.log');
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: refund
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect]
    notify:
      - { url: ${JSON.stringify(flaky.url)}, name: flaky, secretEnv: NOTIFY_TEST_SECRET, retry: ${fast} }
    requireApproval:
      - tool: record_effect
        notify:
          - { url: ${JSON.stringify(dead.url)}, name: dead, format: slack, events: [requested, decided], retry: { maximumAttempts: 2, initialInterval: 100ms } }
`,
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      // The run waits for a person, not for its notices: it is parked while the flaky receiver still fails.
      // Deciding once the requested notice is through keeps the receiver's log in a known order.
      for await (const { event } of run.events()) if (event.type === 'notification.sent') break;
      await run.decide({ approvalId, decision: 'approve', approver: 'ann', reason: 'looks right' });
      expect((await run.result()).output).toBe('final: recorded refund');

      // Two 500s, then the requested notice; then the decided one at the first try. All signed.
      expect(flaky.received.map((r) => [r.status, JSON.parse(r.body).event])).toEqual([
        [500, 'approval.requested'],
        [500, 'approval.requested'],
        [204, 'approval.requested'],
        [204, 'approval.decided'],
      ]);
      for (const r of flaky.received) {
        expect(signatureValid(r, SECRET)).toBe(true);
        expect(signatureValid(r, 'another-secret')).toBe(false);
      }
      const decided = JSON.parse(flaky.received[3]!.body);
      expect(decided).toMatchObject({
        runId: run.runId,
        agentId: 'payer',
        approvalId,
        toolName: 'record_effect',
        decision: { decision: 'approve', approver: 'ann', reason: 'looks right', via: 'update' },
        deliveryId: `${run.runId}:${approvalId}:approval.decided`,
      });
      expect(flaky.received[3]!.headers['x-harness-event']).toBe('approval.decided');

      // The Slack receiver got `{ text, blocks }`, unsigned (no secretEnv), twice per notice, then gave up.
      expect(dead.received).toHaveLength(4);
      const slack = JSON.parse(dead.received[0]!.body);
      expect(slack.text).toContain('Approval needed: `record_effect`');
      expect(slack.blocks).toHaveLength(2);
      expect(dead.received[0]!.headers['x-harness-signature']).toBeUndefined();

      const events = await eventsOf(run);
      const notes = events.filter((e) => e.type === 'notification.sent' || e.type === 'notification.failed');
      expect(notes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'notification.sent', event: 'approval.requested', target: 'flaky', attempts: 3, approvalId }),
          expect.objectContaining({ type: 'notification.sent', event: 'approval.decided', target: 'flaky', attempts: 1 }),
          expect.objectContaining({ type: 'notification.failed', event: 'approval.requested', target: 'dead', attempts: 2, error: 'dead answered HTTP 500' }),
          expect.objectContaining({ type: 'notification.failed', event: 'approval.decided', target: 'dead', attempts: 2 }),
        ]),
      );
      expect(notes).toHaveLength(4);
      // Every notice was reported before the run's final event: none was lost to the run closing.
      expect(events.at(-1)?.type).toBe('run.completed');
      expect(JSON.stringify(events)).not.toContain(SECRET);
      expect(await historyText(client, run.runId)).not.toContain(SECRET);
    });
  });

  it('sends approval.timed_out when the deadline decides, and reports an unset secret env var without retrying', async () => {
    const hook = await receiver(0);
    servers.push(hook.server);
    const effects = join(tempDir(), 'effects.log');
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: refund
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        timeout: 1s
        notify:
          - { url: ${JSON.stringify(hook.url)}, events: [timed_out], secretEnv: NOTIFY_TEST_SECRET }
          - { url: ${JSON.stringify(hook.url)}, name: unset, secretEnv: NOTIFY_TEST_UNSET_SECRET }
`,
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      expect((await run.result()).output).toMatch(/^final: /);
      expect(hook.received.map((r) => JSON.parse(r.body).event)).toEqual(['approval.timed_out']);
      const notice = JSON.parse(hook.received[0]!.body);
      expect(notice.decision).toMatchObject({ decision: 'reject', via: 'timeout' });
      expect(signatureValid(hook.received[0]!, SECRET)).toBe(true);

      const events = await eventsOf(run);
      expect(events.filter((e) => e.type === 'notification.failed')).toEqual([
        expect.objectContaining({ event: 'approval.requested', target: 'unset', attempts: 1, error: expect.stringContaining('NOTIFY_TEST_UNSET_SECRET') }),
        expect.objectContaining({ event: 'approval.timed_out', target: 'unset', attempts: 1 }),
      ]);
      expect(events.filter((e) => e.type === 'notification.sent')).toEqual([
        expect.objectContaining({ event: 'approval.timed_out', target: '127.0.0.1:' + new URL(hook.url).port, attempts: 1 }),
      ]);
    });
  });

  it('never holds the run up while a notice is in flight, yet completes only once every notice is reported', async () => {
    const held = await heldReceiver();
    servers.push(held.server);
    const effects = join(tempDir(), 'effects.log');
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: refund
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
    notify: [{ url: ${JSON.stringify(held.url)}, name: held }]
`,
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      await eventually(() => held.bodies.length, (n) => n === 1, 'the requested notice to reach the receiver');
      // The requested notice is still unanswered: the decision goes through and the tool runs anyway.
      await run.decide({ approvalId: parked.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'ann' });
      await eventually(() => fileLines(effects).length, (n) => n === 1, 'the approved tool to run');
      await eventually(() => held.bodies.length, (n) => n === 2, 'the decided notice to reach the receiver');
      // Both notices are in flight: the run has its answer but does not complete before they are reported.
      expect((await run.status()).state).not.toBe('completed');
      held.release();
      expect((await run.result()).output).toBe('final: recorded refund');
      const events = await eventsOf(run);
      // Released together, the two sends finish in either order: compare them as a set.
      const notices = events.filter((e) => e.type.startsWith('notification.'));
      expect(notices).toHaveLength(2);
      expect(notices).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'notification.sent', event: 'approval.requested', target: 'held', attempts: 1 }),
          expect.objectContaining({ type: 'notification.sent', event: 'approval.decided', target: 'held', attempts: 1 }),
        ]),
      );
      expect(events.at(-1)?.type).toBe('run.completed');
    });
  });
});
