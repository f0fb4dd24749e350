/**
 * The default memory store: one SQLite file (better-sqlite3), no server. Several worker
 * processes may share the file: SQLite's own file locks serialize writers, WAL lets readers run
 * beside a writer, and a busy timeout makes a writer wait for the lock instead of failing. Search
 * ranks a namespace's memories by cosine similarity in process, which suits the thousands of
 * memories per user this store is meant for; use PostgreSQL beyond that.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { MemoryError } from './errors.js';
import { importOptional } from './optional-import.js';
import { cosine, matchesFilter, type MemoryHit, type MemoryStore, type SearchOptions, type StoredMemory } from './types.js';

interface Row {
  id: string;
  text: string;
  metadata: string;
  embedding: Buffer;
  created_at: number;
  expires_at: number | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS memories (
  namespace  TEXT    NOT NULL,
  id         TEXT    NOT NULL,
  text       TEXT    NOT NULL,
  metadata   TEXT    NOT NULL,
  embedding  BLOB    NOT NULL,
  embedder   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  PRIMARY KEY (namespace, id)
);
CREATE INDEX IF NOT EXISTS memories_expires ON memories (expires_at) WHERE expires_at IS NOT NULL;
`;

export class SqliteMemoryStore implements MemoryStore {
  private db?: BetterSqlite3.Database;

  /** Opens lazily, so a worker starts even when the file cannot be opened yet; each call says why it failed. */
  constructor(readonly path: string) {}

  async put(memories: StoredMemory[]): Promise<void> {
    const db = await this.open();
    const insert = db.prepare(
      `INSERT OR REPLACE INTO memories (namespace, id, text, metadata, embedding, embedder, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.run(() =>
      db.transaction(() => {
        for (const m of memories) {
          insert.run(m.namespace, m.id, m.text, JSON.stringify(m.metadata), toBlob(m.embedding), m.embedder, m.createdAt, m.expiresAt ?? null);
        }
      })(),
    );
  }

  async search(namespace: string, embedding: number[], options: SearchOptions): Promise<MemoryHit[]> {
    const db = await this.open();
    const rows = this.run(
      () =>
        db
          .prepare(
            `SELECT id, text, metadata, embedding, created_at, expires_at FROM memories
             WHERE namespace = ? AND embedder = ? AND (expires_at IS NULL OR expires_at > ?)`,
          )
          .all(namespace, options.embedder, options.now) as Row[],
    );
    return rows
      .map((row) => ({ row, metadata: JSON.parse(row.metadata) as MemoryHit['metadata'] }))
      .filter(({ metadata }) => matchesFilter(metadata, options.filter))
      .map(({ row, metadata }) => ({ ...toHit(row, metadata), score: cosine(fromBlob(row.embedding), embedding) }))
      .filter((hit) => hit.score >= options.minScore)
      .sort((a, b) => b.score - a.score || b.createdAt - a.createdAt)
      .slice(0, options.topK);
  }

  async list(namespace: string, now: number): Promise<MemoryHit[]> {
    const db = await this.open();
    const rows = this.run(
      () =>
        db
          .prepare(
            `SELECT id, text, metadata, embedding, created_at, expires_at FROM memories
             WHERE namespace = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY created_at DESC, id`,
          )
          .all(namespace, now) as Row[],
    );
    return rows.map((row) => ({ ...toHit(row, JSON.parse(row.metadata) as MemoryHit['metadata']), score: 1 }));
  }

  async delete(namespace: string, ids?: string[]): Promise<number> {
    const db = await this.open();
    if (ids === undefined) return this.run(() => db.prepare('DELETE FROM memories WHERE namespace = ?').run(namespace).changes);
    if (ids.length === 0) return 0;
    const del = db.prepare('DELETE FROM memories WHERE namespace = ? AND id = ?');
    return this.run(() => db.transaction(() => ids.reduce((n, id) => n + del.run(namespace, id).changes, 0))());
  }

  async purgeExpired(now: number): Promise<number> {
    const db = await this.open();
    return this.run(() => db.prepare('DELETE FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now).changes);
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
  }

  private async open(): Promise<BetterSqlite3.Database> {
    if (this.db) return this.db;
    // Loaded on first use: clients and the CLI load workspaces too, and never need the native module.
    const { default: Database } = await importOptional(() => import('better-sqlite3'), 'better-sqlite3', 'memory.store kind "file"');
    let db: BetterSqlite3.Database | undefined;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path, { timeout: 10_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
    } catch (err) {
      db?.close();
      throw unavailable(this.path, err);
    }
    this.db = db;
    return db;
  }

  private run<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      throw unavailable(this.path, err);
    }
  }
}

function unavailable(path: string, err: unknown): MemoryError {
  const detail = (err as Error)?.message ?? String(err);
  return new MemoryError(
    'MEMORY_STORE_UNAVAILABLE',
    `The memory store (file ${path}) is unavailable: ${detail}. Check that the path in memory.store.path is writable by the worker.`,
    { cause: err },
  );
}

function toHit(row: Row, metadata: MemoryHit['metadata']): Omit<MemoryHit, 'score'> {
  return {
    id: row.id,
    text: row.text,
    metadata,
    createdAt: row.created_at,
    ...(row.expires_at !== null && { expiresAt: row.expires_at }),
  };
}

function toBlob(v: number[]): Buffer {
  return Buffer.from(new Float32Array(v).buffer);
}

function fromBlob(b: Buffer): number[] {
  // Copied first: a Float32Array view needs a 4-byte aligned offset, which a BLOB's Buffer may not have.
  return Array.from(new Float32Array(Uint8Array.from(b).buffer));
}
