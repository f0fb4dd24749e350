import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/memory/errors.js';
import { MemoryService } from '../../src/memory/memory-service.js';
import { resolveNamespace } from '../../src/memory/namespace.js';
import { OfflineHashEmbeddings } from '../../src/memory/offline-hash-embeddings.js';
import { SqliteMemoryStore } from '../../src/memory/sqlite-store.js';
import { cosine } from '../../src/memory/types.js';
import { memorySchema, type AgentMemoryConfig } from '../../src/workspace/memory-schema.js';
import { tempDir } from '../support/paths.js';

function service(dir: string, options: { now?: () => number; ttl?: string; agents?: Record<string, AgentMemoryConfig> } = {}) {
  const config = memorySchema.parse({
    store: { kind: 'file', path: 'mem.sqlite' },
    embeddings: { provider: 'offline-hash' },
    namespace: 'user:{{context.userId}}',
    ...(options.ttl && { ttl: options.ttl }),
  });
  return new MemoryService(config, {
    baseDir: dir,
    agents: new Map(Object.entries(options.agents ?? {})),
    ...(options.now && { now: options.now }),
  });
}

const alice = { agentId: 'a', context: { userId: 'alice' } };
const bob = { agentId: 'a', context: { userId: 'bob' } };

describe('offline-hash embeddings (tests and demos only)', () => {
  it('is deterministic and ranks shared words above unrelated text', () => {
    const e = new OfflineHashEmbeddings(256);
    expect(e.embed('Favourite colour is green')).toEqual(e.embed('Favourite colour is green'));
    const query = e.embed('what is my favourite colour?');
    expect(cosine(query, e.embed('My favourite colour is green.'))).toBeGreaterThan(0.5);
    expect(cosine(query, e.embed('The invoice was paid in March.'))).toBe(0);
  });

  it('is lexical, not semantic: a synonym scores nothing', () => {
    const e = new OfflineHashEmbeddings(256);
    expect(cosine(e.embed('car'), e.embed('automobile'))).toBe(0);
  });
});

describe('namespace templates', () => {
  it('fills context values and the agent id', () => {
    expect(resolveNamespace('t:{{context.org.id}}/u:{{ context.userId }}/{{agentId}}', { agentId: 'sup', context: { userId: 7, org: { id: 'acme' } } })).toBe(
      't:acme/u:7/sup',
    );
  });

  it('refuses a missing value instead of sharing one empty namespace', () => {
    const err = (() => {
      try {
        resolveNamespace('user:{{context.userId}}', { agentId: 'a', context: { tenant: 'x' } });
      } catch (e) {
        return e;
      }
    })() as MemoryError;
    expect(err).toBeInstanceOf(MemoryError);
    expect(err.code).toBe('MEMORY_NAMESPACE_UNRESOLVED');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/needs context\.userId.*context keys: tenant.*userId/);
  });
});

describe('memory service over the SQLite file store', () => {
  it('recalls by similarity with scores, topK, minScore and metadata filters; namespaces are separate', async () => {
    const memory = service(tempDir());
    await memory.memorize(alice, [
      { id: '1', text: 'Alice prefers express shipping', metadata: { topic: 'shipping' } },
      { id: '2', text: 'Alice lives in Lyon', metadata: { topic: 'address' } },
      { id: '3', text: 'Alice pays by invoice', metadata: { topic: 'billing' } },
    ]);
    await memory.memorize(bob, [{ id: '1', text: 'Bob prefers express shipping' }]);

    const hits = await memory.recall(alice, { query: 'which shipping does she prefer?' });
    expect(hits[0]).toMatchObject({ id: '1', text: 'Alice prefers express shipping', metadata: { topic: 'shipping' } });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]?.score ?? 0);
    expect(hits.every((h, i) => i === 0 || h.score <= hits[i - 1]!.score)).toBe(true);
    expect(hits.map((h) => h.text)).not.toContain('Bob prefers express shipping');

    expect(await memory.recall(alice, { query: 'Alice', topK: 2 })).toHaveLength(2);
    expect((await memory.recall(alice, { query: 'Alice', filter: { topic: 'billing' } })).map((h) => h.id)).toEqual(['3']);
    expect(await memory.recall(alice, { query: 'shipping', minScore: 0.99 })).toEqual([]);
    await memory.close();
  });

  it('writing the same id again replaces the memory (retried tool calls do not duplicate)', async () => {
    const memory = service(tempDir());
    await memory.memorize(alice, [{ id: 'x', text: 'first version' }]);
    await memory.memorize(alice, [{ id: 'x', text: 'second version' }]);
    const all = await (await memory.storeHandle()).list(memory.namespaceFor(alice), Date.now());
    expect(all.map((m) => m.text)).toEqual(['second version']);
    await memory.close();
  });

  it('memories expire after their TTL (agent TTL over the workspace one) and expired rows are purged on write', async () => {
    let now = 1_000_000;
    const memory = service(tempDir(), { now: () => now, ttl: '1h', agents: { short: { sync: 'off', extract: 'model', ttl: 60_000 } } });
    await memory.memorize(alice, [{ id: 'long', text: 'kept for an hour' }]);
    await memory.memorize({ ...alice, agentId: 'short' }, [{ id: 'short', text: 'kept for a minute' }]);
    const store = await memory.storeHandle();
    expect((await store.list('user:alice', now)).map((m) => [m.id, m.expiresAt! - m.createdAt])).toEqual(
      expect.arrayContaining([['long', 3_600_000], ['short', 60_000]]),
    );
    now += 60_000;
    expect((await memory.recall(alice, { query: 'kept' })).map((h) => h.id)).toEqual(['long']);
    now += 3_600_000;
    expect(await memory.recall(alice, { query: 'kept' })).toEqual([]);
    await memory.memorize(bob, [{ id: 'b', text: 'new' }]);
    expect((await store.list('user:alice', 0)).length).toBe(0); // purged, not just hidden
    await memory.close();
  });

  it('forget deletes by id within the namespace only', async () => {
    const memory = service(tempDir());
    await memory.memorize(alice, [{ id: 'same', text: 'alice fact' }]);
    await memory.memorize(bob, [{ id: 'same', text: 'bob fact' }]);
    expect(await memory.forget(alice, ['same'])).toBe(1);
    expect(await memory.forget(alice, ['same'])).toBe(0);
    expect((await memory.recall(bob, { query: 'fact' })).map((h) => h.text)).toEqual(['bob fact']);
    await memory.close();
  });

  it('a file that cannot be opened is MEMORY_STORE_UNAVAILABLE (retryable), naming the path', async () => {
    const dir = tempDir();
    execFileSync('touch', [join(dir, 'not-a-dir')]);
    const store = new SqliteMemoryStore(join(dir, 'not-a-dir', 'mem.sqlite'));
    const err = (await store.list('x', 0).catch((e: unknown) => e)) as MemoryError;
    expect(err).toBeInstanceOf(MemoryError);
    expect(err.code).toBe('MEMORY_STORE_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(join(dir, 'not-a-dir', 'mem.sqlite'));
  });

  it('two processes writing the same file at once lose nothing', async () => {
    const file = join(tempDir(), 'shared.sqlite');
    const script = `
      import { SqliteMemoryStore } from ${JSON.stringify(new URL('../../src/memory/sqlite-store.ts', import.meta.url).pathname)};
      const store = new SqliteMemoryStore(process.argv[1]);
      for (let i = 0; i < 150; i++) {
        await store.put([{ namespace: 'n', id: process.argv[2] + i, text: 't', metadata: {}, embedding: [1, 0], embedder: 'e', createdAt: i }]);
      }
      await store.close();`;
    const writer = (tag: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file, tag], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${tag} exited ${code}: ${stderr}`))));
      });
    await Promise.all([writer('a'), writer('b')]);
    const store = new SqliteMemoryStore(file);
    expect((await store.list('n', -1)).length).toBe(300);
    await store.close();
  });
});
