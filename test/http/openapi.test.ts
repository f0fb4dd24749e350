import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, DEFAULT_MAX_BODY_BYTES, type OpenApiDocument } from '../../src/http/index.js';

// A client that never connects: these requests are answered before anything reaches Temporal.
const app = createHttpApp(new HarnessClient(new Client(), { taskQueue: 'unused' }));

async function call(method: string, path: string, body?: string) {
  const res = await app.request(path, { method, headers: { 'Content-Type': 'application/json' }, ...(body !== undefined && { body }) });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; issues?: { in: string; path: unknown[] }[] } } };
}

describe('HTTP API without a server', () => {
  it('describes every route in its OpenAPI 3.1 document', async () => {
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDocument;
    expect(doc.openapi).toBe('3.1.0');
    const routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.length).toBe(26);
    expect(documented.sort()).toEqual([...new Set(routes)].sort());
    // Every $ref resolves.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !(r in doc.components.schemas))).toEqual([]);
    expect(doc.paths['/runs']!.post).toMatchObject({ requestBody: { content: { 'application/json': { schema: { required: ['input'], additionalProperties: false } } } } });
  });

  it('answers health, unknown routes, and malformed requests with paths, before calling Temporal', async () => {
    expect(await call('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok', taskQueue: 'unused' } });
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const bad = await call('POST', '/runs', JSON.stringify({ input: '  ', context: [], runId: 'has space', extra: 1 }));
    expect(bad.status).toBe(400);
    expect(bad.body.error!.code).toBe('INVALID_REQUEST');
    expect(bad.body.error!.issues!.map((i) => `${i.in}:${i.path.join('.')}`).sort()).toEqual(['body:context', 'body:extra', 'body:input', 'body:runId']);
    expect(await call('POST', '/runs', '')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_JSON' } } });
    expect(await call('POST', '/runs', '[1]')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST', issues: [{ in: 'body', path: [] }] } } });
    expect(await call('GET', '/runs?limit=many&extra=1')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_REQUEST' } } });
    expect(await call('GET', '/runs/r/result?wait=maybe')).toMatchObject({ status: 400, body: { error: { issues: [{ in: 'query', path: ['wait'] }] } } });
    expect(await call('GET', '/runs/r/events?from=-1')).toMatchObject({ status: 400, body: { error: { issues: [{ in: 'query', path: ['from'] }] } } });
    expect(await call('POST', '/runs/r/cancel', '{"force":true}')).toMatchObject({ status: 400, body: { error: { issues: [{ path: ['force'] }] } } });
    const big = await call('POST', '/runs', JSON.stringify({ input: 'x'.repeat(DEFAULT_MAX_BODY_BYTES) }));
    expect(big).toMatchObject({ status: 413, body: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
  });
});
