/**
 * `harness payloads gc` also sweeps what crashed workers left of the live path: live files of the
 * directory store and rows of the PostgreSQL store's `<table>_live`, once 15 minutes old; a dry
 * run counts them; younger ones (an attempt still streaming) stay. In a namespace of its own, so
 * the blob collection reads only this test's (empty) history.
 */
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpNamespace } from '../../src/cluster/namespace-setup.js';
import { LIVE_DIR, runKey } from '../../src/live/directory-medium.js';
import { PostgresLiveMedium } from '../../src/live/postgres-medium.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { cliEnv, harness } from '../support/cli.js';
import { tempDir, temporalAddress, uniqueId } from '../support/harness.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';

const namespace = uniqueId('gc-ns').replace(/[^\w-]/g, '-');
let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
  await setUpNamespace(temporalAddress(), namespace, Date.now() + 60_000);
});
afterAll(async () => server?.stop());

const env = (vars: Record<string, string>) => ({ ...cliEnv({ address: temporalAddress(), taskQueue: uniqueId('tq') }), TEMPORAL_NAMESPACE: namespace, ...vars });

describe('harness payloads gc and the live path', () => {
  it('deletes PostgreSQL live rows older than 15 minutes, counts them in a dry run, keeps younger ones', async () => {
    const table = `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}`;
    const store = new PostgresBlobStore(server.url, table);
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    try {
      // Lines as publishers write them: one attempt that crashed 20 minutes ago, one streaming now.
      const medium = new PostgresLiveMedium(store, 0);
      await medium.writer('default', 'crashed').write(['a', 'b', 'c']);
      await medium.writer('other-ns', 'streaming').write(['d']);
      await admin.query(`UPDATE ${table}_live SET at = now() - interval '20 minutes' WHERE channel = $1`, [medium.channel('default', 'crashed')]);
      const rows = async () => (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}_live`)).rows[0]!.n;
      const vars = env({ HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: server.url, HARNESS_PAYLOAD_TABLE: table });

      const dry = await harness(['payloads', 'gc', '--dry-run'], vars);
      expect(dry.stderr).toBe('');
      expect(dry.stdout).toContain(`would remove 3 stale live row(s) (table ${table}_live) of model calls that ended without cleaning up`);
      expect(await rows()).toBe(4);

      const real = await harness(['payloads', 'gc'], vars);
      expect(real.code).toBe(0);
      expect(real.stdout).toContain(`removed 3 stale live row(s) (table ${table}_live) of model calls that ended without cleaning up`);
      expect(await rows()).toBe(1);

      const again = await harness(['payloads', 'gc', '--json'], vars);
      expect(JSON.parse(again.stdout)).toMatchObject({ staleLiveRows: 0, staleLiveFiles: 0 });
      expect(await rows()).toBe(1);
      // A store whose live table was never made (nothing streamed there): nothing to sweep, no error.
      const fresh = await harness(['payloads', 'gc', '--json'], { ...vars, HARNESS_PAYLOAD_TABLE: `${table}_fresh` });
      expect(fresh.code).toBe(0);
      expect(JSON.parse(fresh.stdout)).toMatchObject({ staleLiveRows: 0 });
    } finally {
      await admin.end();
      await store.close();
    }
  });

  it('removes live files older than 15 minutes of a directory store, and says so', async () => {
    const root = tempDir();
    const dir = join(root, LIVE_DIR, 'default');
    mkdirSync(dir, { recursive: true });
    const file = (name: string, ageMs: number) => {
      const path = join(dir, `${runKey(name)}.${name}.live`);
      writeFileSync(path, 'bGluZQ==\n');
      const at = new Date(Date.now() - ageMs);
      utimesSync(path, at, at);
      return path;
    };
    const stale = [file('crashed-1', 20 * 60_000), file('crashed-2', 60 * 60_000)];
    const young = file('streaming', 60_000);
    const vars = env({ HARNESS_PAYLOAD_STORE: 'directory', HARNESS_PAYLOAD_DIR: root });

    const dry = await harness(['payloads', 'gc', '--dry-run'], vars);
    expect(dry.stdout).toContain(`would remove 2 stale live file(s) (${join(root, LIVE_DIR)})`);
    expect(stale.every(existsSync)).toBe(true);
    const real = await harness(['payloads', 'gc'], vars);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`removed 2 stale live file(s) (${join(root, LIVE_DIR)}) of model calls that ended without cleaning up`);
    expect(stale.some(existsSync)).toBe(false);
    expect(existsSync(young)).toBe(true);
  });
});
