/**
 * The payload store's drivers, each against its real backend (a directory; a throwaway PostgreSQL
 * cluster): retries deduplicate, a missing or altered blob is a clear error naming the blob and
 * the store, references this driver did not write are refused, and garbage collection never
 * deletes a blob someone re-stored meanwhile.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter, StorageDriverClaim, type Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, keyring } from '../../src/codec/index.js';
import { blobIds } from '../../src/payloads/blob-ids.js';
import type { BlobStore } from '../../src/payloads/blob-store.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { PayloadStoreError } from '../../src/payloads/errors.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { HarnessStorageDriver } from '../../src/payloads/storage-driver.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDir } from '../support/paths.js';

const ring = keyring({ k1: randomBytes(32) });
const codec = new AesGcmPayloadCodec(ring);
const ctx = { target: { kind: 'activity' as const, namespace: 'default', id: '1' } };
const big = (text: string): Payload => defaultPayloadConverter.toPayload({ text: text.repeat(10_000) })!;
const idOf = (c: StorageDriverClaim) => c.claimData.id!;

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

async function count(store: BlobStore, ns = 'default'): Promise<number> {
  let n = 0;
  for await (const _ of store.list(ns)) n++;
  return n;
}

const stores: [string, () => BlobStore][] = [
  ['directory', () => new DirectoryBlobStore(tempDir())],
  ['postgres', () => new PostgresBlobStore(pg.url, `blobs_${randomBytes(4).toString('hex')}`)],
];

describe.each(stores)('%s store', (_kind, makeStore) => {
  it('stores a retried encrypted payload once: two encryptions of one plaintext get one id', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(ring));
    const plain = big('same tool output ');
    const [attempt1] = await codec.encode([plain]);
    const [attempt2] = await codec.encode([plain]);
    expect(Buffer.from(attempt1!.data!).equals(Buffer.from(attempt2!.data!))).toBe(false); // random nonces
    const [c1] = await driver.store(ctx, [attempt1!]);
    const [c2] = await driver.store(ctx, [attempt2!]);
    expect(idOf(c1!)).toBe(idOf(c2!));
    expect(idOf(c1!)).toMatch(/^hmac-k1-[0-9a-f]{64}$/);
    expect(await count(store)).toBe(1);
    // The stored blob is ciphertext and decodes back to the plaintext.
    const [back] = await driver.retrieve({}, [new StorageDriverClaim(c2!.claimData)]);
    expect(Buffer.from(back!.data!).includes('same tool output')).toBe(false);
    const [decoded] = await codec.decode([back!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ text: 'same tool output '.repeat(10_000) });
    // A different plaintext is a different blob.
    const [other] = await driver.store(ctx, (await codec.encode([big('other output ')])));
    expect(idOf(other!)).not.toBe(idOf(c1!));
    expect(await count(store)).toBe(2);
    await store.close();
  });

  it('keys plaintext payloads by SHA-256 of their bytes', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    const [a] = await driver.store(ctx, [big('x')]);
    const [b] = await driver.store(ctx, [big('x')]);
    expect(idOf(a!)).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(idOf(a!)).toBe(idOf(b!));
    expect(await count(store)).toBe(1);
    await store.close();
  });

  it('a missing blob is an error naming the blob, its namespace and the store', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    const [claim] = await driver.store(ctx, [big('gone')]);
    expect(await store.delete('default', idOf(claim!), new Date(Date.now() + 60_000))).toBe(true);
    const err = await driver.retrieve({}, [claim!]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PayloadStoreError);
    expect((err as PayloadStoreError).code).toBe('BLOB_NOT_FOUND');
    expect((err as Error).message).toContain(`Payload blob ${idOf(claim!)} (namespace default,`);
    expect((err as Error).message).toContain(store.description);
    await store.close();
  });

  it('refuses references it did not write (bad id: no path or SQL tricks reach the store)', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    for (const claimData of <Record<string, string>[]>[
      { ns: 'default', id: '../../etc/passwd', size: '1' },
      { ns: '../x', id: `sha256-${'0'.repeat(64)}`, size: '1' },
      {},
    ]) {
      const err = await driver.retrieve({}, [new StorageDriverClaim(claimData)]).catch((e: unknown) => e);
      expect((err as PayloadStoreError).code).toBe('INVALID_REFERENCE');
    }
    await store.close();
  });

  it('files blobs per namespace', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    await driver.store({ target: { kind: 'workflow', namespace: 'team-a' } }, [big('ns')]);
    expect(await count(store, 'team-a')).toBe(1);
    expect(await count(store, 'default')).toBe(0);
    await store.close();
  });

  it('garbage collection spares a blob re-stored after the cutoff', async () => {
    const store = makeStore();
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    const before = new Date(Date.now() - 1000);
    const [claim] = await driver.store(ctx, [big('kept')]);
    // Re-stored (deduplicated) now: touched after `before`, so a collector with that cutoff keeps it.
    expect(await store.delete('default', idOf(claim!), before)).toBe(false);
    expect(await driver.retrieve({}, [claim!])).toHaveLength(1);
    await store.close();
  });
});

describe('directory store files', () => {
  it('an altered blob is BLOB_CORRUPT, not a wrong payload', async () => {
    const dir = tempDir();
    const store = new DirectoryBlobStore(dir);
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    const [claim] = await driver.store(ctx, [big('tamper')]);
    const shard = readdirSync(join(dir, 'default'))[0]!;
    const file = join(dir, 'default', shard, idOf(claim!));
    expect(existsSync(file)).toBe(true);
    writeFileSync(file, 'not the blob');
    const err = await driver.retrieve({}, [claim!]).catch((e: unknown) => e);
    expect((err as PayloadStoreError).code).toBe('BLOB_CORRUPT');
    expect((err as Error).message).toContain(idOf(claim!));
  });

  it('an encrypted blob swapped for another valid ciphertext is BLOB_CORRUPT', async () => {
    const dir = tempDir();
    const store = new DirectoryBlobStore(dir);
    const driver = new HarnessStorageDriver(store, blobIds(ring));
    const [a] = await driver.store(ctx, await codec.encode([big('payload A ')]));
    const [b] = await driver.store(ctx, await codec.encode([big('payload B ')]));
    const path = (c: StorageDriverClaim) => join(dir, 'default', idOf(c).slice(-64, -62), idOf(c));
    writeFileSync(path(a!), readFileSync(path(b!)));
    const err = await driver.retrieve({}, [a!]).catch((e: unknown) => e);
    expect((err as PayloadStoreError).code).toBe('BLOB_CORRUPT');
  });

  it('delete removes a blob last touched before the cutoff', async () => {
    const dir = tempDir();
    const store = new DirectoryBlobStore(dir);
    const driver = new HarnessStorageDriver(store, blobIds(undefined));
    const [claim] = await driver.store(ctx, [big('old')]);
    const shard = readdirSync(join(dir, 'default'))[0]!;
    const old = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(join(dir, 'default', shard, idOf(claim!)), old, old);
    expect(await store.delete('default', idOf(claim!), new Date(Date.now() - 86_400_000))).toBe(true);
    expect(await count(store)).toBe(0);
  });
});
