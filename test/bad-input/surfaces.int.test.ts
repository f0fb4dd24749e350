/**
 * Bad input on every caller-controlled surface, table-driven, against ONE parked run on one worker:
 * HTTP bodies, path parameters, query strings and headers; raw Temporal signals and updates of any
 * size; client start options, threads and schedules. Each row asserts the refusal (status or error
 * class, stable code, a message saying what was wrong and how to fix it) and that the parked run is
 * unchanged. At the end the run is approved and completes: nothing was lost. (Payloads over the
 * 4 MB gRPC limit are classified in bad-input.test.ts: the SDK retries RESOURCE_EXHAUSTED for ~40 s.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyTemporalError,
  HarnessClientError,
  ThreadError,
  type HarnessClient,
  type RunHandle,
  type RunStatus,
} from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { approvalDecisionSignal, decideApprovalUpdate, type ApprovalDecisionInput } from '../../src/workflows/run/contract.js';
import { fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

interface Shared {
  client: HarnessClient;
  app: ReturnType<typeof createHttpApp>;
  run: RunHandle;
  before: RunStatus;
  approvalId: string;
  effects: string;
}

let shared: Shared;
let release: () => void = () => undefined;
let worker: Promise<void>;

beforeAll(async () => {
  const dir = tempDir();
  const effects = join(dir, 'effects.log');
  const ws = writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - { id: payer, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
  const ready = new Promise<Shared>((resolve, reject) => {
    worker = withWorker(ws, async ({ client }) => {
      try {
        const run = await client.startRun({ agentId: 'payer', input: 'refund', runId: uniqueId('parked') });
        const before = await run.waitFor((s) => s.state === 'waiting_for_approval');
        resolve({ client, app: createHttpApp(client), run, before, approvalId: before.pendingApprovals[0]!.approvalId, effects });
      } catch (err) {
        reject(err as Error);
      }
      await new Promise<void>((r) => (release = r));
    });
    worker.catch(reject);
  });
  shared = await ready;
}, 120_000);

afterAll(async () => {
  release();
  await worker;
});

/** The parked run is as it was: same state and pending approval, no decision, nothing ignored, no tool ran. */
async function expectUnchanged(): Promise<void> {
  const after = await shared.run.status();
  expect(after.state).toBe('waiting_for_approval');
  expect(after.pendingApprovals).toEqual(shared.before.pendingApprovals);
  expect(after.approvals).toEqual([]);
  expect(fileLines(shared.effects)).toEqual([]);
}

const json = { 'Content-Type': 'application/json' };

interface HttpRow {
  name: string;
  request: (s: Shared) => [string, RequestInit?];
  status: number;
  code: string;
  message: RegExp;
}

const post = (body: string | object): RequestInit => ({ method: 'POST', headers: json, body: typeof body === 'string' ? body : JSON.stringify(body) });
const decide = (s: Shared, approvalId = s.approvalId) => `/runs/${s.run.runId}/approvals/${encodeURIComponent(approvalId)}`;

const httpRows: HttpRow[] = [
  { name: 'POST /runs with malformed JSON', request: () => ['/runs', post('{"input": ')], status: 400, code: 'INVALID_JSON', message: /JSON/ },
  { name: 'POST /runs with a JSON array body', request: () => ['/runs', post([1, 2])], status: 400, code: 'INVALID_REQUEST', message: /object/ },
  { name: 'POST /runs without input', request: () => ['/runs', post({ agentId: 'payer' })], status: 400, code: 'INVALID_REQUEST', message: /input/ },
  { name: 'POST /runs with a blank input', request: () => ['/runs', post({ input: '   ' })], status: 400, code: 'INVALID_REQUEST', message: /input must be a non-empty string/ },
  { name: 'POST /runs with an unknown field', request: () => ['/runs', post({ input: 'x', priority: 'high' })], status: 400, code: 'INVALID_REQUEST', message: /priority/ },
  { name: 'POST /runs with a runId holding a slash', request: () => ['/runs', post({ input: 'x', runId: 'a/b' })], status: 400, code: 'INVALID_REQUEST', message: /runId must be 1-128 characters/ },
  { name: 'POST /runs with a malformed threadId', request: () => ['/runs', post({ input: 'x', threadId: 'my thread' })], status: 400, code: 'INVALID_REQUEST', message: /threadId must be 1-128 characters/ },
  { name: 'POST /runs with state for a thread message', request: () => ['/runs', post({ input: 'x', threadId: 't1', state: {} })], status: 400, code: 'INVALID_REQUEST', message: /state is not supported for thread messages; omit threadId or state/ },
  { name: 'POST /runs with context as an array', request: () => ['/runs', post({ input: 'x', context: ['tenant'] })], status: 400, code: 'INVALID_REQUEST', message: /context/ },
  { name: 'POST /runs with an agentId over 200 characters', request: () => ['/runs', post({ input: 'x', agentId: 'a'.repeat(201) })], status: 400, code: 'INVALID_REQUEST', message: /agentId/ },
  { name: 'POST /runs reusing the id of a running run', request: (s) => ['/runs', post({ input: 'x', runId: s.run.runId })], status: 409, code: 'RUN_ALREADY_EXISTS', message: /already exists; pick another id or omit it/ },
  { name: 'a decision that is not one of approve/edit/reject', request: (s) => [decide(s), post({ decision: 'maybe' })], status: 400, code: 'INVALID_REQUEST', message: /decision/ },
  { name: 'an edit without input', request: (s) => [decide(s), post({ decision: 'edit' })], status: 400, code: 'INVALID_REQUEST', message: /input/ },
  { name: 'an approve carrying input', request: (s) => [decide(s), post({ decision: 'approve', input: { label: 'x' } })], status: 400, code: 'INVALID_REQUEST', message: /input/ },
  { name: 'a decision with an unknown field', request: (s) => [decide(s), post({ decision: 'approve', force: true })], status: 400, code: 'INVALID_REQUEST', message: /force/ },
  { name: 'a decision reason over the limit', request: (s) => [decide(s), post({ decision: 'reject', reason: 'r'.repeat(5000) })], status: 400, code: 'INVALID_REQUEST', message: /reason/ },
  { name: 'an empty approver role', request: (s) => [decide(s), post({ decision: 'approve', approverRoles: [''] })], status: 400, code: 'INVALID_REQUEST', message: /a role must be a non-empty string/ },
  { name: 'an approval id over 512 characters in the path', request: (s) => [decide(s, 'x'.repeat(600)), post({ decision: 'approve' })], status: 400, code: 'INVALID_REQUEST', message: /approvalId|512/ },
  { name: 'an unknown approval id', request: (s) => [decide(s, 'call-never'), post({ decision: 'approve' })], status: 409, code: 'UNKNOWN_APPROVAL', message: /call-never/ },
  { name: 'an edit failing the tool schema', request: (s) => [decide(s), post({ decision: 'edit', input: { label: 5 } })], status: 409, code: 'INVALID_EDIT_INPUT', message: /record_effect/ },
  { name: 'a decision on a run that does not exist', request: () => ['/runs/no-such-run-xyz/approvals/a', post({ decision: 'approve' })], status: 404, code: 'RUN_NOT_FOUND', message: /no-such-run-xyz/ },
  { name: 'GET /runs/:id of a run that does not exist', request: () => ['/runs/no-such-run-xyz'], status: 404, code: 'RUN_NOT_FOUND', message: /no-such-run-xyz/ },
  { name: 'GET /runs?limit=0', request: () => ['/runs?limit=0'], status: 400, code: 'INVALID_REQUEST', message: /limit/ },
  { name: 'GET /runs?state=bogus', request: () => ['/runs?state=bogus'], status: 400, code: 'INVALID_REQUEST', message: /state/ },
  { name: 'GET /runs with an unknown query parameter', request: () => ['/runs?sort=asc'], status: 400, code: 'INVALID_REQUEST', message: /sort/ },
  { name: 'GET /runs/:id/result?wait=maybe', request: (s) => [`/runs/${s.run.runId}/result?wait=maybe`], status: 400, code: 'INVALID_REQUEST', message: /wait/ },
  { name: 'GET /runs/:id/events?from=-1', request: (s) => [`/runs/${s.run.runId}/events?from=-1`], status: 400, code: 'INVALID_REQUEST', message: /from/ },
  {
    name: 'GET /runs/:id/events with a Last-Event-ID that is not an offset',
    request: (s) => [`/runs/${s.run.runId}/events`, { headers: { 'Last-Event-ID': 'abc' } }],
    status: 400,
    code: 'INVALID_REQUEST',
    message: /Last-Event-ID must be the offset \(a non-negative integer\) of the last event seen/,
  },
  { name: 'POST /runs/:id/cancel with a body', request: (s) => [`/runs/${s.run.runId}/cancel`, post({ now: true })], status: 400, code: 'INVALID_REQUEST', message: /now/ },
];

describe('bad input on every surface, against one parked run', () => {
  it.each(httpRows)('HTTP: $name → $status $code, run unchanged', async ({ request, status, code, message }) => {
    const [path, init] = request(shared);
    const res = await shared.app.request(path, init);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; issues?: unknown[] } };
    expect(body.error.code).toBe(code);
    expect(`${body.error.message} ${JSON.stringify(body.error.issues ?? [])}`).toMatch(message);
    await expectUnchanged();
  });

  interface ClientRow {
    name: string;
    act: (s: Shared) => Promise<unknown>;
    error: abstract new (...args: never[]) => Error;
    code: string;
    message: RegExp;
  }

  /** A raw Temporal call's failure, classified the way the harness client classifies its own. */
  const raw = async (s: Shared, call: (h: ReturnType<HarnessClient['temporal']['workflow']['getHandle']>) => Promise<unknown>, kind: 'update' | 'other' = 'other') => {
    try {
      return await call(s.client.temporal.workflow.getHandle(s.run.runId));
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'run', id: s.run.runId, call: kind });
    }
  };
  const big = (s: Shared, bytes: number) => ({ approvalId: s.approvalId, decision: 'approve', reason: 'r'.repeat(bytes) }) as ApprovalDecisionInput;

  const clientRows: ClientRow[] = [
    {
      name: 'a raw update over the server blob cap (300 KB)',
      act: (s) => raw(s, (h) => h.executeUpdate(decideApprovalUpdate, { args: [big(s, 300 * 1024)] }), 'update'),
      error: HarnessClientError,
      code: 'UPDATE_NOT_APPLIED',
      message: /over the server's blob size limit\. The update was not applied; the run is unchanged\. .*by reference/,
    },
    {
      name: 'a raw signal over the server blob cap',
      act: (s) => raw(s, (h) => h.signal(approvalDecisionSignal, big(s, 300 * 1024))),
      error: HarnessClientError,
      code: 'PAYLOAD_TOO_LARGE',
      message: /over its blob size limit.*256 KiB on the embedded dev server/,
    },
    {
      name: 'a raw update with a null payload',
      act: (s) => s.run.decide(null as never).catch((e: unknown) => Promise.reject(e)),
      error: HarnessClientError,
      code: 'INVALID_DECISION_PAYLOAD',
      message: /./,
    },
    {
      name: 'an update approving with input (only edit takes input)',
      act: (s) => s.run.decide({ approvalId: s.approvalId, decision: 'approve', input: { label: 'x' } }),
      error: HarnessClientError,
      code: 'INVALID_DECISION_PAYLOAD',
      message: /input/,
    },
    {
      name: 'an update with 100 approver roles',
      act: (s) => s.run.decide({ approvalId: s.approvalId, decision: 'approve', approverRoles: Array.from({ length: 100 }, (_, i) => `r${i}`) }),
      error: HarnessClientError,
      code: 'INVALID_DECISION_PAYLOAD',
      message: /approverRoles/,
    },
    {
      name: 'a start whose input is over the server blob cap (client without a payload store)',
      act: (s) => s.client.startRun({ agentId: 'payer', input: 'x'.repeat(300 * 1024) }),
      error: HarnessClientError,
      code: 'PAYLOAD_TOO_LARGE',
      message: /blob size limit.*by reference/,
    },
    {
      name: 'a thread message with an empty input',
      act: (s) => s.client.thread(uniqueId('th')).send('', { agentId: 'payer' }),
      error: ThreadError,
      code: 'INVALID_SUBMISSION',
      message: /./,
    },
    {
      name: 'a thread message with a malformed run id',
      act: (s) => s.client.thread(uniqueId('th')).send('hello', { agentId: 'payer', runId: 'a b/c' }),
      error: ThreadError,
      code: 'INVALID_SUBMISSION',
      message: /run/i,
    },
    {
      name: 'a schedule with a malformed cron expression',
      act: (s) => s.client.schedules.create({ scheduleId: uniqueId('sch'), agentId: 'payer', input: 'x', cron: '61 * *' }),
      error: HarnessClientError,
      code: 'INVALID_SCHEDULE',
      message: /Write 5 fields/,
    },
    {
      name: 'a schedule firing more often than once a second',
      act: (s) => s.client.schedules.create({ scheduleId: uniqueId('sch'), agentId: 'payer', input: 'x', every: 10 }),
      error: HarnessClientError,
      code: 'INVALID_SCHEDULE',
      message: /interval/i,
    },
    {
      name: 'a schedule id with spaces',
      act: (s) => s.client.schedules.create({ scheduleId: 'nightly report', agentId: 'payer', input: 'x', every: '1h' }),
      error: HarnessClientError,
      code: 'INVALID_SCHEDULE',
      message: /use 1-128 of A-Z a-z 0-9 _ \. : -/,
    },
  ];

  it.each(clientRows)('client: $name → $code, run unchanged', async ({ act, error, code, message }) => {
    const err = await act(shared).then(
      () => {
        throw new Error('expected a refusal');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(error);
    expect((err as HarnessClientError).code).toBe(code);
    expect((err as Error).message).toMatch(message);
    await expectUnchanged();
  });

  const signalRows: Array<{ name: string; payload: (s: Shared) => unknown; code: string }> = [
    { name: 'null', payload: () => null, code: 'INVALID_DECISION_PAYLOAD' },
    { name: 'an array', payload: (s) => [s.approvalId, 'approve'], code: 'INVALID_DECISION_PAYLOAD' },
    { name: 'an edit failing the tool schema', payload: (s) => ({ approvalId: s.approvalId, decision: 'edit', input: { label: 5 } }), code: 'INVALID_EDIT_INPUT' },
    { name: 'an unknown approval id', payload: () => ({ approvalId: 'call-never', decision: 'approve' }), code: 'UNKNOWN_APPROVAL' },
  ];

  it.each(signalRows)('raw signal: $name → recorded as ignored ($code) with a reason, run unchanged', async ({ payload, code }) => {
    const { ignoredDecisionCount } = await shared.run.status();
    await shared.client.temporal.workflow.getHandle(shared.run.runId).signal(approvalDecisionSignal, payload(shared) as ApprovalDecisionInput);
    const after = await shared.run.waitFor((s) => s.ignoredDecisionCount === ignoredDecisionCount + 1);
    const last = after.ignoredDecisions.at(-1)!;
    expect(last.code).toBe(code);
    expect(last.reason.length).toBeGreaterThan(code.length + 10);
    await expectUnchanged();
  });

  it('after all of it, the parked run is approved and completes: nothing was lost', async () => {
    await expectUnchanged();
    await shared.run.approve({ approver: 'ann' });
    expect((await shared.run.result()).output).toBe('final: recorded refund');
    expect(fileLines(shared.effects)).toHaveLength(1);
  });
});
