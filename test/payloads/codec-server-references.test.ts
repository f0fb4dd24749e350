/** The codec server resolves payload references for the Web UI (after its origin checks), then decrypts. */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { ExternalStorageRunner } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { describe, expect, it } from 'vitest';
import { codecRequestHandler } from '../../src/codec/codec-server.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { keyring } from '../../src/codec/keys.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { tempDir } from '../support/paths.js';

const UI = 'http://localhost:8233';
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const toJson = (p: Payload) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])), data: b64(p.data ?? new Uint8Array()) });

function setup() {
  const converter = harnessDataConverter({ keyring: keyring({ k1: randomBytes(32) }), payloadStore: { store: new DirectoryBlobStore(tempDir()), threshold: 1024 } });
  const handle = codecRequestHandler({ codecs: converter.payloadCodecs!, externalStorage: converter.externalStorage!, uiOrigins: [UI] });
  /** What a worker writes to history for `value`: encrypted, then stored, leaving a reference. */
  const inHistory = async (value: unknown): Promise<Payload> => {
    const encrypted = await converter.payloadCodecs![0]!.encode([defaultPayloadConverter.toPayload(value)!]);
    const [ref] = await new ExternalStorageRunner(converter.externalStorage!).store(encrypted, { target: { kind: 'workflow', namespace: 'default' } });
    return ref!;
  };
  const decode = (payloads: Payload[], origin = UI) =>
    handle(new Request('http://codec/default/decode', { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ payloads: payloads.map(toJson) }) }));
  return { inHistory, decode };
}

describe('codec server and stored payloads', () => {
  it('/decode turns a reference back into the payload the run carried', async () => {
    const { inHistory, decode } = setup();
    const value = { text: 'a big tool result '.repeat(500) };
    const ref = await inHistory(value);
    expect(Buffer.from(ref.data!).toString()).toContain('driverName');
    const res = await decode([ref]);
    expect(res.status).toBe(200);
    const [out] = ((await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] }).payloads;
    expect(JSON.parse(Buffer.from(out!.data, 'base64').toString())).toEqual(value);
  });

  it('keeps its origin check, and a blob the store lacks is a 400 naming it', async () => {
    const { inHistory, decode } = setup();
    const ref = await inHistory({ text: 'x'.repeat(5000) });
    expect((await decode([ref], 'https://evil.example')).status).toBe(403);
    const other = setup(); // another store: the blob is not there
    const res = await other.decode([ref]);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; error: string };
    expect(body.code).toBe('BLOB_NOT_FOUND');
    expect(body.error).toMatch(/^Payload blob hmac-k1-[0-9a-f]{64} \(namespace default/);
  });
});
