import { describe, expect, it } from 'vitest';
import type { HarnessClient, HarnessEvent, RunStatus } from '../../src/client/index.js';
import { createHttpApp, listenHttp, type HttpAppOptions } from '../../src/http/index.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { readSse, type SseMessage } from '../support/sse-reader.js';

const agentId = uniqueId('http'); // Its own agent id, so listing by agent sees only this file's runs.

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: hello
        turns:
          - text: "Hi there."
      - turns:
          - text: "Looking it up."
            toolCalls: [{ name: echo, args: { text: hi } }]
          - text: "Recording it."
            toolCalls: [{ name: record_effect, args: { file: /dev/null, label: x } }]
          - text: "All done: {{lastToolResult}}"
agents:
  - { id: ${agentId}, model: m, tools: [echo, record_effect], requireApproval: [record_effect] }
`,
  );
}

type App = ReturnType<typeof createHttpApp>;

interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = Record<string, unknown>>(app: App, method: string, path: string, body?: unknown): Promise<Reply<T>> {
  const res = await app.request(path, {
    method,
    ...(method !== 'GET' && { headers: { 'Content-Type': 'application/json' } }),
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

async function parked(app: App, runId: string): Promise<RunStatus> {
  const reply = await eventually(
    () => call<RunStatus>(app, 'GET', `/runs/${runId}`),
    ({ status, body }) => status === 200 && body.state === 'waiting_for_approval',
    `run ${runId} to wait for approval`,
  );
  return reply.body;
}

async function withApp<T>(body: (app: App, client: HarnessClient) => Promise<T>, options: HttpAppOptions = {}): Promise<T> {
  return withWorker(workspace(), ({ client }) => body(createHttpApp(client, options), client));
}

describe('HTTP API', () => {
  it('creates a run, reads status and list, refuses bad decisions, approves, and returns the result', async () => {
    await withApp(async (app) => {
      const created = await call<{ runId: string }>(app, 'POST', '/runs', { agentId, input: 'go', context: { tenant: 'acme' } });
      expect(created.status).toBe(201);
      const { runId } = created.body;
      expect(created.headers.get('location')).toBe(`/runs/${runId}`);

      const status = await parked(app, runId);
      expect(status).toMatchObject({ runId, agentId, state: 'waiting_for_approval' });
      const approvalId = status.pendingApprovals[0]!.approvalId;
      expect(await call(app, 'POST', '/runs', { agentId, input: 'go again', runId })).toMatchObject({
        status: 409,
        body: { error: { code: 'RUN_ALREADY_EXISTS' } },
      });
      expect(await call(app, 'GET', `/runs/${runId}/result?wait=false`)).toMatchObject({ status: 202, body: { runId, state: 'waiting_for_approval' } });

      const unknown = await call(app, 'POST', `/runs/${runId}/approvals/nope`, { decision: 'approve' });
      expect(unknown).toMatchObject({ status: 409, body: { error: { code: 'UNKNOWN_APPROVAL' } } });
      const malformed = await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, { decision: 'maybe', approver: 5, extra: true });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
      const paths = (malformed.body as { error: { issues: { in: string; path: unknown[] }[] } }).error.issues.map((i) => [i.in, ...i.path].join('.'));
      expect(paths.sort()).toEqual(['body.approver', 'body.decision', 'body.extra']);
      const editWithoutInput = await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, { decision: 'edit' });
      expect(editWithoutInput).toMatchObject({ status: 400, body: { error: { issues: [{ in: 'body', path: ['input'] }] } } });
      expect(await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, '{"decision":')).toMatchObject({
        status: 400,
        body: { error: { code: 'INVALID_JSON' } },
      });

      const tooLarge = await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, { decision: 'edit', input: { blob: 'b'.repeat(100_000) } });
      expect(tooLarge).toMatchObject({ status: 413, body: { error: { code: 'DECISION_TOO_LARGE' } } });

      const approved = await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, { decision: 'approve', approver: 'ann', reason: 'fine' });
      expect(approved).toMatchObject({ status: 200, body: { approvalId, decision: 'approve', approver: 'ann', reason: 'fine', via: 'update' } });
      const again = await call(app, 'POST', `/runs/${runId}/approvals/${approvalId}`, { decision: 'reject' });
      expect(again.status).toBe(409);
      expect(['APPROVAL_ALREADY_DECIDED', 'RUN_NOT_ACTIVE']).toContain((again.body as { error: { code: string } }).error.code);

      const result = await call(app, 'GET', `/runs/${runId}/result`);
      expect(result).toMatchObject({ status: 200, body: { runId, output: 'All done: recorded x', approvals: [{ approvalId, approver: 'ann' }] } });

      // Listing goes through visibility, which is eventually consistent.
      const listed = await eventually(
        async () => (await call<{ runs: { runId: string; state?: string }[] }>(app, 'GET', `/runs?agentId=${agentId}&state=completed&limit=10`)).body.runs,
        (runs) => runs.some((r) => r.runId === runId && r.state === 'completed'),
        `run ${runId} listed as completed`,
      );
      expect(listed.map((r) => r.runId)).toContain(runId);
      const badQuery = await call(app, 'GET', '/runs?state=sleeping&limit=0');
      expect(badQuery.status).toBe(400);
      expect((badQuery.body as { error: { issues: { path: string[] }[] } }).error.issues.map((i) => i.path[0]).sort()).toEqual(['limit', 'state']);

    });
  });

  it('cancels a run; its result is then RUN_CANCELLED and a second cancel RUN_NOT_ACTIVE; unknown runs are 404', async () => {
    await withApp(async (app) => {
      const { runId } = (await call<{ runId: string }>(app, 'POST', '/runs', { agentId, input: 'go' })).body;
      await parked(app, runId);
      expect(await call(app, 'POST', `/runs/${runId}/cancel`)).toMatchObject({ status: 202, body: { runId, cancelRequested: true } });
      expect(await call(app, 'GET', `/runs/${runId}/result`)).toMatchObject({ status: 409, body: { error: { code: 'RUN_CANCELLED' } } });
      expect(await call(app, 'POST', `/runs/${runId}/cancel`)).toMatchObject({ status: 409, body: { error: { code: 'RUN_NOT_ACTIVE' } } });

      const missing = uniqueId('no-such-run');
      for (const [method, path, body] of [
        ['GET', `/runs/${missing}`],
        ['GET', `/runs/${missing}/result`],
        ['GET', `/runs/${missing}/events`],
        ['POST', `/runs/${missing}/cancel`],
        ['POST', `/runs/${missing}/approvals/x`, { decision: 'approve' }],
      ] as const) {
        expect(await call(app, method, path, body), `${method} ${path}`).toMatchObject({ status: 404, body: { error: { code: 'RUN_NOT_FOUND' } } });
      }
    });
  });

  it('sends a message to a thread with threadId', async () => {
    await withApp(async (app) => {
      const threadId = uniqueId('t');
      const created = await call(app, 'POST', '/runs', { agentId, input: 'hello', threadId });
      expect(created).toMatchObject({ status: 201, body: { threadId, queued: false, position: 0 } });
      const { runId } = created.body as { runId: string };
      // 404 until the thread starts the run.
      const state = await eventually(
        async () => (await call<RunStatus>(app, 'GET', `/runs/${runId}`)).body.state,
        (s) => s === 'completed',
        `run ${runId} of thread ${threadId} to complete`,
      );
      expect(state).toBe('completed');
      expect(await call(app, 'POST', '/runs', { input: 'x', threadId, state: {} })).toMatchObject({
        status: 400,
        body: { error: { issues: [{ in: 'body', path: ['state'] }] } },
      });
    });
  });

  it('streams events over real HTTP as SSE, with ids = offsets, and resumes with Last-Event-ID without gaps or duplicates', async () => {
    let following = 0; // event subscriptions the server holds open
    await withWorker(workspace(), async ({ client }) => {
      const getRun = client.getRun.bind(client);
      client.getRun = (id) => {
        const run = getRun(id);
        const events = run.events.bind(run);
        run.events = (options) => tracked(events(options));
        return run;
      };
      async function* tracked<T>(inner: AsyncGenerator<T>): AsyncGenerator<T> {
        following++;
        try {
          yield* inner;
        } finally {
          following--;
        }
      }
      const server = await listenHttp(createHttpApp(client, { heartbeatMs: 50 }), { port: 0 });
      try {
        const json = { 'Content-Type': 'application/json' };
        const post = await fetch(`${server.url}/runs`, { method: 'POST', headers: json, body: JSON.stringify({ agentId, input: 'go' }) });
        const { runId } = (await post.json()) as { runId: string };
        const eventsUrl = `${server.url}/runs/${runId}/events`;

        // Follow until the run parks, see heartbeats while it waits, then drop the connection.
        const disconnect = new AbortController();
        const res = await fetch(eventsUrl, { signal: disconnect.signal });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
        const firstPart: SseMessage[] = [];
        let heartbeats = 0;
        for await (const message of readSse(res)) {
          if (message.event) firstPart.push(message);
          if (message.comment === 'heartbeat' && firstPart.some((m) => m.event === 'approval.requested') && ++heartbeats === 2) break;
        }
        disconnect.abort();
        const requested = firstPart.find((m) => m.event === 'approval.requested')!;
        const approval = JSON.parse(requested.data!) as Extract<HarnessEvent, { type: 'approval.requested' }>;
        const decided = await fetch(`${server.url}/runs/${runId}/approvals/${approval.approval.approvalId}`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ decision: 'approve', approver: 'ann' }),
        });
        expect(decided.status).toBe(200);

        // Reconnect as EventSource does: the original URL (?from=0) plus Last-Event-ID, which wins.
        const lastId = firstPart.at(-1)!.id!;
        const rest = await events(await fetch(`${eventsUrl}?from=0`, { headers: { 'Last-Event-ID': lastId } }));
        expect(rest[0]!.id).toBe(String(Number(lastId) + 1));
        expect(rest.at(-1)!.event).toBe('run.completed');

        // The finished run replays everything: the two parts are exactly the whole, in order.
        const all = await events(await fetch(eventsUrl));
        expect([...firstPart, ...rest]).toEqual(all);
        expect(all.map((m) => m.id)).toEqual(all.map((_, i) => String(i)));
        expect(all.every((m) => (JSON.parse(m.data!) as HarnessEvent).type === m.event)).toBe(true);
        const fromQuery = await events(await fetch(`${eventsUrl}?from=${lastId}`));
        expect(fromQuery).toEqual(all.slice(Number(lastId)));

        expect((await fetch(eventsUrl, { headers: { 'Last-Event-ID': 'abc' } })).status).toBe(400);
        // Past the end of a finished run: 204, which stops an EventSource from reconnecting.
        const pastEnd = await fetch(eventsUrl, { headers: { 'Last-Event-ID': all.at(-1)!.id! } });
        expect(pastEnd.status).toBe(204);
        expect(await pastEnd.text()).toBe('');
        // Unnamed: the same messages without `event:`, for EventSource.onmessage.
        const unnamed: SseMessage[] = [];
        for await (const message of readSse(await fetch(`${eventsUrl}?named=false`))) if (message.data) unnamed.push(message);
        expect(unnamed.slice(0, -1)).toEqual(all.map(({ id, data }) => ({ id, data })));
        expect(unnamed.at(-1)).toMatchObject({ event: 'end' });
        // The dropped stream's subscription ended once its poll in flight returned.
        await eventually(() => following, (n) => n === 0, 'the dropped stream to end its subscription', { timeoutMs: 5_000 });
      } finally {
        await server.close(1_000);
      }
    });
  });
});

/** The run events of a stream, read until the server ends it; the last message must be `end`. */
async function events(res: Response): Promise<SseMessage[]> {
  expect(res.status).toBe(200);
  const messages: SseMessage[] = [];
  for await (const message of readSse(res)) if (message.event) messages.push(message);
  const end = messages.pop();
  expect(end).toEqual({ event: 'end', data: JSON.stringify({ lastOffset: messages.length ? Number(messages.at(-1)!.id) : null }) });
  return messages;
}
