/**
 * The production memory store: PostgreSQL through `pg`. With the pgvector extension the
 * embedding column is a `vector` and the server ranks by its cosine distance operator; without
 * it the column is `real[]` and the server ranks by the dot product of unit vectors (= cosine
 * similarity) over `unnest`. Both rank inside the database and send back only the top K rows.
 * The table is created on first use, under an advisory lock so two workers starting at once
 * do not race each other's DDL.
 */
import pg from 'pg';
import type { PostgresStoreConfig } from '../workspace/memory-schema.js';
import { MemoryError } from './errors.js';
import type { MemoryHit, MemoryStore, SearchOptions, StoredMemory } from './types.js';

type VectorMode = 'pgvector' | 'array';

interface Row {
  id: string;
  text: string;
  metadata: MemoryHit['metadata'];
  created_at: Date;
  expires_at: Date | null;
  score?: number;
}

export class PostgresMemoryStore implements MemoryStore {
  private readonly pool: pg.Pool;
  private ready?: Promise<VectorMode>;
  private readonly table: string;

  constructor(
    connectionString: string,
    private readonly config: Pick<PostgresStoreConfig, 'table' | 'vector'>,
  ) {
    this.table = config.table;
    this.pool = new pg.Pool({ connectionString, max: 4, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 10_000 });
    // An idle client whose server went away emits 'error' on the pool; without a listener that
    // would crash the worker. The next query reconnects (or fails with a clear error).
    this.pool.on('error', () => undefined);
  }

  /** Which vector representation the table uses (creating the table on first call). */
  async vectorMode(): Promise<VectorMode> {
    this.ready ??= this.prepare().catch((err: unknown) => {
      this.ready = undefined; // try again on the next call: the server may be back
      throw err;
    });
    return this.ready;
  }

  async put(memories: StoredMemory[]): Promise<void> {
    const mode = await this.vectorMode();
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      for (const m of memories) {
        await client.query(
          `INSERT INTO ${this.table} (namespace, id, text, metadata, embedding, embedder, created_at, expires_at)
           VALUES ($1, $2, $3, $4::jsonb, ${vectorParam(mode, 5)}, $6, to_timestamp($7 / 1000.0), to_timestamp($8 / 1000.0))
           ON CONFLICT (namespace, id) DO UPDATE SET text = EXCLUDED.text, metadata = EXCLUDED.metadata,
             embedding = EXCLUDED.embedding, embedder = EXCLUDED.embedder, created_at = EXCLUDED.created_at,
             expires_at = EXCLUDED.expires_at`,
          [m.namespace, m.id, m.text, JSON.stringify(m.metadata), vectorValue(mode, m.embedding), m.embedder, m.createdAt, m.expiresAt ?? null],
        );
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(err);
    } finally {
      client.release();
    }
  }

  async search(namespace: string, embedding: number[], options: SearchOptions): Promise<MemoryHit[]> {
    const mode = await this.vectorMode();
    const score =
      mode === 'pgvector'
        ? `1 - (embedding <=> $2::vector)`
        : `(SELECT coalesce(sum(a * b), 0) FROM unnest(embedding, $2::real[]) AS v(a, b))`;
    const rows = await this.query<Row>(
      `SELECT * FROM (
         SELECT id, text, metadata, created_at, expires_at, ${score} AS score FROM ${this.table}
         WHERE namespace = $1 AND embedder = $3 AND metadata @> $4::jsonb
           AND (expires_at IS NULL OR expires_at > to_timestamp($5 / 1000.0))
       ) ranked
       WHERE score >= $6 ORDER BY score DESC, created_at DESC LIMIT $7`,
      [namespace, vectorValue(mode, embedding), options.embedder, JSON.stringify(options.filter ?? {}), options.now, options.minScore, options.topK],
    );
    return rows.map(toHit);
  }

  async list(namespace: string, now: number): Promise<MemoryHit[]> {
    await this.vectorMode();
    const rows = await this.query<Row>(
      `SELECT id, text, metadata, created_at, expires_at FROM ${this.table}
       WHERE namespace = $1 AND (expires_at IS NULL OR expires_at > to_timestamp($2 / 1000.0))
       ORDER BY created_at DESC, id`,
      [namespace, now],
    );
    return rows.map((r) => toHit({ ...r, score: 1 }));
  }

  async delete(namespace: string, ids?: string[]): Promise<number> {
    await this.vectorMode();
    const result =
      ids === undefined
        ? await this.exec(`DELETE FROM ${this.table} WHERE namespace = $1`, [namespace])
        : await this.exec(`DELETE FROM ${this.table} WHERE namespace = $1 AND id = ANY($2::text[])`, [namespace, ids]);
    return result;
  }

  async purgeExpired(now: number): Promise<number> {
    await this.vectorMode();
    return this.exec(`DELETE FROM ${this.table} WHERE expires_at IS NOT NULL AND expires_at <= to_timestamp($1 / 1000.0)`, [now]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async prepare(): Promise<VectorMode> {
    const client = await this.connect();
    try {
      await client.query('BEGIN');
      // One worker creates the table; others wait here and then find it.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`temporal-harness memory ${this.table}`]);
      const existing = await client.query<{ udt_name: string }>(
        `SELECT udt_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'embedding'`,
        [this.table],
      );
      let mode: VectorMode;
      if (existing.rows[0]) {
        mode = existing.rows[0].udt_name === 'vector' ? 'pgvector' : 'array';
      } else {
        mode = await this.chooseMode(client);
        await client.query(
          `CREATE TABLE ${this.table} (
             namespace  text        NOT NULL,
             id         text        NOT NULL,
             text       text        NOT NULL,
             metadata   jsonb       NOT NULL DEFAULT '{}',
             embedding  ${mode === 'pgvector' ? 'vector' : 'real[]'} NOT NULL,
             embedder   text        NOT NULL,
             created_at timestamptz NOT NULL,
             expires_at timestamptz,
             PRIMARY KEY (namespace, id)
           )`,
        );
        await client.query(`CREATE INDEX ${this.table}_expires ON ${this.table} (expires_at) WHERE expires_at IS NOT NULL`);
      }
      await client.query('COMMIT');
      if (this.config.vector === 'pgvector' && mode !== 'pgvector') {
        throw new MemoryError(
          'MEMORY_CONFIG',
          `memory.store.vector is "pgvector" but table ${this.table} already stores embeddings as real[]. Use vector: auto (or array), or a new table.`,
        );
      }
      return mode;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.failure(err);
    } finally {
      client.release();
    }
  }

  /** pgvector if asked for or available; creating the extension needs rights the role may lack. */
  private async chooseMode(client: pg.PoolClient): Promise<VectorMode> {
    if (this.config.vector === 'array') return 'array';
    const installed = await client.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`);
    if (installed.rowCount) return 'pgvector';
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
    if (available.rowCount) {
      await client.query('SAVEPOINT create_vector');
      try {
        await client.query('CREATE EXTENSION IF NOT EXISTS vector');
        return 'pgvector';
      } catch {
        await client.query('ROLLBACK TO SAVEPOINT create_vector');
      }
    }
    if (this.config.vector === 'pgvector') {
      throw new MemoryError(
        'MEMORY_CONFIG',
        'memory.store.vector is "pgvector" but the pgvector extension is not installed on the PostgreSQL server (or this role may not create it). Install it (CREATE EXTENSION vector) or use vector: auto.',
      );
    }
    return 'array';
  }

  private async connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      throw this.failure(err);
    }
  }

  private async query<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    try {
      return (await this.pool.query<T>(text, values)).rows;
    } catch (err) {
      throw this.failure(err);
    }
  }

  private async exec(text: string, values: unknown[]): Promise<number> {
    try {
      return (await this.pool.query(text, values)).rowCount ?? 0;
    } catch (err) {
      throw this.failure(err);
    }
  }

  private failure(err: unknown): MemoryError {
    if (err instanceof MemoryError) return err;
    const e = err as { message?: string; code?: string };
    const detail = e?.message || e?.code || String(err);
    return new MemoryError(
      'MEMORY_STORE_UNAVAILABLE',
      `The memory store (PostgreSQL, table ${this.table}) is unavailable: ${detail}. Check that the server in the connection string is up and reachable from the worker.`,
      { cause: err },
    );
  }
}

function vectorParam(mode: VectorMode, n: number): string {
  return mode === 'pgvector' ? `$${n}::vector` : `$${n}::real[]`;
}

/** pgvector takes its text form `[1,2,3]`; `real[]` takes a JS array. */
function vectorValue(mode: VectorMode, v: number[]): string | number[] {
  return mode === 'pgvector' ? `[${v.join(',')}]` : v;
}

function toHit(row: Row): MemoryHit {
  return {
    id: row.id,
    text: row.text,
    metadata: row.metadata,
    score: Number(row.score ?? 1),
    createdAt: row.created_at.getTime(),
    ...(row.expires_at !== null && { expiresAt: row.expires_at.getTime() }),
  };
}
