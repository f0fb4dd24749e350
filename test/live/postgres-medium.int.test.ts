/** The PostgreSQL live medium on a real PostgreSQL: NOTIFY per batch, one LISTEN connection per process. */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';
import { LiveFrameCodec } from '../../src/live/frame-codec.js';
import { PostgresLiveMedium } from '../../src/live/postgres-medium.js';
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

/** Backends whose last statement was a LISTEN: the listening connections. */
async function listeners(): Promise<number> {
  const { rows } = await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN %' OR query LIKE 'UNLISTEN %'");
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
    const medium = new PostgresLiveMedium(store);
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
});
