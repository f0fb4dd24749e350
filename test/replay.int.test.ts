/**
 * Replays recorded histories (runs, threads, the slot keeper) against today's workflow code. A
 * change that would break runs already in flight (a non-determinism error) fails here. Until the
 * first release tag, re-record them all (`npm run record-fixtures -- --rewrite`); from the release
 * on, guard such changes with `patched()` and add a fixture of the new path (docs/upgrading.md).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { replayDataConverter } from '../src/codec/data-converter.js';
import { bundleHarnessWorkflows } from '../src/worker/bundle.js';

const dir = fileURLToPath(new URL('./fixtures/histories/', import.meta.url));
/**
 * Blobs of fixtures that hold payload references (a history exported raw, e.g. from production
 * with `temporal workflow show --output json`): `<namespace>/<2 hex>/<blob id>` files, as the
 * directory store writes them. `npm run record-fixtures` saves histories with payloads inline.
 */
const blobs = fileURLToPath(new URL('./fixtures/blobs/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('replay of recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  it.each(fixtures)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
    // Recorded runs have id `fixture-<name>` (scripts/record-fixtures.ts): a run whose commands
    // derive from its own id (a sub-agent's child id) replays only under that id.
    const workflowId = `fixture-${file.replace(/\.json$/, '')}`;
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: inject('workflowBundlePath') }, dataConverter: replayDataConverter(blobs) },
      history,
      workflowId,
    );
  });
});

describe('replay with the tracing interceptors', () => {
  let code: string;
  beforeAll(async () => {
    code = (await bundleHarnessWorkflows({ tracing: true })).code;
  }, 120_000);

  // A run recorded without tracing may go on under a tracing worker (and back): the interceptors
  // add no commands. Spans made while replaying are never exported: a replay sends no span twice.
  it.each(fixtures)('%s replays and exports no span', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')));
    const exported: unknown[] = [];
    await Worker.runReplayHistory(
      {
        workflowBundle: { code },
        dataConverter: replayDataConverter(blobs),
        sinks: { exporter: { export: { fn: (_info, spans: unknown[]) => void exported.push(...spans) } } },
      },
      history,
      `fixture-${file.replace(/\.json$/, '')}`,
    );
    expect(exported).toEqual([]);
  });
});
