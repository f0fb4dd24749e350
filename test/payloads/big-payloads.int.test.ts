/**
 * Issue 15 §1, the safety net: a run whose tools return 20 results of 1 MB each and whose input is
 * 5 MB completes with nothing lost while its history stays under 1 MB, because every payload over
 * the threshold travels by reference through the payload store (Temporal's external storage). The
 * same with a worker SIGKILLed mid-run, and with the PostgreSQL store shared by two worker processes.
 * Figures (history bytes, run time) are printed for the report.
 */
import { describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { fileLines, temporalAddress, uniqueId } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/paths.js';
import { startPostgres } from '../support/postgres.js';
import { spawnWorker } from '../support/spawn-worker.js';
import { withHarnessWorker } from '../support/security.js';
import { RESULTS, bigInput, bigResultsWorkspace, checkBigRun } from './payload-helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const INPUT_BYTES = 5_000_000;

describe('payloads by reference: big tool results and inputs never reach history inline', () => {
  it('20 results of 1 MB plus a 5 MB input: the run completes, nothing lost, history under 1 MB', async () => {
    const input = bigInput(INPUT_BYTES);
    await withHarnessWorker(bigResultsWorkspace(), async ({ client }) => {
      const started = Date.now();
      const run = await client.startRun({ agentId: 'bulk', input });
      const figures = await checkBigRun(client, run, input);
      console.log(`[payloads] directory store: ${JSON.stringify({ ...figures, runMs: Date.now() - started })}`);
    });
  });

  it('the same with the worker SIGKILLed mid-run: a second worker process finishes it', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const workspace = bigResultsWorkspace({ file: effects, gate, heartbeat: '10s' });
    const taskQueue = uniqueId('tq-kill');
    const input = bigInput(INPUT_BYTES);
    const first = await spawnWorker(workspace, taskQueue);
    const client = await HarnessClient.connect({ address: temporalAddress(), taskQueue });
    try {
      const started = Date.now();
      const run = await client.startRun({ agentId: 'bulk', input });
      // Half the results are stored, the other half wait at the gate when the worker dies.
      await eventually(() => fileLines(effects).length, (n) => n === RESULTS / 2, 'the ungated half of the results written', { timeoutMs: 60_000 });
      await first.kill();
      writeFileSync(gate, '');
      const second = await spawnWorker(workspace, taskQueue);
      try {
        const figures = await checkBigRun(client, run, input);
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
  });

  it('the PostgreSQL store shared by two worker processes: the second reads what the first stored', async () => {
    const pg = await startPostgres();
    const env = { HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: pg.url, HARNESS_PAYLOAD_DIR: join(tempDir(), 'unused') };
    const store = new PostgresBlobStore(pg.url);
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const workspace = bigResultsWorkspace({ file: effects, gate, heartbeat: '10s' });
    const taskQueue = uniqueId('tq-pg');
    const input = bigInput(INPUT_BYTES);
    const a = await spawnWorker(workspace, taskQueue, { env });
    const client = await HarnessClient.connect({
      address: temporalAddress(),
      taskQueue,
      dataConverter: harnessDataConverter({ payloadStore: { store, threshold: 32 * 1024 } }),
    });
    try {
      const started = Date.now();
      const run = await client.startRun({ agentId: 'bulk', input });
      await eventually(() => fileLines(effects).length, (n) => n === RESULTS / 2, 'the ungated half of the results written by worker A', { timeoutMs: 60_000 });
      // B joins, then A dies with half the results in flight: B replays the run from history, whose
      // first results A stored in PostgreSQL, and runs the gated half.
      const b = await spawnWorker(workspace, taskQueue, { env });
      await a.kill();
      writeFileSync(gate, '');
      try {
        const figures = await checkBigRun(client, run, input);
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
  });
});
