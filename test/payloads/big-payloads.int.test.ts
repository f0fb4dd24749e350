/**
 * Issue 15 §1, done means: a run whose tools return 20 results of 1 MB each, with a 10 MB inline
 * file and a 5 MB input, completes; the model (an OpenAI-compatible stub that records what it is
 * sent) got the whole input and file and each result cut at the tool's `maxResultChars` with its
 * truncation marker; nothing is lost (every full text is read back by reference); history stays
 * under 1 MB and the result, `status`, the event stream and each transcript page answer in under
 * 1 MB each. The same with a worker SIGKILLed mid-run, and with the PostgreSQL store shared by two
 * worker processes. Figures (history bytes, reply sizes, run time) are printed for the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HarnessClient, inlineFile } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { fileLines, temporalAddress, uniqueId } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/paths.js';
import { startPostgres } from '../support/postgres.js';
import { spawnWorker } from '../support/spawn-worker.js';
import { withHarnessWorker } from '../support/security.js';
import { startOpenAIStub, type OpenAIStub } from '../support/openai-stub.js';
import { FILE_BYTES, RESULTS, STUB_KEY_ENV, bigInput, bigResultsModel, bigResultsWorkspace, checkBigRun, type BigRunInputs } from './payload-helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUT_BYTES = 5_000_000;
// Each run moves ~40 MB through the store and ~17 MB per model request; two cores shared by many test runs.
const TIMEOUT_MS = 300_000;

let stub: OpenAIStub;
beforeAll(async () => {
  stub = await startOpenAIStub(bigResultsModel());
  process.env[STUB_KEY_ENV] = 'stub-key';
});
afterAll(async () => {
  await stub.close();
  delete process.env[STUB_KEY_ENV];
});

/** The run's input and its 10 MB inline file. */
function bigRunInputs(): BigRunInputs {
  return { input: bigInput(INPUT_BYTES), file: { name: 'big.txt', content: bigInput(FILE_BYTES, 'file-') } };
}

function startBigRun(client: HarnessClient, given: BigRunInputs) {
  return client.startRun({ agentId: 'bulk', input: given.input, files: [inlineFile(given.file!.name, given.file!.content, 'text/plain')] });
}

describe('payloads by reference: big tool results, inputs and files never reach history or replies inline', () => {
  it('20 results of 1 MB, a 10 MB inline file and a 5 MB input: completes, the model saw each result cut with its marker, nothing lost, every reply under 1 MB', async () => {
    stub.setHandler(bigResultsModel());
    const given = bigRunInputs();
    await withHarnessWorker(bigResultsWorkspace({ stub }), async ({ client }) => {
      const started = Date.now();
      const run = await startBigRun(client, given);
      const figures = await checkBigRun(client, run, given, stub);
      console.log(`[payloads] directory store: ${JSON.stringify({ ...figures, runMs: Date.now() - started })}`);

      // The HTTP API serves a blob the run references (checked against its hash), and no other.
      const app = createHttpApp(client);
      const { messages } = await run.transcript({ offset: 1, limit: 2 });
      const ref = messages.find((m) => m.contentRef)!.contentRef!;
      const res = await app.request(`/runs/${run.runId}/blobs/${ref.blobId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-content-sha256')).toBe(ref.sha256);
      expect((await res.arrayBuffer()).byteLength).toBe(ref.size);
      const other = await app.request(`/runs/${run.runId}/blobs/sha256-${'0'.repeat(64)}`);
      expect(other.status).toBe(404);
      expect(((await other.json()) as { error: { code: string } }).error.code).toBe('CONTENT_NOT_FOUND');
      expect((await app.request(`/runs/${run.runId}/blobs/not-a-blob`)).status).toBe(400);
      const page = await app.request(`/runs/${run.runId}/transcript?offset=0&limit=5`);
      expect(page.status).toBe(200);
      expect((await page.json()) as unknown).toMatchObject({ offset: 0, nextOffset: 5, total: RESULTS + 3 });
    });
  }, TIMEOUT_MS);

  it('the same with the worker SIGKILLed mid-run: a second worker process finishes it', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    stub.setHandler(bigResultsModel({ file: effects, gate }));
    const workspace = bigResultsWorkspace({ file: effects, gate, heartbeat: '10s', stub });
    const taskQueue = uniqueId('tq-kill');
    const given = bigRunInputs();
    const first = await spawnWorker(workspace, taskQueue);
    const client = await HarnessClient.connect({ address: temporalAddress(), taskQueue });
    try {
      const started = Date.now();
      const run = await startBigRun(client, given);
      // Half the results are stored, the other half wait at the gate when the worker dies.
      await eventually(() => fileLines(effects).length, (n) => n === RESULTS / 2, 'the ungated half of the results written', { timeoutMs: 60_000 });
      await first.kill();
      writeFileSync(gate, '');
      const second = await spawnWorker(workspace, taskQueue);
      try {
        const figures = await checkBigRun(client, run, given, stub);
        const pids = new Set(fileLines(effects).map((l) => l.split(' ')[1]));
        expect(pids).toEqual(new Set([String(first.child.pid), String(second.child.pid)]));
        // Every index ran: the first half on the killed worker (one that had not reported yet runs
        // again: at least once), the gated half on the second; the result holds each exactly once.
        expect(new Set(fileLines(effects).map((l) => l.split(' ')[0])).size).toBe(RESULTS);
        console.log(`[payloads] directory store, worker SIGKILLed: ${JSON.stringify({ ...figures, runMs: Date.now() - started })}`);
      } finally {
        await second.kill();
      }
    } finally {
      await first.kill();
      await client.close();
    }
  }, TIMEOUT_MS);

  it('the PostgreSQL store shared by two worker processes: the second reads what the first stored', async () => {
    const pg = await startPostgres();
    const env = { HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: pg.url, HARNESS_PAYLOAD_DIR: join(tempDir(), 'unused') };
    const store = new PostgresBlobStore(pg.url);
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    stub.setHandler(bigResultsModel({ file: effects, gate }));
    const workspace = bigResultsWorkspace({ file: effects, gate, heartbeat: '10s', stub });
    const taskQueue = uniqueId('tq-pg');
    const given = bigRunInputs();
    const a = await spawnWorker(workspace, taskQueue, { env });
    const client = await HarnessClient.connect({
      address: temporalAddress(),
      taskQueue,
      dataConverter: harnessDataConverter({ payloadStore: { store, threshold: 32 * 1024 } }),
    });
    try {
      const started = Date.now();
      const run = await startBigRun(client, given);
      await eventually(() => fileLines(effects).length, (n) => n === RESULTS / 2, 'the ungated half of the results written by worker A', { timeoutMs: 60_000 });
      // B joins, then A dies with half the results in flight: B replays the run from history, whose
      // first results A stored in PostgreSQL, and runs the gated half.
      const b = await spawnWorker(workspace, taskQueue, { env });
      await a.kill();
      writeFileSync(gate, '');
      try {
        const figures = await checkBigRun(client, run, given, stub);
        const pids = new Set(fileLines(effects).map((l) => l.split(' ')[1]));
        expect(pids).toEqual(new Set([String(a.child.pid), String(b.child.pid)]));
        let blobs = 0;
        for await (const _ of store.list('default')) blobs++;
        // 20 results + the input + the transcript replies and the result: all in PostgreSQL.
        expect(blobs).toBeGreaterThan(RESULTS);
        console.log(`[payloads] PostgreSQL store, two workers: ${JSON.stringify({ ...figures, blobs, runMs: Date.now() - started })}`);
      } finally {
        await b.kill();
      }
    } finally {
      await a.kill();
      await client.close();
      await store.close();
      await pg.stop();
    }
  }, TIMEOUT_MS);
});
