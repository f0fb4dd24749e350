/**
 * The live medium of the PostgreSQL payload store: processes on any machine that share the store
 * share live items through it. A publisher sends each batch of lines in ONE statement that both
 * notifies (`pg_notify`) and keeps the lines in an UNLOGGED table (`<store table>_live`) until its
 * attempt ends, on the store's pool; a process that follows runs holds ONE extra connection that
 * LISTENs on one channel per followed run (`hl_<hash of table, namespace and run id>`), so it
 * receives only the runs it shows, and on LISTEN reads the lines the run's attempts in progress
 * already sent (a viewer that joins mid-message gets its start; LISTEN first, so none is missed,
 * and one sent in between may come twice: the merge places text by position). The connection
 * outlives its last follower by {@link LINGER_MS}, so the next run's LISTEN is one statement.
 * Lines are bounded by the frame codec to fit NOTIFY's 8000-byte payload limit; an attempt's kept
 * lines are deleted when it ends, and rows a crashed publisher left are swept after
 * {@link STALE_LIVE_FILE_MS} by the next publisher of the process (at most once per
 * {@link SWEEP_INTERVAL_MS}).
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresBlobStore } from '../payloads/postgres-store.js';
import { randomUUID } from 'node:crypto';
import { MAX_LIVE_FILE_BYTES, STALE_LIVE_FILE_MS, SWEEP_INTERVAL_MS } from './directory-medium.js';
import type { LineListener, LiveMedium, LiveWriter } from './medium.js';

/** Wait before reconnecting a listening connection that broke. */
const RECONNECT_MS = 1000;
/** `application_name` of the listening connections (how to spot them in `pg_stat_activity`). */
export const LISTENER_APPLICATION_NAME = 'temporal-harness live';
const LIVE_LOCK_KEY = 0x68_6c_69_76; // "hliv": the advisory lock guarding CREATE TABLE of the live table
/** A listening connection without followers is closed after this long (unref'd: no process waits for it). */
export const LINGER_MS = 30_000;

export class PostgresLiveMedium implements LiveMedium {
  readonly description: string;
  /** At most 200 statements a second per streaming model call, whatever its token rate. */
  readonly minWriteIntervalMs = 5;
  private readonly channels = new Map<string, Set<LineListener>>();
  private listener: Promise<pg.Client | undefined> | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private ready: Promise<pg.Pool> | undefined;
  private lastSweep = 0;
  /** The connected listener, once connected. */
  private client: pg.Client | undefined;
  /** Bumped by close(): a connection that was being made for an older generation is ended. */
  private generation = 0;

  /** @param lingerMs how long the listening connection outlives its last follower. @default {@link LINGER_MS} */
  constructor(
    private readonly store: PostgresBlobStore,
    private readonly lingerMs = LINGER_MS,
  ) {
    this.description = `PostgreSQL NOTIFY (${store.description})`;
  }

  /** The channel of one run: lower-case hex, so LISTEN and pg_notify name it alike. */
  channel(namespace: string, runId: string): string {
    return `hl_${createHash('sha256').update(`${this.store.table}\0${namespace}\0${runId}`).digest('hex').slice(0, 40)}`;
  }

  /** The table of lines kept while their attempts run. */
  private get liveTable(): string {
    return liveTableOf(this.store);
  }

  /** The store's pool, with the live table created (once per medium). */
  private pool(): Promise<pg.Pool> {
    this.ready ??= (async () => {
      const pool = await this.store.pooled();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock($1)', [LIVE_LOCK_KEY]);
        await client.query(
          `CREATE UNLOGGED TABLE IF NOT EXISTS ${this.liveTable} (
             channel text NOT NULL, writer text NOT NULL, seq bigint NOT NULL, line text NOT NULL,
             at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (channel, writer, seq))`,
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      return pool;
    })().catch((err: unknown) => {
      this.ready = undefined; // the server may be back next time
      throw err;
    });
    return this.ready;
  }

  writer(namespace: string, runId: string): LiveWriter {
    const channel = this.channel(namespace, runId);
    const writer = randomUUID();
    let seq = 0;
    let bytes = 0;
    return {
      write: async (lines) => {
        const size = lines.reduce((n, l) => n + l.length, 0);
        if (bytes + size > MAX_LIVE_FILE_BYTES) return; // full: the durable log carries the rest
        bytes += size;
        const pool = await this.pool();
        this.sweep(pool);
        try {
          // Kept and notified in one statement (one round trip), delivered in this order.
          await pool.query(
            `WITH kept AS (INSERT INTO ${this.liveTable} (channel, writer, seq, line)
               SELECT $1, $2, $3::bigint + i, line FROM unnest($4::text[]) WITH ORDINALITY AS t(line, i))
             SELECT pg_notify($1, line) FROM unnest($4::text[]) WITH ORDINALITY AS t(line, i) ORDER BY i`,
            [channel, writer, seq, lines],
          );
        } catch (err) {
          // The next attempt starts over: the store's pool afresh (it may have been closed) and the
          // live table made again (a restored or wiped database lost it). A lost connection needs
          // nothing: the pool drops a broken client and connects anew.
          this.ready = undefined;
          throw err;
        }
        seq += lines.length;
      },
      end: async () => {
        if (seq === 0) return;
        const pool = await this.pool().catch(() => undefined);
        await pool?.query(`DELETE FROM ${this.liveTable} WHERE channel = $1 AND writer = $2`, [channel, writer]).catch(() => undefined);
      },
    };
  }

  /** Deletes lines of attempts that ended without cleaning up (a crashed worker), now and then. */
  private sweep(pool: pg.Pool): void {
    if (Date.now() - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = Date.now();
    void staleRows(pool, this.liveTable, 'DELETE').catch(() => undefined);
  }

  /** LISTENs on `channel`, then hands its followers the lines its attempts in progress already sent. */
  private async listen(client: pg.Client, channel: string): Promise<void> {
    await client.query(`LISTEN "${channel}"`);
    await this.pool();
    const { rows } = await client.query<{ line: string }>(`SELECT line FROM ${this.liveTable} WHERE channel = $1 ORDER BY writer, seq`, [channel]);
    for (const { line } of rows) this.channels.get(channel)?.forEach((l) => l(line, true));
  }

  subscribe(namespace: string, runId: string, onLine: LineListener): () => void {
    const channel = this.channel(namespace, runId);
    let listeners = this.channels.get(channel);
    if (!listeners) {
      clearTimeout(this.idle);
      this.channels.set(channel, (listeners = new Set()));
      // A connection being made LISTENs on every channel followed once it is up.
      if (this.client) void this.listen(this.client, channel).catch(() => undefined);
      else void this.connection();
    }
    listeners.add(onLine);
    return () => {
      listeners.delete(onLine);
      if (listeners.size > 0 || this.channels.get(channel) !== listeners) return;
      this.channels.delete(channel);
      void this.listener?.then((c) => c?.query(`UNLISTEN "${channel}"`).catch(() => undefined));
      // Kept a while for the next run to follow: a new connection per run would miss its first tokens.
      if (this.channels.size === 0) this.idle = setTimeout(() => this.channels.size === 0 && this.close(), this.lingerMs).unref();
    };
  }

  /** The listening connection, connected and listening on every followed channel (undefined while the server is away). */
  private connection(): Promise<pg.Client | undefined> {
    this.listener ??= this.connect();
    return this.listener;
  }

  private async connect(): Promise<pg.Client | undefined> {
    const generation = this.generation;
    let client: pg.Client;
    try {
      client = await this.store.connectDedicated(LISTENER_APPLICATION_NAME);
    } catch {
      if (generation === this.generation) this.retryLater();
      return undefined;
    }
    if (generation !== this.generation) {
      // Closed (every follower left) while this connected: a newer connection, if any, serves.
      await client.end().catch(() => undefined);
      return undefined;
    }
    client.on('notification', ({ channel, payload }) => {
      if (payload) this.channels.get(channel)?.forEach((l) => l(payload, false));
    });
    const broken = () => {
      client.removeAllListeners('end');
      client.end().catch(() => undefined);
      if (this.client !== client) return;
      this.client = undefined;
      this.listener = undefined;
      this.retryLater();
    };
    client.on('error', broken);
    client.on('end', broken);
    // The listener alone never keeps a process alive (a CLI that followed a run exits when done;
    // while it follows, its durable poll holds the process open anyway).
    (client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    this.client = client;
    for (const channel of this.channels.keys()) await this.listen(client, channel).catch(() => undefined);
    if (this.channels.size === 0) this.close(); // the last follower left while this connected
    return client;
  }

  private retryLater(): void {
    this.listener = undefined;
    if (this.reconnect || this.channels.size === 0) return;
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      if (this.channels.size > 0) void this.connection();
    }, RECONNECT_MS);
    this.reconnect.unref();
  }

  private close(): void {
    this.generation++;
    clearTimeout(this.reconnect);
    this.reconnect = undefined;
    const client = this.client;
    this.client = undefined;
    this.listener = undefined;
    client?.removeAllListeners('end');
    void client?.end().catch(() => undefined);
  }
}

/** The live table of a PostgreSQL payload store (`<store table>_live`). */
export function liveTableOf(store: PostgresBlobStore): string {
  return `${store.table}_live`;
}

/**
 * Deletes the live lines older than {@link STALE_LIVE_FILE_MS} from a PostgreSQL store's live
 * table, as the database's clock tells (`harness payloads gc`): lines of model calls that ended
 * without cleaning up. No live table (nothing ever streamed there) is nothing to delete.
 * @param dryRun count them, delete nothing.
 * @returns how many were (or would be) deleted.
 */
export async function sweepStaleLiveRows(store: PostgresBlobStore, dryRun = false): Promise<number> {
  const pool = await store.pooled();
  try {
    return await staleRows(pool, liveTableOf(store), dryRun ? 'COUNT' : 'DELETE');
  } catch (err) {
    if ((err as { code?: unknown }).code === UNDEFINED_TABLE) return 0;
    throw err;
  }
}

const UNDEFINED_TABLE = '42P01';

/** Counts or deletes the live lines older than the stale bound; returns how many. */
async function staleRows(pool: pg.Pool, table: string, what: 'COUNT' | 'DELETE'): Promise<number> {
  const stale = `at < now() - make_interval(secs => $1)`;
  if (what === 'DELETE') return (await pool.query(`DELETE FROM ${table} WHERE ${stale}`, [STALE_LIVE_FILE_MS / 1000])).rowCount ?? 0;
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${stale}`, [STALE_LIVE_FILE_MS / 1000]);
  return rows[0]?.n ?? 0;
}
