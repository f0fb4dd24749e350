/**
 * An HTTP API only its users can call, against real runs: every refused request (no or wrong
 * credentials, a non-JSON body, a foreign Origin or Host, a body claiming another approver)
 * changes nothing in the parked run; an authenticated decision is recorded under the principal,
 * so the workspace's `approvers` rule decides who may approve. Then the same through a real
 * `harness serve` process, which refuses to listen beyond loopback without tokens.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HarnessClient, RunHandle, RunStatus } from '../../src/client/index.js';
import { bearerTokens, createHttpApp, parseApiTokens } from '../../src/http/index.js';
import { cliEnv, harness, HarnessProcess } from '../support/cli.js';
import { fileLines, tempDir, temporalAddress, uniqueId, withWorker, refundWorkspace } from '../support/harness.js';

const ALICE = `alice-${'1'.repeat(40)}`;
const CAROL = `carol-${'2'.repeat(40)}`;
const MALLORY = `mallory-${'3'.repeat(40)}`;
const TOKENS = `alice=${ALICE} carol:finance=${CAROL} mallory:support=${MALLORY}`;

/** `record_effect` needs approval by alice or anyone with role finance. */
function workspace(effects: string): string {
  return refundWorkspace(
    effects,
    `  - id: payer
    model: m
    tools: [record_effect]
    requireApproval:
      - { tool: record_effect, approvers: [alice, "role:finance"] }
`,
  );
}

const json = { 'Content-Type': 'application/json' };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The run is as it was: same state, same pending approvals, no decision, no ignored signal. */
async function expectUnchanged(run: RunHandle, before: RunStatus, effects: string): Promise<void> {
  const after = await run.status();
  expect(after.state).toBe(before.state);
  expect(after.pendingApprovals).toEqual(before.pendingApprovals);
  expect(after.approvals).toEqual([]);
  expect(after.ignoredDecisions).toEqual([]);
  expect(fileLines(effects)).toEqual([]);
}

async function parkedRun(client: HarnessClient, runId: string): Promise<{ run: RunHandle; before: RunStatus }> {
  const run = client.getRun(runId);
  const before = await run.waitFor((s) => s.state === 'waiting_for_approval');
  return { run, before };
}

describe('an HTTP API only its users can call', () => {
  it('refuses without changing the run; records the authenticated principal as the approver', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client }) => {
      const app = createHttpApp(client, { authenticate: bearerTokens(parseApiTokens(TOKENS)) });
      const runId = uniqueId('run');
      const created = await app.request('/runs', { method: 'POST', headers: { ...json, ...bearer(ALICE) }, body: JSON.stringify({ agentId: 'payer', input: 'refund', runId }) });
      expect(created.status).toBe(201);
      const { run, before } = await parkedRun(client, runId);
      const approvalId = before.pendingApprovals[0]!.approvalId;
      const decide = `/runs/${runId}/approvals/${approvalId}`;
      const approve = JSON.stringify({ decision: 'approve' });

      const refusals: [string, RequestInit, number, string][] = [
        ['no credentials', { headers: json, body: approve }, 401, 'UNAUTHENTICATED'],
        ['a wrong token', { headers: { ...json, ...bearer(`${ALICE}x`) }, body: approve }, 401, 'UNAUTHENTICATED'],
        ['a text/plain body', { headers: { 'Content-Type': 'text/plain', ...bearer(ALICE) }, body: approve }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
        ['a foreign Origin', { headers: { ...json, ...bearer(ALICE), Origin: 'https://evil.example' }, body: approve }, 403, 'ORIGIN_NOT_ALLOWED'],
        ['a foreign Host', { headers: { ...json, ...bearer(ALICE), Host: 'evil.example' }, body: approve }, 403, 'HOST_NOT_ALLOWED'],
        [
          'carol claiming to be alice',
          { headers: { ...json, ...bearer(CAROL) }, body: JSON.stringify({ decision: 'approve', approver: 'alice' }) },
          403,
          'APPROVER_MISMATCH',
        ],
        [
          'mallory claiming role finance',
          { headers: { ...json, ...bearer(MALLORY) }, body: JSON.stringify({ decision: 'approve', approverRoles: ['finance'] }) },
          403,
          'APPROVER_MISMATCH',
        ],
        // Authenticated, but the workspace's rule does not list mallory or role support.
        ['mallory, who is not an approver', { headers: { ...json, ...bearer(MALLORY) }, body: approve }, 409, 'APPROVER_NOT_ALLOWED'],
      ];
      for (const [what, init, status, code] of refusals) {
        const res = await app.request(decide, { method: 'POST', ...init });
        expect({ what, status: res.status, body: await res.json() }).toMatchObject({ what, status, body: { error: { code } } });
        await expectUnchanged(run, before, effects);
      }
      for (const [what, init] of [
        ['cancel without a JSON type', { headers: bearer(ALICE) }],
        ['cancel without credentials', { headers: json }],
      ] as const) {
        const res = await app.request(`/runs/${runId}/cancel`, { method: 'POST', ...init });
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        await expectUnchanged(run, before, effects);
      }
      const notStarted = uniqueId('run');
      const textPlainStart = await app.request('/runs', { method: 'POST', headers: { 'Content-Type': 'text/plain', ...bearer(ALICE) }, body: JSON.stringify({ agentId: 'payer', input: 'x', runId: notStarted }) });
      expect(textPlainStart.status).toBe(415);
      await expect(client.getRun(notStarted).status()).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });

      // carol holds role finance: allowed, and recorded as carol whatever the body leaves out.
      const res = await app.request(decide, { method: 'POST', headers: { ...json, ...bearer(CAROL) }, body: JSON.stringify({ decision: 'approve', reason: 'checked' }) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ approvalId, approver: 'carol', approverRoles: ['finance'], reason: 'checked', via: 'update' });
      expect((await run.result()).output).toBe('final: recorded refund');
      expect((await run.status()).approvals).toEqual([expect.objectContaining({ approver: 'carol', approverRoles: ['finance'] })]);
      expect(fileLines(effects)).toHaveLength(1);
    });
  });

  it('harness serve: refuses a public address without tokens; with them, 401 without, the principal decides, no token in its output', async () => {
    const effects = join(tempDir(), 'effects.log');
    const file = workspace(effects);
    await withWorker(file, async ({ client, taskQueue }) => {
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace: file });
      delete env.HARNESS_API_TOKENS;
      delete env.HARNESS_API_TOKENS_FILE;
      const open = await harness(['serve', '--host', '0.0.0.0', '--port', '0'], env);
      expect(open.code).not.toBe(0);
      expect(open.stderr).toMatch(/Refusing to serve on 0\.0\.0\.0 without authentication.*HARNESS_API_TOKENS/s);

      const serve = new HarnessProcess(['serve', '--port', '0'], { ...env, HARNESS_API_TOKENS: TOKENS });
      try {
        const banner = await serve.waitForLine(/harness API\s+http:\/\/127\.0\.0\.1:\d+/);
        const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
        expect(serve.stdout).toMatch(/Authentication: bearer tokens for alice, carol, mallory/);
        expect((await fetch(`${url}/runs`)).status).toBe(401);
        const runId = uniqueId('run');
        const created = await fetch(`${url}/runs`, { method: 'POST', headers: { ...json, ...bearer(ALICE) }, body: JSON.stringify({ agentId: 'payer', input: 'refund', runId }) });
        expect(created.status).toBe(201);
        const { run, before } = await parkedRun(client, runId);
        const decide = `${url}/runs/${runId}/approvals/${before.pendingApprovals[0]!.approvalId}`;
        const formPost = await fetch(decide, { method: 'POST', headers: { ...bearer(ALICE), 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
        expect(formPost.status).toBe(415);
        await expectUnchanged(run, before, effects);
        const decided = await fetch(decide, { method: 'POST', headers: { ...json, ...bearer(ALICE) }, body: JSON.stringify({ decision: 'approve' }) });
        expect(await decided.json()).toMatchObject({ approver: 'alice', via: 'update' });
        expect((await run.result()).output).toBe('final: recorded refund');
        // The request log names the principal, never a token.
        expect(serve.stderr).toMatch(/POST \/runs\/[^ ]+\/approvals\/[^ ]+ → 200 \(\d+ ms\) alice/);
      } finally {
        serve.kill();
        await serve.exited;
      }
      for (const token of [ALICE, CAROL, MALLORY]) expect(`${serve.stdout}${serve.stderr}`).not.toContain(token);
    });
  });
});
