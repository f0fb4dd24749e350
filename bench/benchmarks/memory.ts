/**
 * 7. Long-term memory stores: how long a memorize and a recall take with N memories in the
 * namespace, for the SQLite file store and PostgreSQL (`real[]`; pgvector when the server has it).
 * Embeddings are the offline-hash embedder (microseconds), so the figures are the stores' own.
 * PostgreSQL is a throwaway cluster from the machine's server binaries (test/support/postgres.ts);
 * without them only the file store is measured.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryService } from '../../src/memory/memory-service.js';
import { type PostgresMemoryStore } from '../../src/memory/postgres-store.js';
import { memorySchema } from '../../src/workspace/memory-schema.js';
import { startPostgres, type TestPostgres } from '../../test/support/postgres.js';
import type { Benchmark } from '../lib/bench.js';
import { ms, summarize, table } from '../lib/stats.js';

const WORDS = 'order refund coffee grinder espresso milk oat medium grind shipping express invoice lyon paris green blue delivery broken replacement warranty filter kettle beans roast dark light decaf subscription monthly weekly address phone email'.split(' ');

/** A deterministic pseudo-random sentence of 8 words. */
function sentence(i: number): string {
  let x = i * 2654435761;
  const words: string[] = [];
  for (let w = 0; w < 8; w++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length]!);
  }
  return `The user said ${words.join(' ')} (${i}).`;
}

export const memory: Benchmark = {
  name: 'memory',
  title: '7. Long-term memory: memorize and recall latency by store and namespace size',
  async run(ctx, log) {
    const sizes = ctx.mode === 'full' ? [100, 1_000, 10_000] : [100, 1_000];
    const recalls = ctx.mode === 'full' ? 200 : 50;
    let pg: TestPostgres | undefined;
    try {
      pg = await startPostgres();
    } catch (err) {
      log(`  (PostgreSQL not measured: ${(err as Error).message.split('\n')[0]})`);
    }
    const stores: Array<{ kind: string; store: Record<string, unknown> }> = [{ kind: 'file', store: { kind: 'file', path: join(ctx.dir, 'memory-bench.sqlite') } }];
    if (pg) stores.push({ kind: 'postgres', store: { kind: 'postgres', urlEnv: 'HARNESS_BENCH_MEMORY_PG_URL', table: 'bench_memories' } });
    const rows: (string | number)[][] = [];
    const data: unknown[] = [];
    try {
      for (const { kind, store } of stores) {
        const service = new MemoryService(
          memorySchema.parse({ store, embeddings: { provider: 'offline-hash', dimensions: 256 }, namespace: 'user:{{context.userId}}' }),
          { baseDir: ctx.dir, agents: new Map(), env: { HARNESS_BENCH_MEMORY_PG_URL: pg?.url ?? '' } },
        );
        const vectorMode = kind === 'postgres' ? await ((await service.storeHandle()) as PostgresMemoryStore).vectorMode() : 'in-process cosine';
        for (const size of sizes) {
          const scope = { agentId: 'bench', context: { userId: `u${size}` } };
          // Fill in batches of 500 (one transaction each), then time single memorizes and recalls.
          for (let i = 0; i < size; i += 500) {
            await service.memorize(scope, Array.from({ length: Math.min(500, size - i) }, (_, j) => ({ id: `m${i + j}`, text: sentence(i + j) })));
          }
          const writes: number[] = [];
          for (let i = 0; i < 20; i++) {
            const t0 = performance.now();
            await service.memorize(scope, [{ id: `w${i}`, text: sentence(size + i) }]);
            writes.push(performance.now() - t0);
          }
          const reads: number[] = [];
          for (let i = 0; i < recalls; i++) {
            const t0 = performance.now();
            await service.recall(scope, { query: sentence(i * 7), topK: 5 });
            reads.push(performance.now() - t0);
          }
          const w = summarize(writes);
          const r = summarize(reads);
          rows.push([kind, vectorMode, size, ms(w.p50), ms(w.p95), ms(r.p50), ms(r.p95)]);
          data.push({ kind, vectorMode, size, memorize: w, recall: r });
          log(`  ${kind} ${size}: recall p50 ${ms(r.p50)}`);
        }
        await service.close();
      }
    } finally {
      await pg?.stop();
    }
    return {
      tables: [{ title: 'Latency per call (ms), namespace of N memories', text: table(['store', 'ranking', 'N', 'memorize p50', 'memorize p95', 'recall p50', 'recall p95'], rows) }],
      notes: [
        'Both stores rank every memory of the namespace (no ANN index): recall grows linearly with N.',
        'A memorize also deletes expired memories (one indexed DELETE).',
      ],
      data,
    };
  },
};
