/** The PostgreSQL live medium on a real PostgreSQL: NOTIFY per batch, one LISTEN connection per process. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';
import { LiveFrameCodec } from '../../src/live/frame-codec.js';
import { LISTENER_APPLICATION_NAME, PostgresLiveMedium } from '../../src/live/postgres-medium.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { eventually } from '../support/eventually.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

let server: TestPostgres;
let store: PostgresBlobStore;
let admin: pg.Client;
beforeAll(async () => {
  server = await startPostgres();
  store = new PostgresBlobStore(server.url, 'live_blobs');
  admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await store?.close();
  await server?.stop();
});

/** The listening connections. */
async function listeners(): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [LISTENER_APPLICATION_NAME]);
  return Number(rows[0]!.n);
}

describe('PostgreSQL live medium', () => {
  it('delivers each run its own lines in order, over one listening connection', async () => {
    const medium = new PostgresLiveMedium(store, 0);
    const got: Record<string, string[]> = { a: [], b: [] };
    const stops = [medium.subscribe('default', 'a', (l) => got.a!.push(l)), medium.subscribe('default', 'b', (l) => got.b!.push(l))];
    await eventually(listeners, (n) => n === 1, 'one listening connection');
    const wa = medium.writer('default', 'a');
    const wb = medium.writer('default', 'b');
    // LISTEN is sent without waiting: give it a first line to prove it took effect.
    await eventually(async () => (await wa.write(['ping']), got.a!.length), (n) => n > 0, 'the LISTEN to take effect');
    await wa.write(['1', '2', '3']);
    await wb.write(['x']);
    await wa.write(['4']);
    await eventually(() => `${got.a!.filter((l) => l !== 'ping').join()}|${got.b!.join()}`, (s) => s === '1,2,3,4|x', 'the lines of each run');
    stops.forEach((stop) => stop());
    await eventually(listeners, (n) => n === 0, 'the listening connection to close after the last follower (linger 0 here)');
  });

  it('carries a long delta in notifications under the 8000-byte limit, reassembled in order', async () => {
    const medium = new PostgresLiveMedium(store, 0);
    const codec = new LiveFrameCodec(undefined);
    const text = 'naïve café ☕ '.repeat(2000);
    const pieces: string[] = [];
    const stop = medium.subscribe('default', 'long', (line) => {
      expect(Buffer.byteLength(line)).toBeLessThan(8000);
      for (const { position, event } of codec.decode(line, 'default', 'long')!.items) {
        expect(position).toBe(pieces.join('').length);
        pieces.push('text' in event ? event.text : '');
      }
    });
    const writer = medium.writer('default', 'long');
    const item = { position: 0, event: { type: 'output.delta', runId: 'long', agentId: 'a', at: '', step: 1, attempt: 1, messageId: 'long:step-1', text } } as LiveRunEvent;
    let seq = 0;
    const lines = await codec.encode({ origin: 'elsewhere', namespace: 'default', runId: 'long' }, [item], () => seq++);
    expect(lines.length).toBeGreaterThan(3);
    await eventually(
      async () => {
        pieces.length = 0;
        await writer.write(lines);
        return pieces.join('').length;
      },
      (n) => n === text.length,
      'the whole delta',
    );
    expect(pieces.join('')).toBe(text);
    stop();
  });

  it('gives a follower that joins mid-attempt the lines sent so far, as past; none once the attempt ended', async () => {
    const medium = new PostgresLiveMedium(store, 0);
    const writer = medium.writer('default', 'joiner');
    await writer.write(['a', 'b']);
    const got: [string, boolean][] = [];
    const stop = medium.subscribe('default', 'joiner', (line, past) => got.push([line, past]));
    await eventually(() => got.length, (n) => n === 2, 'the kept lines');
    // LISTEN is on (the kept lines are read after it): one write, and its notification is awaited,
    // so none of this attempt's is still in flight when the late follower below subscribes.
    await writer.write(['c']);
    await eventually(() => got.filter(([l]) => l === 'c').length, (n) => n === 1, 'a new line');
    expect(got.slice(0, 2)).toEqual([
      ['a', true],
      ['b', true],
    ]);
    expect(got.find(([l]) => l === 'c')).toEqual(['c', false]);
    stop();
    await writer.end();
    const late: string[] = [];
    const stopLate = medium.subscribe('default', 'joiner', (line) => late.push(line));
    const next = medium.writer('default', 'joiner');
    await eventually(async () => (await next.write(['next']), late.length), (n) => n > 0, 'the late follower to listen');
    expect(late.filter((l) => l !== 'next')).toEqual([]);
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM live_blobs_live WHERE channel = $1', [medium.channel('default', 'joiner')]);
    expect(rows[0]!.n).toBeGreaterThan(0); // the second attempt's, still running
    await next.end();
    const after = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM live_blobs_live WHERE channel = $1', [medium.channel('default', 'joiner')]);
    expect(after.rows[0]!.n).toBe(0);
    stopLate();
  });
});
