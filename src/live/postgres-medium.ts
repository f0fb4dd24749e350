/**
 * The live medium of the PostgreSQL payload store: processes on any machine that share the store
 * share live items through NOTIFY. A publisher sends each batch of lines with `pg_notify` on the
 * store's pool (one statement, no transaction of its own to wait on); a process that follows runs
 * holds ONE extra connection that LISTENs on one channel per followed run (`hl_<hash of table,
 * namespace and run id>`), so it receives only the runs it shows; the connection outlives its last
 * follower by {@link LINGER_MS}, so the next run's LISTEN is one statement, not a new connection. Notifications are not stored:
 * nothing to clean up, and a listener that was down misses them (the durable log has the text).
 * Lines are bounded by the frame codec to fit NOTIFY's 8000-byte payload limit.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { PostgresBlobStore } from '../payloads/postgres-store.js';
import type { LineListener, LiveMedium, LiveWriter } from './medium.js';

/** Wait before reconnecting a listening connection that broke. */
const RECONNECT_MS = 1000;
/** A listening connection without followers is closed after this long (unref'd: no process waits for it). */
export const LINGER_MS = 30_000;

export class PostgresLiveMedium implements LiveMedium {
  readonly description: string;
  private readonly channels = new Map<string, Set<LineListener>>();
  private listener: Promise<pg.Client | undefined> | undefined;
  private reconnect: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
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

  writer(namespace: string, runId: string): LiveWriter {
    const channel = this.channel(namespace, runId);
    return {
      write: async (lines) => {
        const pool = await this.store.pooled();
        // Several lines in one statement, delivered in this order.
        await pool.query('SELECT pg_notify($1, line) FROM unnest($2::text[]) WITH ORDINALITY AS t(line, i) ORDER BY i', [channel, lines]);
      },
      end: async () => {},
    };
  }

  subscribe(namespace: string, runId: string, onLine: LineListener): () => void {
    const channel = this.channel(namespace, runId);
    let listeners = this.channels.get(channel);
    if (!listeners) {
      clearTimeout(this.idle);
      this.channels.set(channel, (listeners = new Set()));
      void this.connection().then((c) => c?.query(`LISTEN "${channel}"`).catch(() => undefined));
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
      client = await this.store.connectDedicated();
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
    for (const channel of this.channels.keys()) await client.query(`LISTEN "${channel}"`).catch(() => undefined);
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
