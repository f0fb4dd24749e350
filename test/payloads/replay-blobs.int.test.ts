/**
 * Replay of a history that holds payload references (as the server stores it): it replays when
 * the blobs are at hand (`replayDataConverter(dir)`), and fails without them.
 */
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { harnessDataConverter, replayDataConverter } from '../../src/codec/data-converter.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { tempDir, writeWorkspace } from '../support/harness.js';
import { rawHistory, withHarnessWorker, bundleFor } from '../support/security.js';

describe('replay with payload references', () => {
  it('replays from the blob directory; without the blobs it fails', async () => {
    const blobDir = tempDir();
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: big_result, args: { index: 7, bytes: 100000 } }]
          - text: done
agents:
  - id: a
    model: m
    tools: [big_result]
`,
    );
    const dataConverter = harnessDataConverter({ payloadStore: { store: new DirectoryBlobStore(blobDir), threshold: 32 * 1024 } });
    const runId = await withHarnessWorker(
      workspace,
      async ({ client }) => {
        // A run keeps a big tool result by its own reference (a preview in history); a big input
        // still arrives as the workflow's start input, which Temporal's claim check stores.
        const run = await client.startRun({ agentId: 'a', input: `go ${'x'.repeat(100_000)}` });
        expect((await run.result()).output).toBe('done');
        return run.runId;
      },
      { dataConverter },
    );
    const raw = await rawHistory(runId);
    expect(raw.text).toContain('temporal.api.sdk.v1.ExternalStorageReference');
    const history = proto.temporal.api.history.v1.History.create({ events: raw.events });
    const workflowBundle = { codePath: bundleFor(undefined) };

    await Worker.runReplayHistory({ workflowBundle, dataConverter: replayDataConverter(blobDir) }, history, runId);

    const empty = join(tempDir(), 'no-blobs');
    const err = await Worker.runReplayHistory({ workflowBundle, dataConverter: replayDataConverter(empty) }, history, runId).catch((e: unknown) => e);
    // The SDK rejects with its own sandbox-teardown error; the PayloadStoreError naming the blob
    // and the directory is what the replay worker logs ("Failed to process Workflow Activation").
    expect((err as Error | undefined)?.message).toBeTruthy();
  });
});
