/**
 * The shared store: one PostgreSQL table every worker and client of a deployment reaches, on any
 * machine. `pg` is an optional peer dependency, loaded on first use. The table is created on first
 * use under an advisory lock, so workers starting together do not race each other's DDL.
 */
import type pg from 'pg';
import type { BlobInfo, BlobStore } from './blob-store.js';
import { PayloadStoreError } from './errors.js';

/** @default table name */
export const DEFAULT_PAYLOAD_TABLE = 'harness_payload_blobs';
const LOCK_KEY = 0x68_61_72_6e; // "harn": the advisory lock guarding CREATE TABLE

export class PostgresBlobStore implements BlobStore {
  readonly description: string;
  private pool?: Promise<pg.Pool>;

  constructor(
    private readonly connectionString: string,
    readonly table: string = DEFAULT_PAYLOAD_TABLE,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
      throw new PayloadStoreError('PAYLOAD_STORE_CONFIG', `Payload table name "${table}" is not a plain lower-case SQL identifier.`);
    }
    // Never the URL itself: it may hold a password.
    this.description = `PostgreSQL store (table ${table})`;
  }

  private ready(): Promise<pg.Pool> {
    this.pool ??= this.open().catch((err: unknown) => {
      this.pool = undefined; // the server may be back next time
      throw err;
    });
    return this.pool;
  }

  /** The store's pool (the table created on first use): the live medium sends its NOTIFYs on it. */
  pooled(): Promise<pg.Pool> {
    return this.ready();
  }

  /** A new connection of its own, connected (the live medium LISTENs on one); the caller ends it. */
  async connectDedicated(applicationName: string): Promise<pg.Client> {
    const mod = await loadPg();
    const client = new mod.Client({ connectionString: this.connectionString, connectionTimeoutMillis: 10_000, application_name: applicationName });
    await client.connect();
    return client;
  }

  private async open(): Promise<pg.Pool> {
    const mod = await loadPg();
    // allowExitOnIdle: a CLI process holding this converter must still exit when it is done.
    const pool = new mod.Pool({ connectionString: this.connectionString, max: 4, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 10_000, allowExitOnIdle: true });
    pool.on('error', () => undefined); // an idle client's server went away; the next query reconnects or fails clearly
    const client = await pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${this.table} (
           namespace text NOT NULL,
           id text NOT NULL,
           data bytea NOT NULL,
           size integer NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now(),
           touched_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (namespace, id))`,
      );
      await client.query(`CREATE INDEX IF NOT EXISTS ${this.table}_touched ON ${this.table} (namespace, touched_at)`);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      client.release();
    }
    return pool;
  }

  async put(namespace: string, id: string, bytes: Uint8Array): Promise<void> {
    const pool = await this.ready();
    // Same id = same content: keep the first copy, refresh its age.
    await pool.query(
      `INSERT INTO ${this.table} (namespace, id, data, size) VALUES ($1, $2, $3, $4)
       ON CONFLICT (namespace, id) DO UPDATE SET touched_at = now()`,
      [namespace, id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.byteLength],
    );
  }

  async get(namespace: string, id: string): Promise<Uint8Array | undefined> {
    const pool = await this.ready();
    // Binary results (a per-query option `pg` supports but does not type): the bytes come back as
    // they are, not as hex text twice their size to parse.
    // bytea arrives as hex text that pg-types turns into a Buffer natively (Buffer.from(hex)).
    const { rows } = await pool.query<{ data: Buffer }>(`SELECT data FROM ${this.table} WHERE namespace = $1 AND id = $2`, [namespace, id]);
    return rows[0] && new Uint8Array(rows[0].data);
  }

  async *list(namespace: string): AsyncIterable<BlobInfo> {
    const pool = await this.ready();
    let after = '';
    for (;;) {
      const { rows } = await pool.query<{ id: string; size: number; touched_at: Date }>(
        `SELECT id, size, touched_at FROM ${this.table} WHERE namespace = $1 AND id > $2 ORDER BY id LIMIT 1000`,
        [namespace, after],
      );
      for (const r of rows) yield { namespace, id: r.id, size: r.size, touchedAt: r.touched_at };
      if (rows.length < 1000) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  async delete(namespace: string, id: string, notTouchedSince: Date): Promise<boolean> {
    const pool = await this.ready();
    const { rowCount } = await pool.query(`DELETE FROM ${this.table} WHERE namespace = $1 AND id = $2 AND touched_at < $3`, [namespace, id, notTouchedSince]);
    return (rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool.catch(() => undefined))?.end();
  }
}

async function loadPg(): Promise<typeof pg> {
  try {
    return (await import('pg')).default;
  } catch (err) {
    throw new PayloadStoreError('PAYLOAD_STORE_CONFIG', 'HARNESS_PAYLOAD_STORE=postgres needs the package "pg": run `npm install pg` in this project.', { cause: err });
  }
}
