/**
 * How `harness serve` serves its web app: the page and its files without credentials (a browser
 * navigation cannot send a token) but with a strict CSP, gzip when accepted, nothing else from
 * the directory, and a clear 503 naming the fix when the files were never built. The API behind
 * it still needs credentials.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { bearerTokens, createHttpApp, parseApiTokens } from '../../src/http/index.js';
import { tempDir } from '../support/harness.js';

// A client that never connects: nothing here reaches Temporal.
const client = new HarnessClient(new Client(), { taskQueue: 'unused' });
const TOKEN = 'a'.repeat(40);

function builtDir(): string {
  const dir = join(tempDir(), 'web');
  mkdirSync(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>harness</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'app.js.gz'), gzipSync('console.log("app")'));
  writeFileSync(join(dir, 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  return dir;
}

describe('the web app files', () => {
  it('serves the page and its files without credentials, with a strict CSP; the API still needs them', async () => {
    const app = createHttpApp(client, { webApp: builtDir(), authenticate: bearerTokens(parseApiTokens(`ann=${TOKEN}`)) });
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'.*frame-ancestors 'none'/);
    expect(await page.text()).toContain('<title>harness</title>');

    const plain = await app.request('/web/app.js');
    expect([plain.status, plain.headers.get('content-type'), plain.headers.get('content-encoding'), await plain.text()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      null,
      'console.log("app")',
    ]);
    const gzipped = await app.request('/web/app.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect((await app.request('/web/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await app.request('/web/secret.txt')).status).toBe(404);
    expect((await app.request('/web/..%2Fsecret.txt')).status).toBe(404);

    expect((await app.request('/approvals')).status).toBe(401);
  });

  it('says how to build the files when they are missing; without the option there is no page', async () => {
    const missing = join(tempDir(), 'nothing-built');
    const res = await createHttpApp(client, { webApp: missing }).request('/');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain(join(missing, 'index.html'));
    expect(text).toContain('npm run build:web');
    expect((await createHttpApp(client, { webApp: missing }).request('/web/app.js')).status).toBe(503);
    expect((await createHttpApp(client).request('/')).status).toBe(404);
  });
});
