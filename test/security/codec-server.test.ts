import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  codecRequestHandler,
  keyring,
  listenCodecServer,
  type RunningCodecServer,
} from '../../src/codec/index.js';

const UI = 'http://localhost:8233';
const codec = new AesGcmPayloadCodec(keyring({ k1: randomBytes(32).toString('base64') }));
const handle = codecRequestHandler({ codecs: [codec], uiOrigins: [UI, 'http://127.0.0.1:8233/'] });

const toJson = (p: Payload) => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const fromJson = (p: { metadata: Record<string, string>; data: string }): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))])),
  data: new Uint8Array(Buffer.from(p.data, 'base64')),
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(`http://codec.local${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: UI, 'X-Namespace': 'default', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('codec server protocol (in process)', () => {
  it('/encode then /decode round-trips payloads, with CORS headers for the UI origin', async () => {
    const original = [defaultPayloadConverter.toPayload({ prompt: 'refund A-1001' }), defaultPayloadConverter.toPayload(42)];
    const encRes = await handle(post('/encode', { payloads: original.map(toJson) }));
    expect(encRes.status).toBe(200);
    expect(encRes.headers.get('access-control-allow-origin')).toBe(UI);
    const encoded = ((await encRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(Buffer.from(encoded[0]!.metadata.encoding!, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded[0]!.data, 'base64').toString('utf8')).not.toContain('A-1001');

    const decRes = await handle(post('/decode', { payloads: encoded }));
    expect(decRes.status).toBe(200);
    expect(decRes.headers.get('content-type')).toBe('application/json');
    const decoded = ((await decRes.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(fromJson(p)))).toEqual([{ prompt: 'refund A-1001' }, 42]);
  });

  it('answers the CORS preflight for the UI origin (X-Namespace, Content-Type allowed)', async () => {
    for (const origin of [UI, 'http://127.0.0.1:8233']) {
      const res = await handle(
        new Request('http://codec.local/decode', {
          method: 'OPTIONS',
          headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
        }),
      );
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    }
  });

  it('refuses other origins, with no CORS headers', async () => {
    const pre = await handle(new Request('http://codec.local/decode', { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } }));
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await handle(post('/decode', { payloads: [] }, { Origin: 'https://evil.example' }));
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/Origin https:\/\/evil\.example is not allowed; add it to the codec server's UI origins/);
  });

  it('serves callers without an Origin (temporal CLI, curl) and paths under a namespace prefix', async () => {
    const res = await handle(
      new Request('http://codec.local/default/decode', { method: 'POST', body: JSON.stringify({ payloads: [] }) }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ payloads: [] });
  });

  it.each([
    ['GET /decode', new Request('http://codec.local/decode', { headers: { Origin: UI } }), 405],
    ['POST /nope', post('/nope', { payloads: [] }), 404],
    ['not JSON', post('/decode', '{'), 400],
    ['no payloads array', post('/decode', { payload: [] }), 400],
    ['bad metadata', post('/decode', { payloads: [{ metadata: { a: 1 } }] }), 400],
  ])('%s → %i', async (_name, request, status) => {
    const res = await handle(request);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  });

  it('a payload under an unknown key id is a 400 naming the id', async () => {
    const other = new AesGcmPayloadCodec(keyring({ elsewhere: randomBytes(32).toString('base64') }));
    const [enc] = await other.encode([defaultPayloadConverter.toPayload('x')]);
    const res = await handle(post('/decode', { payloads: [toJson(enc!)] }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'UNKNOWN_ENCRYPTION_KEY', error: expect.stringMatching(/key id "elsewhere"/) });
  });
});

describe('codec server over HTTP', () => {
  let server: RunningCodecServer;
  const log: { path: string; status: number; namespace?: string }[] = [];
  beforeAll(async () => {
    server = await listenCodecServer({ codecs: [codec], uiOrigins: [UI], onRequest: (r) => log.push(r) }, { port: 0 });
  });
  afterAll(() => server.close());

  it('round-trips through a real socket, preflight first like a browser', async () => {
    const pre = await fetch(`${server.url}/encode`, {
      method: 'OPTIONS',
      headers: { Origin: UI, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-namespace' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(UI);
    const headers = { 'Content-Type': 'application/json', Origin: UI, 'X-Namespace': 'default' };
    const enc = await fetch(`${server.url}/encode`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ payloads: [toJson(defaultPayloadConverter.toPayload('over the wire'))] }),
    });
    const dec = await fetch(`${server.url}/decode`, { method: 'POST', headers, body: JSON.stringify(await enc.json()) });
    expect(dec.status).toBe(200);
    const [p] = ((await dec.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(defaultPayloadConverter.fromPayload(fromJson(p!))).toBe('over the wire');
    expect(log.map((l) => [l.path, l.status, l.namespace])).toEqual([
      ['/encode', 204, undefined],
      ['/encode', 200, 'default'],
      ['/decode', 200, 'default'],
    ]);
  });

  it('refuses a body over the limit', async () => {
    const small = await listenCodecServer({ codecs: [codec], uiOrigins: [UI], maxBodyBytes: 100 }, { port: 0 });
    try {
      const res = await fetch(`${small.url}/decode`, { method: 'POST', body: JSON.stringify({ payloads: [], pad: 'x'.repeat(200) }) });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
