/**
 * The same store contract over both stores: the SQLite file and a real PostgreSQL (started from
 * the Debian package's binaries; pgvector is not installed here, so PostgreSQL runs in its
 * `real[]` mode and the test asserts that).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemoryError } from '../../src/memory/errors.js';
import { PostgresMemoryStore } from '../../src/memory/postgres-store.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite-store.js';
import { normalize, type MemoryStore, type StoredMemory } from '../../src/memory/types.js';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDir } from '../support/paths.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
});

const memory = (namespace: string, id: string, embedding: number[], extra: Partial<StoredMemory> = {}): StoredMemory => ({
  namespace,
  id,
  text: `text ${id}`,
  metadata: {},
  embedding: normalize(embedding),
  embedder: 'e1',
  createdAt: 1_000,
  ...extra,
});

const stores: Array<[string, () => MemoryStore]> = [
  ['file', () => new SqliteMemoryStore(join(tempDir(), 'm.sqlite'))],
  ['postgres', () => new PostgresMemoryStore(pg.url, { table: `t_${Math.random().toString(36).slice(2, 10)}`, vector: 'auto' })],
];

describe.each(stores)('%s store', (_kind, make) => {
  it('ranks by cosine similarity, filters by metadata, namespace and embedder, honours topK, minScore and expiry', async () => {
    const store = make();
    try {
      await store.put([
        memory('n1', 'x', [1, 0, 0], { metadata: { topic: 'a', pinned: true } }),
        memory('n1', 'xy', [1, 1, 0], { metadata: { topic: 'b' } }),
        memory('n1', 'y', [0, 1, 0], { metadata: { topic: 'a' } }),
        memory('n1', 'old', [1, 0, 0], { expiresAt: 1_500 }),
        memory('n1', 'other-model', [1, 0, 0], { embedder: 'e2' }),
        memory('n2', 'x', [1, 0, 0]),
      ]);
      const base = { embedder: 'e1', topK: 10, minScore: -1, now: 2_000 };
      const hits = await store.search('n1', normalize([1, 0, 0]), base);
      expect(hits.map((h) => h.id)).toEqual(['x', 'xy', 'y']);
      expect(hits.map((h) => Math.round(h.score * 1000) / 1000)).toEqual([1, 0.707, 0]);
      expect(hits[0]).toMatchObject({ text: 'text x', metadata: { topic: 'a', pinned: true }, createdAt: 1_000 });
      expect((await store.search('n1', normalize([1, 0, 0]), { ...base, filter: { topic: 'a' } })).map((h) => h.id)).toEqual(['x', 'y']);
      expect((await store.search('n1', normalize([1, 0, 0]), { ...base, filter: { pinned: true } })).map((h) => h.id)).toEqual(['x']);
      expect((await store.search('n1', normalize([1, 0, 0]), { ...base, topK: 1 })).map((h) => h.id)).toEqual(['x']);
      expect((await store.search('n1', normalize([1, 0, 0]), { ...base, minScore: 0.5 })).map((h) => h.id)).toEqual(['x', 'xy']);
      expect((await store.search('n1', normalize([1, 0, 0]), { ...base, now: 1_200 })).map((h) => h.id)).toContain('old');

      await store.put([memory('n1', 'x', [0, 0, 1], { text: 'replaced' })]);
      expect((await store.list('n1', 2_000)).find((m) => m.id === 'x')?.text).toBe('replaced');

      expect(await store.purgeExpired(2_000)).toBe(1);
      expect(await store.delete('n1', ['x', 'nope'])).toBe(1);
      expect((await store.list('n2', 2_000)).map((m) => m.id)).toEqual(['x']);
      expect(await store.delete('n2')).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('postgres store specifics', () => {
  it('uses real[] when pgvector is not available (it is not installed on this machine)', async () => {
    const store = new PostgresMemoryStore(pg.url, { table: 'mode_check', vector: 'auto' });
    try {
      expect(await store.vectorMode()).toBe('array');
    } finally {
      await store.close();
    }
  });

  it('vector: pgvector without the extension is a clear MEMORY_CONFIG error', async () => {
    const store = new PostgresMemoryStore(pg.url, { table: 'needs_vector', vector: 'pgvector' });
    try {
      const err = (await store.vectorMode().catch((e: unknown) => e)) as MemoryError;
      expect([err.code, err.retryable]).toEqual(['MEMORY_CONFIG', false]);
      expect(err.message).toMatch(/pgvector extension is not installed/);
    } finally {
      await store.close();
    }
  });

  it('two stores creating the same table at once both succeed (DDL under an advisory lock)', async () => {
    const a = new PostgresMemoryStore(pg.url, { table: 'raced', vector: 'auto' });
    const b = new PostgresMemoryStore(pg.url, { table: 'raced', vector: 'auto' });
    try {
      expect(await Promise.all([a.vectorMode(), b.vectorMode()])).toEqual(['array', 'array']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a server that is down is MEMORY_STORE_UNAVAILABLE (retryable), naming the table and the cause', async () => {
    const store = new PostgresMemoryStore(`postgres://harness@127.0.0.1:${await freePort()}/postgres`, { table: 'down', vector: 'auto' });
    try {
      const err = (await store.list('n', 0).catch((e: unknown) => e)) as MemoryError;
      expect([err.code, err.retryable]).toEqual(['MEMORY_STORE_UNAVAILABLE', true]);
      expect(err.message).toMatch(/PostgreSQL, table down\) is unavailable: .*ECONNREFUSED/);
    } finally {
      await store.close();
    }
  });
});
