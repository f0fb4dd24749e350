/**
 * The HTTP API's guards without a server: tokens from the environment, 401 / 403 / 413 / 415
 * answered before anything reaches Temporal (the client here never connects), CORS only for
 * configured origins, and decisions bound to the authenticated principal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { decisionAs } from '../../src/http/approver.js';
import {
  ApiTokensError,
  apiTokensFromEnv,
  bearerTokens,
  createHttpApp,
  HttpError,
  parseApiTokens,
  type HttpAppOptions,
  type RequestLog,
} from '../../src/http/index.js';
import type { CliError } from '../../src/cli/errors.js';
import { isLoopback, serveSecurity } from '../../src/cli/commands/serve-security.js';
import { tempDir } from '../support/paths.js';

const ANN = 'a'.repeat(40);
const CAROL = 'c0ffee'.repeat(8);
const TOKENS = `ann=${ANN}\ncarol:finance,manager=${CAROL}`;

// Requests that got past the guards would reach this client and fail to connect: each test below
// either expects a refusal or a 400 from the body schema, which is checked before Temporal.
const client = new HarnessClient(new Client(), { taskQueue: 'unused' });
const appWith = (options: HttpAppOptions = {}) => createHttpApp(client, { authenticate: bearerTokens(parseApiTokens(TOKENS)), ...options });

interface Reply {
  status: number;
  code?: string;
  message: string;
  headers: Headers;
}

async function send(app: ReturnType<typeof createHttpApp>, path: string, init: RequestInit = {}): Promise<Reply> {
  const res = await app.request(path, init);
  const text = await res.text();
  const body = text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : {};
  return { status: res.status, code: body.error?.code, message: body.error?.message ?? '', headers: res.headers };
}

const json = { 'Content-Type': 'application/json' };
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('API tokens from the environment', () => {
  it('maps each token to a principal with roles', async () => {
    const authenticate = bearerTokens(parseApiTokens(`  ann=${ANN}\n# a comment line\ncarol:finance,manager=${CAROL}  `));
    const request = (token: string) => new Request('http://localhost/', { headers: bearer(token) });
    expect(await authenticate(request(ANN))).toEqual({ name: 'ann', roles: [] });
    expect(await authenticate(request(CAROL))).toEqual({ name: 'carol', roles: ['finance', 'manager'] });
    expect(await authenticate(request(`${ANN}x`))).toBeUndefined();
    expect(await authenticate(new Request('http://localhost/', { headers: { Authorization: `Basic ${ANN}` } }))).toBeUndefined();
    expect(await authenticate(new Request('http://localhost/'))).toBeUndefined();
  });

  it.each([
    ['an entry without a token', 'ann', /entry 1: expected name=token/],
    ['a short token', 'ann=short', /entry 1 \(ann\): the token is shorter than 32 characters; make one with `openssl rand -hex 32`/],
    ['a space inside an entry', `ann:fin ance=${ANN}`, /entry 1: expected name=token/],
    ['a bad role', `ann:fin/ance=${ANN}`, /entry 1 \(ann\): role 1 must be/],
    ['an empty role', `ann:finance,=${ANN}`, /entry 1 \(ann\): role 2 must be/],
    ['the same token twice', `ann=${ANN} bob=${ANN}`, /entry 2 \(bob\): the same token is given twice/],
    ['nothing', ' \n ', /holds no tokens/],
  ])('refuses %s, naming the entry and never the token', (_name, text, message) => {
    const err = (() => {
      try {
        parseApiTokens(text);
      } catch (e) {
        return e;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(ApiTokensError);
    expect((err as ApiTokensError).code).toBe('INVALID_API_TOKENS');
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(ANN);
  });

  it('reads HARNESS_API_TOKENS or the file HARNESS_API_TOKENS_FILE names, not both', () => {
    expect(apiTokensFromEnv({})).toBeUndefined();
    expect(apiTokensFromEnv({ HARNESS_API_TOKENS: TOKENS })!.map((t) => t.name)).toEqual(['ann', 'carol']);
    const file = join(tempDir(), 'tokens');
    writeFileSync(file, `# harness API tokens\n${TOKENS}\n`);
    expect(apiTokensFromEnv({ HARNESS_API_TOKENS_FILE: file })!.map((t) => [t.name, t.roles])).toEqual([
      ['ann', []],
      ['carol', ['finance', 'manager']],
    ]);
    expect(() => apiTokensFromEnv({ HARNESS_API_TOKENS: TOKENS, HARNESS_API_TOKENS_FILE: file })).toThrow(/not both/);
    expect(() => apiTokensFromEnv({ HARNESS_API_TOKENS_FILE: join(file, 'missing') })).toThrow(/cannot read .*missing \(ENOTDIR\)/);
  });
});

describe('HTTP guards', () => {
  it('401 without credentials or with a wrong token; health and the OpenAPI document stay public', async () => {
    const app = appWith();
    const none = await send(app, '/runs');
    expect(none).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: expect.stringMatching(/send Authorization: Bearer <token>/) });
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="harness"');
    const wrong = await send(app, '/runs', { method: 'POST', headers: { ...json, ...bearer(`${ANN}-wrong`) }, body: '{"input":"hi"}' });
    expect(wrong).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', message: 'The credentials sent are not valid for this server.' });
    expect(wrong.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // A run's transcript and its blobs (contents kept by reference) are behind the same guard.
    for (const path of ['/runs/r/transcript', `/runs/r/blobs/sha256-${'0'.repeat(64)}`]) {
      expect(await send(app, path)).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(await send(app, '/runs/r/blobs/not-a-blob', { headers: bearer(ANN) })).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect((await send(app, '/healthz')).status).toBe(200);
    expect((await send(app, '/openapi.json')).status).toBe(200);
    // Past the guards, the body schema answers (before Temporal).
    expect(await send(app, '/runs', { method: 'POST', headers: { ...json, ...bearer(ANN) }, body: '{"input":" "}' })).toMatchObject({
      status: 400,
      code: 'INVALID_REQUEST',
    });
  });

  it.each([
    ['text/plain (a cross-site form or fetch without preflight)', { 'Content-Type': 'text/plain;charset=UTF-8' }, /got text\/plain/],
    ['an HTML form', { 'Content-Type': 'application/x-www-form-urlencoded' }, /got application\/x-www-form-urlencoded/],
    ['multipart', { 'Content-Type': 'multipart/form-data; boundary=x' }, /got multipart\/form-data/],
    ['no type at all', {}, /none was sent/],
  ])('415 for a POST with %s, even authenticated and with an empty body', async (_name, headers, message) => {
    const app = appWith();
    for (const [path, body] of [
      ['/runs', '{"input":"hi"}'],
      ['/runs/r/cancel', undefined],
      ['/runs/r/approvals/a', '{"decision":"approve"}'],
    ] as const) {
      // Bytes, so fetch adds no Content-Type of its own (it would say text/plain for a string).
      const reply = await send(app, path, { method: 'POST', headers: { ...headers, ...bearer(ANN) }, ...(body && { body: new TextEncoder().encode(body) }) });
      expect(reply).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(reply.message).toMatch(message);
      expect(reply.message).toMatch(/--json/);
    }
    // Parameters are fine.
    const withCharset = await send(app, '/runs', { method: 'POST', headers: { 'Content-Type': 'application/json; charset=utf-8', ...bearer(ANN) }, body: '{}' });
    expect(withCharset).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
  });

  it('403 for a page of a foreign origin, CORS only for configured ones, same origin allowed', async () => {
    const app = appWith({ corsOrigins: ['http://localhost:5173'] });
    const post = (headers: Record<string, string>) => send(app, '/runs', { method: 'POST', headers: { ...json, ...bearer(ANN), ...headers }, body: '{}' });
    const foreign = await post({ Origin: 'https://evil.example' });
    expect(foreign).toMatchObject({ status: 403, code: 'ORIGIN_NOT_ALLOWED', message: expect.stringMatching(/^Requests from pages at https:\/\/evil\.example/) });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(await post({ Origin: 'null' })).toMatchObject({ status: 403, code: 'ORIGIN_NOT_ALLOWED' });
    // Even without credentials, the origin is refused first.
    expect(await send(app, '/runs', { headers: { Origin: 'https://evil.example' } })).toMatchObject({ status: 403, code: 'ORIGIN_NOT_ALLOWED' });
    expect(await post({ Origin: 'http://localhost' })).toMatchObject({ status: 400 }); // the API's own origin
    const configured = await post({ Origin: 'http://localhost:5173' });
    expect(configured.status).toBe(400);
    expect(configured.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');

    const preflight = (origin: string) =>
      app.request('/runs', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,authorization' },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect((await preflight('https://evil.example')).status).toBe(403);
  });

  it('403 for a foreign Host (DNS rebinding), loopback names by default, configurable', async () => {
    const app = appWith();
    const asHost = (a: ReturnType<typeof createHttpApp>, host: string) => send(a, '/healthz', { headers: { Host: host } });
    const rebound = await asHost(app, 'attacker.example:8787');
    expect(rebound).toMatchObject({ status: 403, code: 'HOST_NOT_ALLOWED' });
    expect(rebound.message).toMatch(/does not answer for host "attacker\.example".*localhost, 127\.0\.0\.1, ::1/);
    for (const host of ['localhost:8787', '127.0.0.1:8787', '[::1]:8787', 'LOCALHOST']) expect((await asHost(app, host)).status, host).toBe(200);
    // The URL counts too (an absolute-form request target).
    expect(await send(app, 'http://attacker.example/healthz')).toMatchObject({ status: 403, code: 'HOST_NOT_ALLOWED' });
    const named = appWith({ allowedHosts: ['harness.example.com'] });
    expect((await send(named, 'http://harness.example.com/healthz', { headers: { Host: 'harness.example.com' } })).status).toBe(200);
    expect((await asHost(named, 'localhost')).status).toBe(403);
    expect((await asHost(appWith({ allowedHosts: ['*'] }), 'anything.example')).status).toBe(200);
  });

  it('413 with the limit for a body over it', async () => {
    const app = appWith({ maxBodyBytes: 1000 });
    const big = await send(app, '/runs', { method: 'POST', headers: { ...json, ...bearer(ANN) }, body: JSON.stringify({ input: 'x'.repeat(1000) }) });
    expect(big).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/over this server's limit of 1000 bytes/) });
  });
});

describe('decisions of an authenticated principal', () => {
  const carol = { name: 'carol', roles: ['finance', 'manager'] };

  it('records the principal as the approver, with its roles', () => {
    expect(decisionAs(carol, { decision: 'approve', reason: 'ok' })).toEqual({ decision: 'approve', reason: 'ok', approver: 'carol', approverRoles: ['finance', 'manager'] });
    expect(decisionAs(carol, { decision: 'reject', approver: 'carol', approverRoles: ['finance'] })).toEqual({
      decision: 'reject',
      approver: 'carol',
      approverRoles: ['finance', 'manager'],
    });
    expect(decisionAs({ name: 'ann', roles: [] }, { decision: 'approve' })).toEqual({ decision: 'approve', approver: 'ann' });
    expect(decisionAs(undefined, { decision: 'approve', approver: 'anyone' })).toEqual({ decision: 'approve', approver: 'anyone' });
  });

  it('refuses a body claiming another approver or a role the principal lacks', () => {
    expect(() => decisionAs(carol, { decision: 'approve', approver: 'alice' })).toThrow(
      expect.objectContaining({ status: 403, code: 'APPROVER_MISMATCH', message: expect.stringMatching(/authenticated as "carol"/) }),
    );
    expect(() => decisionAs(carol, { decision: 'approve', approverRoles: ['admin'] })).toThrow(
      expect.objectContaining({ code: 'APPROVER_MISMATCH', message: expect.stringMatching(/does not hold role "admin"/) }),
    );
  });
});

describe('an app embedding its own authentication', () => {
  it('uses whatever principal the hook returns, and its refusals', async () => {
    // E.g. behind an SSO proxy that sets X-Forwarded-User; a hook may also refuse with its own status.
    const app = createHttpApp(client, {
      authenticate: (req) => {
        if (req.headers.get('x-blocked')) throw new HttpError(403, 'ACCOUNT_LOCKED', 'This account is locked.');
        const user = req.headers.get('x-forwarded-user');
        return user ? { name: user, roles: ['support'] } : undefined;
      },
      onRequest: (log) => logs.push(log),
    });
    const logs: RequestLog[] = [];
    expect(await send(app, '/runs', { headers: { 'x-blocked': '1' } })).toMatchObject({ status: 403, code: 'ACCOUNT_LOCKED' });
    expect(await send(app, '/runs')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const claimed = await send(app, '/runs/r/approvals/a', {
      method: 'POST',
      headers: { ...json, 'x-forwarded-user': 'dana' },
      body: JSON.stringify({ decision: 'approve', approver: 'erin' }),
    });
    expect(claimed).toMatchObject({ status: 403, code: 'APPROVER_MISMATCH', message: expect.stringMatching(/authenticated as "dana"/) });
    expect(logs.map((l) => [l.status, l.principal])).toEqual([
      [403, undefined],
      [401, undefined],
      [403, 'dana'],
    ]);
  });
});

describe('harness serve: what it protects itself with', () => {
  const noTokens = {};
  const withTokens = { HARNESS_API_TOKENS: TOKENS };
  const refusal = (flags: Parameters<typeof serveSecurity>[0], env: NodeJS.ProcessEnv) => {
    try {
      serveSecurity(flags, env);
    } catch (e) {
      return e as CliError;
    }
    throw new Error('expected a refusal');
  };

  it('serves loopback without tokens, answering for loopback names and its own address', () => {
    expect(serveSecurity({ host: '127.0.0.1' }, noTokens)).toEqual({ allowedHosts: ['localhost', '127.0.0.1', '::1'], corsOrigins: [] });
    expect(serveSecurity({ host: '::1' }, noTokens).tokens).toBeUndefined();
    expect(serveSecurity({ host: 'localhost' }, noTokens).tokens).toBeUndefined();
    expect(serveSecurity({ host: '127.0.0.2' }, noTokens).allowedHosts).toContain('127.0.0.2');
    expect(isLoopback('192.168.1.5')).toBe(false);
  });

  it('refuses another address without tokens, and a wildcard address without --allowed-host', () => {
    for (const host of ['0.0.0.0', '192.168.1.5', '::']) {
      const err = refusal({ host }, noTokens);
      expect(err.code).toBe('AUTH_REQUIRED');
      expect(err.message).toMatch(new RegExp(`^Refusing to serve on ${host.replace(/\./g, '\\.')} without authentication.*HARNESS_API_TOKENS=.*--host 127\\.0\\.0\\.1`));
    }
    const wildcard = refusal({ host: '0.0.0.0' }, withTokens);
    expect(wildcard.code).toBe('ALLOWED_HOSTS_REQUIRED');
    expect(wildcard.message).toMatch(/--allowed-host harness\.example\.com.*--allowed-host '\*'/);
    const served = serveSecurity({ host: '0.0.0.0', allowedHost: ['harness.example.com'], corsOrigin: ['http://localhost:5173/'] }, withTokens);
    expect(served).toMatchObject({ allowedHosts: ['harness.example.com'], corsOrigins: ['http://localhost:5173'] });
    expect(served.tokens!.map((t) => t.name)).toEqual(['ann', 'carol']);
    expect(serveSecurity({ host: '192.168.1.5' }, withTokens).allowedHosts).toContain('192.168.1.5');
  });

  it('names a malformed token entry or CORS origin', () => {
    expect(refusal({ host: '127.0.0.1' }, { HARNESS_API_TOKENS: 'ann=short' })).toMatchObject({ code: 'INVALID_API_TOKENS' });
    expect(refusal({ host: '127.0.0.1', corsOrigin: ['localhost:5173'] }, noTokens)).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^--cors-origin: /) });
  });
});
