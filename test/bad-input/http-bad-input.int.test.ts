/**
 * Bad input through the HTTP API, table-driven like bad-input.int.test.ts: each row parks a run,
 * sends one request the API must refuse, and asserts the status, the stable code and a message
 * saying what to do, that the run is unchanged (same state and pending approval, no decision, no
 * tool ran), and that nothing is lost: a proper request afterwards approves it and the run completes.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { bearerTokens, createHttpApp, parseApiTokens } from '../../src/http/index.js';
import { fileLines, tempDir, uniqueId, withWorker, refundWorkspace } from '../support/harness.js';

const ANN = 'ann-'.padEnd(48, 'a');
const BOB = 'bob-'.padEnd(48, 'b');

function workspace(effects: string): string {
  return refundWorkspace(
    effects,
    `  - { id: payer, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
}

const json = { 'Content-Type': 'application/json' };
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const approve = JSON.stringify({ decision: 'approve' });

interface Row {
  name: string;
  /** The request, given the run's approval URL path and its cancel path. */
  request: (paths: { decide: string; cancel: string }) => [string, RequestInit];
  status: number;
  code: string;
  message: RegExp;
}

const decideWith = (init: RequestInit): Row['request'] => ({ decide }) => [decide, { method: 'POST', ...init }];

const rows: Row[] = [
  {
    name: 'no credentials',
    request: decideWith({ headers: json, body: approve }),
    status: 401,
    code: 'UNAUTHENTICATED',
    message: /needs credentials: send Authorization: Bearer <token>/,
  },
  {
    name: 'a wrong token',
    request: decideWith({ headers: { ...json, ...auth(`${ANN}-not`) }, body: approve }),
    status: 401,
    code: 'UNAUTHENTICATED',
    message: /credentials sent are not valid/,
  },
  {
    name: 'a text/plain body (cross-site fetch, no preflight)',
    request: decideWith({ headers: { ...auth(ANN), 'Content-Type': 'text/plain;charset=UTF-8' }, body: approve }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: /need Content-Type: application\/json \(got text\/plain/,
  },
  {
    name: 'an HTML form post',
    request: decideWith({ headers: { ...auth(ANN), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' }),
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: /got application\/x-www-form-urlencoded/,
  },
  {
    name: 'a cancel without a JSON type (cross-site, empty body)',
    request: ({ cancel }) => [cancel, { method: 'POST', headers: auth(ANN) }],
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: /none was sent/,
  },
  {
    name: 'a page of a foreign origin',
    request: decideWith({ headers: { ...json, ...auth(ANN), Origin: 'https://evil.example' }, body: approve }),
    status: 403,
    code: 'ORIGIN_NOT_ALLOWED',
    message: /pages at https:\/\/evil\.example are not allowed/,
  },
  {
    name: 'a foreign Host (DNS rebinding)',
    request: decideWith({ headers: { ...json, ...auth(ANN), Host: 'rebound.example:8787' }, body: approve }),
    status: 403,
    code: 'HOST_NOT_ALLOWED',
    message: /does not answer for host "rebound\.example"/,
  },
  {
    name: 'a body claiming another approver',
    request: decideWith({ headers: { ...json, ...auth(BOB) }, body: JSON.stringify({ decision: 'approve', approver: 'ann' }) }),
    status: 403,
    code: 'APPROVER_MISMATCH',
    message: /authenticated as "bob" and decide as yourself/,
  },
  {
    name: 'a body over the size limit',
    request: decideWith({ headers: { ...json, ...auth(ANN) }, body: JSON.stringify({ decision: 'approve', reason: 'x'.repeat(20_000) }) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: /over this server's limit of 10000 bytes/,
  },
];

async function parkedRun(client: HarnessClient) {
  const run = await client.startRun({ agentId: 'payer', input: 'refund', runId: uniqueId('run') });
  const before = await run.waitFor((s) => s.state === 'waiting_for_approval');
  return { run, before };
}

describe('bad input through the HTTP API (one row per case)', () => {
  it.each(rows)('$name: $status $code, run unchanged, nothing lost', async ({ request, status, code, message }) => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client }) => {
      const app = createHttpApp(client, { authenticate: bearerTokens(parseApiTokens(`ann=${ANN} bob=${BOB}`)), maxBodyBytes: 10_000 });
      const { run, before } = await parkedRun(client);
      const decide = `/runs/${run.runId}/approvals/${before.pendingApprovals[0]!.approvalId}`;
      const [path, init] = request({ decide, cancel: `/runs/${run.runId}/cancel` });

      const res = await app.request(path, init);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message).toMatch(message);

      const after = await run.status();
      expect(after.state).toBe(before.state);
      expect(after.pendingApprovals).toEqual(before.pendingApprovals);
      expect(after.approvals).toEqual([]);
      expect(after.ignoredDecisions).toEqual([]);
      expect(fileLines(effects)).toEqual([]);

      const ok = await app.request(decide, { method: 'POST', headers: { ...json, ...auth(ANN) }, body: approve });
      expect(ok.status).toBe(200);
      expect((await run.result()).output).toBe('final: recorded refund');
      expect(fileLines(effects)).toHaveLength(1);
    });
  });
});
