/**
 * A live medium that fails (PostgreSQL down, a live directory that cannot be created): the
 * publisher goes on without it, says so ONCE through its logger (the medium named, the cause, no
 * password), and the next model-call attempt tries the medium again, so once the medium is back its
 * followers get live frames again (and the recovery is logged once).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';
import { HarnessClient } from '../../src/client/index.js';
import { dataConverterFromEnv, harnessDataConverter } from '../../src/codec/data-converter.js';
import { LIVE_DIR } from '../../src/live/directory-medium.js';
import { LivePublisher } from '../../src/live/publisher.js';
import { sharedMediumOf, type LiveClient } from '../../src/live/shared-medium.js';
import type { BlobStore } from '../../src/payloads/blob-store.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { eventually } from '../support/eventually.js';
import { tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { spawnWorker } from '../support/spawn-worker.js';

interface Entry {
  level: LogLevel;
  message: string;
  meta?: LogMetadata;
}

/** A Temporal `Logger` that keeps what it is given. */
function recordingLogger(): Logger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const at = (level: LogLevel) => (message: string, meta?: LogMetadata) => void entries.push({ level, message, ...(meta && { meta }) });
  return { entries, log: (level, message, meta) => at(level)(message, meta), trace: at('TRACE'), debug: at('DEBUG'), info: at('INFO'), warn: at('WARN'), error: at('ERROR') };
}

function clientOn(store: BlobStore): LiveClient {
  return { options: { namespace: 'default', loadedDataConverter: loadDataConverter(harnessDataConverter({ payloadStore: { store, threshold: 1 << 20 } })) } };
}

function delta(runId: string, text: string, position: number): LiveRunEvent {
  return { position, event: { type: 'output.delta', runId, agentId: 'a', at: new Date().toISOString(), step: 1, attempt: 1, messageId: `${runId}:step-1`, text } } as LiveRunEvent;
}

/**
 * One model-call attempt: `count` deltas over as many ticks (so as many batches as the medium
 * takes). Returns once its writes are done (or failed); its end (which removes its lines) is left
 * to `close()`, so a follower gets them first.
 */
async function attempt(client: LiveClient, runId: string, log: Logger, count = 20): Promise<LivePublisher> {
  const publisher = new LivePublisher(client, runId, log);
  for (let i = 0; i < count; i++) {
    publisher.publish(delta(runId, 'x', i));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await publisher.idle();
  return publisher;
}

/** An attempt that is over at once. */
async function ended(client: LiveClient, runId: string, log: Logger): Promise<void> {
  (await attempt(client, runId, log)).close();
}

/**
 * The text the medium delivers for `runId`, from any process, by position: a medium may deliver a
 * line twice (PostgreSQL: a NOTIFY that raced the kept lines read after LISTEN), as followers know.
 */
function received(client: LiveClient, runId: string): { text: () => string; stop: () => void } {
  const { medium, codec } = sharedMediumOf(client)!;
  const byPosition = new Map<number, string>();
  const stop = medium.subscribe('default', runId, (line) => {
    for (const { event, position } of codec.decode(line, 'default', runId)?.items ?? []) byPosition.set(position, 'text' in event ? event.text : '');
  });
  const text = () => [...byPosition.entries()].sort(([a], [b]) => a - b).map(([, t]) => t).join('');
  return { text, stop };
}

const warnings = (log: { entries: Entry[] }) => log.entries.filter((e) => e.level === 'WARN');
const infos = (log: { entries: Entry[] }) => log.entries.filter((e) => e.level === 'INFO');

describe('a failing live medium', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => pg?.stop());

  it('PostgreSQL down: one warning naming the medium and cause, no password; live again once it is back', async () => {
    const table = `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}`;
    // Trust authentication ignores the password, so it can be one the log must never show.
    const url = pg.url.replace('postgres://harness@', 'postgres://harness:s3cret-pw@');
    const store = new PostgresBlobStore(url, table);
    const client = clientOn(store);
    const log = recordingLogger();
    try {
      const before = received(client, 'before');
      const first = await attempt(client, 'before', log);
      await eventually(before.text, (t) => t.length === 20, 'the first attempt\'s frames');
      first.close();
      before.stop();

      pg.down();
      await ended(client, 'down-1', log);
      await ended(client, 'down-2', log); // tries again (and fails again): no second warning
      expect(warnings(log)).toHaveLength(1);
      const [warning] = warnings(log);
      expect(warning!.message).toContain(`PostgreSQL NOTIFY (PostgreSQL store (table ${table}))`);
      // The pool's idle connection broke, or a new one was refused: either way the driver's words.
      expect(warning!.message).toMatch(/failed \((connect ECONNREFUSED [\d.:]+|Connection terminated unexpectedly)\)/);
      expect(warning!.meta).toMatchObject({ liveMedium: `PostgreSQL NOTIFY (PostgreSQL store (table ${table}))` });
      expect(JSON.stringify(log.entries)).not.toMatch(/s3cret|postgres:\/\//);

      pg.up();
      const after = received(client, 'after');
      const back = await attempt(client, 'after', log);
      await eventually(after.text, (t) => t.length === 20, 'frames of an attempt after the server came back');
      back.close();
      after.stop();
      expect(warnings(log)).toHaveLength(1);
      expect(infos(log).map((e) => e.message)).toEqual([`Live tail: the shared medium PostgreSQL NOTIFY (PostgreSQL store (table ${table})) works again.`]);
    } finally {
      await store.close();
    }
  });

  it('a worker whose PostgreSQL went down: runs complete, its log has one warning (no password)', async () => {
    const url = pg.url.replace('postgres://harness@', 'postgres://harness:s3cret-pw@');
    const env = {
      HARNESS_PAYLOAD_STORE: 'postgres',
      HARNESS_PAYLOAD_POSTGRES_URL: url,
      HARNESS_PAYLOAD_TABLE: `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}`,
      HARNESS_LOG_LEVEL: 'WARN',
    };
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 5ms
    script:
      - turns: [{ text: "one two three four five six seven eight nine ten" }]
agents:
  - { id: a, model: m }
`,
    );
    const taskQueue = uniqueId('tq');
    const worker = await spawnWorker(workspace, taskQueue, { env });
    const client = await HarnessClient.connect({ address: temporalAddress(), taskQueue, dataConverter: dataConverterFromEnv({ ...process.env, ...env }) });
    pg.down();
    try {
      for (let i = 0; i < 2; i++) expect((await client.startRun({ agentId: 'a', input: 'count' }).then((r) => r.result())).output).toMatch(/^one two/);
      const warned = worker.output().split('\n').filter((l) => l.includes('Live tail: the shared medium'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/WARN/);
      expect(warned[0]).toContain(`PostgreSQL NOTIFY (PostgreSQL store (table ${env.HARNESS_PAYLOAD_TABLE}))`);
      expect(worker.output()).not.toContain('s3cret');
    } finally {
      pg.up();
      await client.close();
      await worker.kill();
    }
  });

  it('PostgreSQL live table gone (a restored database): the next attempt makes it again', async () => {
    const table = `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}`;
    const store = new PostgresBlobStore(pg.url, table);
    const client = clientOn(store);
    const log = recordingLogger();
    try {
      await ended(client, 'first', log);
      const pool = await store.pooled();
      await pool.query(`DROP TABLE ${table}_live`);
      await ended(client, 'lost', log);
      expect(warnings(log)).toHaveLength(1);
      expect(warnings(log)[0]!.message).toMatch(new RegExp(`relation "${table}_live" does not exist`));
      const after = received(client, 'again');
      const again = await attempt(client, 'again', log);
      await eventually(after.text, (t) => t.length === 20, 'frames once the table was made again');
      again.close();
      after.stop();
      expect(infos(log)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('directory medium that cannot be written: one warning naming the directory; live again once it can', async () => {
    const root = tempDir();
    const client = clientOn(new DirectoryBlobStore(root));
    const log = recordingLogger();
    // A file where the live directory belongs: creating `.live/default` fails (ENOTDIR), whoever runs this.
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, LIVE_DIR), 'in the way');
    await ended(client, 'blocked-1', log);
    await ended(client, 'blocked-2', log);
    expect(warnings(log)).toHaveLength(1);
    expect(warnings(log)[0]!.message).toContain(`directory ${join(root, LIVE_DIR)}`);
    expect(warnings(log)[0]!.message).toMatch(/ENOTDIR|EEXIST/);

    rmSync(join(root, LIVE_DIR));
    const after = received(client, 'free');
    const free = await attempt(client, 'free', log);
    await eventually(after.text, (t) => t.length === 20, 'frames once the directory can be made');
    free.close();
    after.stop();
    expect(warnings(log)).toHaveLength(1);
    expect(infos(log)).toHaveLength(1);
  });
});
