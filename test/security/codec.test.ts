import { createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  CodecError,
  dataConverterFromEnv,
  keyring,
  keyringFromEnv,
} from '../../src/codec/index.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8');
const meta = (p: Payload, key: string) => Buffer.from(p.metadata?.[key] ?? []).toString('utf8');
const json = (value: unknown) => defaultPayloadConverter.toPayload(value);

async function codecError(promise: Promise<unknown>): Promise<CodecError> {
  const err = await promise.then(
    () => expect.unreachable('expected a CodecError'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CodecError);
  return err as CodecError;
}

describe('keyringFromEnv', () => {
  it('is off without a key', () => {
    expect(keyringFromEnv({})).toBeUndefined();
    const converter = dataConverterFromEnv({ HARNESS_PAYLOAD_DIR: '/tmp/x' });
    expect(converter?.payloadCodecs).toBeUndefined();
    expect(converter?.failureConverterPath).toBeUndefined(); // failures in clear without a key
    expect(dataConverterFromEnv({ HARNESS_PAYLOAD_STORE: 'off' })).toBeUndefined();
  });

  it('one key, id "default" unless HARNESS_ENCRYPTION_KEY_ID names it', () => {
    expect(keyringFromEnv({ HARNESS_ENCRYPTION_KEY: k1 })!.encryptKeyId).toBe('default');
    const ring = keyringFromEnv({ HARNESS_ENCRYPTION_KEY: k1, HARNESS_ENCRYPTION_KEY_ID: '2025-06' })!;
    expect(ring.encryptKeyId).toBe('2025-06');
    expect(Buffer.from(ring.keys.get('2025-06')!).toString('base64')).toBe(k1);
  });

  it('a key list: the first encrypts, all decrypt; KEY_ID or KEY picks another', () => {
    expect(keyringFromEnv({ HARNESS_ENCRYPTION_KEYS: `k2:${k2}, k1:${k1}` })).toMatchObject({ encryptKeyId: 'k2' });
    expect(keyringFromEnv({ HARNESS_ENCRYPTION_KEYS: `k2:${k2},k1:${k1}`, HARNESS_ENCRYPTION_KEY_ID: 'k1' })!.encryptKeyId).toBe('k1');
    const ring = keyringFromEnv({ HARNESS_ENCRYPTION_KEY: k2, HARNESS_ENCRYPTION_KEY_ID: 'k2', HARNESS_ENCRYPTION_KEYS: `k1:${k1}` })!;
    expect(ring.encryptKeyId).toBe('k2');
    expect([...ring.keys.keys()].sort()).toEqual(['k1', 'k2']);
  });

  it.each([
    [{ HARNESS_ENCRYPTION_KEY: 'not base64!' }, /HARNESS_ENCRYPTION_KEY is not valid base64.*openssl rand -base64 32/],
    [{ HARNESS_ENCRYPTION_KEY: randomBytes(16).toString('base64') }, /decodes to 16 bytes; AES-256 needs exactly 32/],
    [{ HARNESS_ENCRYPTION_KEY_ID: 'x' }, /HARNESS_ENCRYPTION_KEY_ID is set but no key is/],
    [{ HARNESS_ENCRYPTION_KEYS: k1 }, /entry 1 is not "id:base64key"/],
    [{ HARNESS_ENCRYPTION_KEYS: `a:${k1},a:${k2}` }, /key id "a" is listed twice/],
    [{ HARNESS_ENCRYPTION_KEYS: `a:${k1},b:short` }, /entry 2 \(key id "b"\)/],
    [{ HARNESS_ENCRYPTION_KEYS: `a b:${k1}` }, /key id "a b" is not valid/],
    [{ HARNESS_ENCRYPTION_KEYS: `a:${k1}`, HARNESS_ENCRYPTION_KEY_ID: 'z' }, /"z" is not among the ids in HARNESS_ENCRYPTION_KEYS \(a\)/],
    [{ HARNESS_ENCRYPTION_KEY: k1, HARNESS_ENCRYPTION_KEY_ID: 'a', HARNESS_ENCRYPTION_KEYS: `a:${k2}` }, /Key id "a" has one key in HARNESS_ENCRYPTION_KEY and a different one/],
  ])('refuses %j clearly', (env, message) => {
    let err: unknown;
    try {
      keyringFromEnv(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CodecError);
    expect((err as CodecError).code).toBe('INVALID_ENCRYPTION_KEY');
    expect((err as CodecError).message).toMatch(message);
    // The message never carries key material.
    expect((err as CodecError).message).not.toContain(k1);
    expect((err as CodecError).message).not.toContain(k2);
  });
});

describe('AesGcmPayloadCodec', () => {
  const codec = new AesGcmPayloadCodec(keyring({ k1 }));

  it('round-trips payloads; the encoded form hides data and original metadata', async () => {
    const original = [json({ prompt: 'refund order A-1001' }), json('second'), defaultPayloadConverter.toPayload(undefined)];
    const encoded = await codec.encode(original);
    expect(encoded).toHaveLength(3);
    for (const p of encoded) {
      expect(meta(p, 'encoding')).toBe('binary/encrypted');
      expect(meta(p, 'encryption-key-id')).toBe('k1');
      expect(Object.keys(p.metadata!)).toEqual(['encoding', 'encryption-key-id']);
      expect(text(p)).not.toContain('A-1001');
      expect(text(p)).not.toContain('json/plain');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([{ prompt: 'refund order A-1001' }, 'second', undefined]);
  });

  it('uses a fresh nonce per payload (same input, different ciphertext)', async () => {
    const [a, b] = await codec.encode([json('same'), json('same')]);
    expect(Buffer.compare(a!.data!, b!.data!)).not.toBe(0);
  });

  it('writes nonce ‖ ciphertext ‖ tag over the Payload protobuf (the Go/Python samples’ format)', async () => {
    const [enc] = await codec.encode([json({ a: 1 })]);
    const data = Buffer.from(enc!.data!);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(k1, 'base64'), data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    const inner = proto.temporal.api.common.v1.Payload.decode(plain);
    expect(defaultPayloadConverter.fromPayload(inner)).toEqual({ a: 1 });
  });

  it('passes payloads that are not encrypted through decode (histories from before encryption)', async () => {
    const plain = json({ old: true });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('rotation: written with k1, read by a process holding k2 (encrypting) and k1', async () => {
    const [old] = await new AesGcmPayloadCodec(keyring({ k1 })).encode([json('written under k1')]);
    const rotated = new AesGcmPayloadCodec(keyring({ k2, k1 }, 'k2'));
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toBe('written under k1');
    const [fresh] = await rotated.encode([json('new')]);
    expect(meta(fresh!, 'encryption-key-id')).toBe('k2');
  });

  it('an unknown key id is a clear error naming the id', async () => {
    const [enc] = await codec.encode([json('x')]);
    const err = await codecError(new AesGcmPayloadCodec(keyring({ k2 })).decode([enc!]));
    expect(err.code).toBe('UNKNOWN_ENCRYPTION_KEY');
    expect(err.message).toMatch(/encrypted with key id "k1", which this process does not have \(it has: k2\)/);
    expect(err.message).toMatch(/HARNESS_ENCRYPTION_KEYS="k1:<base64 key>/);
  });

  it('the wrong key under the right id, or altered data, fails authentication', async () => {
    const [enc] = await codec.encode([json('x')]);
    const wrongKey = await codecError(new AesGcmPayloadCodec(keyring({ k1: k2 })).decode([enc!]));
    expect(wrongKey.code).toBe('DECRYPTION_FAILED');
    const tampered = { ...enc!, data: Uint8Array.from(enc!.data!, (b, i) => (i === 20 ? b ^ 1 : b)) };
    expect((await codecError(codec.decode([tampered]))).code).toBe('DECRYPTION_FAILED');
    const noId = { metadata: { encoding: enc!.metadata!.encoding! }, data: enc!.data! };
    expect((await codecError(codec.decode([noId]))).code).toBe('INVALID_ENCRYPTED_PAYLOAD');
  });
});
