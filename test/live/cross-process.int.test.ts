/**
 * The cross-process live tail: the worker runs in a child process, the follower here has no worker,
 * and both share the payload store (the test run's directory store, or a real PostgreSQL). Deltas
 * reach the follower marked `live`, which the merge only passes when they come AHEAD of the durable
 * log's copy (a live delta behind its durable copy is skipped); every character arrives once, also
 * when the model call is retried on another worker process after the first one died mid-stream.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { HarnessClient, MessageText, type HarnessEventItem, type RunHandle } from '../../src/client/index.js';
import { dataConverterFromEnv } from '../../src/codec/data-converter.js';
import { LIVE_DIR, runKey } from '../../src/live/directory-medium.js';
import { eventually } from '../support/eventually.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const KEY = Buffer.alloc(32, 5).toString('base64');
const TEXT = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma';

function workspace(delay: string, extra = ''): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    streamDelay: ${delay}
    script:
      - turns: [{ text: "${TEXT}", reasoning: "Reciting." }]
agents:
  - { id: a, model: m }
${extra}`,
  );
}

async function collect(run: RunHandle, live: boolean, onLive?: () => void): Promise<HarnessEventItem[]> {
  const items: HarnessEventItem[] = [];
  for await (const item of run.events({ live })) {
    if (item.live && items.every((i) => !i.live)) onLive?.();
    items.push(item);
  }
  return items;
}

/** The decoded contents (base64 lines, decoded) of a run's live files in the directory store. */
function liveFileTexts(runId: string): string[] {
  const dir = join(process.env.HARNESS_PAYLOAD_DIR!, LIVE_DIR, 'default');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith(runKey(runId)))
    .flatMap((n) => readFileSync(join(dir, n), 'latin1').split('\n'))
    .filter(Boolean)
    .map((line) => Buffer.from(line, 'base64').toString('latin1'));
}

function messageText(items: HarnessEventItem[], messageId: string): string {
  const texts = new MessageText();
  for (const { event } of items) texts.apply(event);
  return texts.text(messageId);
}

function liveText(items: HarnessEventItem[]): string {
  return items.map((i) => (i.live && i.event.type === 'output.delta' ? i.event.text : '')).join('');
}

describe.each([
  ['directory store', 'directory'],
  ['directory store with an encryption key', 'encrypted'],
  ['PostgreSQL store', 'postgres'],
] as const)('the live tail in another process, %s', (_name, store) => {
  let pg: TestPostgres | undefined;
  let env: Record<string, string> = {};
  const workers: WorkerProcess[] = [];
  // An encrypting worker needs the bundle whose failure converter encodes messages.
  const workerOptions = () => ({ env, ...(store === 'encrypted' && { bundlePath: inject('encodedFailuresBundlePath') }) });
  beforeAll(async () => {
    if (store === 'encrypted') env = { HARNESS_ENCRYPTION_KEY: KEY };
    if (store !== 'postgres') return;
    pg = await startPostgres();
    env = { HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: pg.url, HARNESS_PAYLOAD_TABLE: `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}` };
  });
  afterAll(async () => pg?.stop());
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });

  const connect = (taskQueue: string) => HarnessClient.connect({ address: temporalAddress(), taskQueue, dataConverter: dataConverterFromEnv({ ...process.env, ...env }) });

  it('reaches a follower without the worker ahead of the log, each character once', async () => {
    const taskQueue = uniqueId('tq');
    workers.push(await spawnWorker(workspace('40ms'), taskQueue, workerOptions()));
    const client = await connect(taskQueue);
    try {
      const run = await client.startRun({ agentId: 'a', input: 'recite' });
      const seen: string[] = [];
      const [live, durable] = await Promise.all([collect(run, true, () => seen.push(...liveFileTexts(run.runId))), collect(run, false)]);
      if (store !== 'postgres') expect(seen.length).toBeGreaterThan(0); // the files were read mid-stream
      // What sits on the shared medium is as encrypted as the blobs: with a key, no word of the answer.
      if (store === 'encrypted') for (const text of seen) expect(text).not.toMatch(/alpha|gamma|Reciting|output\.delta/);
      const messageId = `${run.runId}:step-1`;
      expect(messageText(live, messageId)).toBe(TEXT);
      expect(messageText(durable, messageId)).toBe(TEXT);
      expect(durable.some((i) => i.live)).toBe(false);
      // Live text is passed on only ahead of its durable copy: most of the answer came that way.
      expect(liveText(live).length).toBeGreaterThan(TEXT.length / 2);
      expect(TEXT.startsWith(liveText(live).slice(0, 5))).toBe(true);
      expect(live.at(-1)!.event).toMatchObject({ type: 'run.completed', output: TEXT });
    } finally {
      await client.close();
    }
  });

  it('shows a model call retried on another worker process once: the new attempt resets the message', async () => {
    const ws = workspace('150ms', 'limits:\n  heartbeatTimeout: 3s\n  modelRetry: { initialInterval: 10ms }\n');
    const taskQueue = uniqueId('tq');
    const first = await spawnWorker(ws, taskQueue, workerOptions());
    workers.push(first);
    const client = await connect(taskQueue);
    try {
      const run = await client.startRun({ agentId: 'a', input: 'recite' });
      const items: HarnessEventItem[] = [];
      const iterator = run.events({ live: true });
      const readUntil = async (stop: (i: HarnessEventItem) => boolean) => {
        for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
          items.push(r.value);
          if (stop(r.value)) return;
        }
      };
      // The first worker is mid-stream and its text reached this process live.
      await readUntil((i) => i.live === true && i.event.type === 'output.delta' && liveText(items).length > 10);
      await first.kill();
      workers.push(await spawnWorker(ws, taskQueue, workerOptions()));
      await readUntil(() => false);

      const messageId = `${run.runId}:step-1`;
      expect(items.filter((i) => i.event.type === 'output.reset').map((i) => i.event)).toMatchObject([{ attempt: 2 }]);
      expect(items.some((i) => i.live && i.event.type === 'output.delta' && i.event.attempt === 2)).toBe(true);
      expect(messageText(items, messageId)).toBe(TEXT);
      expect(items.at(-1)!.event).toMatchObject({ type: 'run.completed', output: TEXT });
    } finally {
      await client.close();
    }
  });

  it.runIf(store === 'directory')('leaves no live file behind once attempts end', async () => {
    const taskQueue = uniqueId('tq');
    workers.push(await spawnWorker(workspace('5ms'), taskQueue, workerOptions()));
    const client = await connect(taskQueue);
    try {
      const run = await client.startRun({ agentId: 'a', input: 'recite' });
      await collect(run, true);
      await run.result();
      const dir = join(process.env.HARNESS_PAYLOAD_DIR!, LIVE_DIR, 'default');
      const left = () => readdirSync(dir).filter((n) => n.startsWith(runKey(run.runId)));
      // The publisher removes its file in the background once the attempt has ended.
      await eventually(left, (names) => names.length === 0, 'the run\'s live files to be removed');
    } finally {
      await client.close();
    }
  });
});
