/**
 * `collectPayloadGarbage` (behind `harness payloads gc`): deletes a blob only when no retained
 * history references it and nobody stored it recently.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { blobIds } from '../../src/payloads/blob-ids.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { collectPayloadGarbage } from '../../src/payloads/gc.js';
import { HarnessStorageDriver } from '../../src/payloads/storage-driver.js';
import { tempDir, writeWorkspace } from '../support/harness.js';
import { withHarnessWorker } from '../support/security.js';

const DAY = 86_400_000;

async function count(store: DirectoryBlobStore): Promise<number> {
  let n = 0;
  for await (const _ of store.list('default')) n++;
  return n;
}

describe('payload garbage collection', () => {
  it('keeps blobs a retained run references and recent orphans; deletes old orphans', async () => {
    const dir = tempDir();
    const store = new DirectoryBlobStore(dir);
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: big_result, args: { index: 3, bytes: 100000 } }]
          - text: done
agents:
  - id: a
    model: m
    tools: [big_result]
`,
    );
    const dataConverter = harnessDataConverter({ payloadStore: { store, threshold: 32 * 1024 } });
    await withHarnessWorker(
      workspace,
      async ({ client }) => {
        const run = await client.startRun({ agentId: 'a', input: 'go' });
        expect((await run.result()).output).toBe('done');
        const driver = new HarnessStorageDriver(store, blobIds(undefined));
        const [oldOrphan] = await driver.store({}, [defaultPayloadConverter.toPayload('o'.repeat(50_000))!]);
        const [newOrphan] = await driver.store({}, [defaultPayloadConverter.toPayload('n'.repeat(50_000))!]);
        const old = new Date(Date.now() - 3 * DAY);
        const blobsBefore: string[] = [];
        for await (const b of store.list('default')) {
          blobsBefore.push(b.id);
          if (b.id !== newOrphan!.claimData.id) utimesSync(join(dir, 'default', b.id.slice(-64, -62), b.id), old, old); // the run's blobs are old too
        }
        expect(blobsBefore.length).toBeGreaterThanOrEqual(3);

        const dry = await collectPayloadGarbage({ client: client.temporal, store, olderThanMs: DAY, dryRun: true });
        // Old and unreferenced: the orphan, and replies to the transcript query (a query's answer
        // is stored like any payload but never enters history).
        const garbage = blobsBefore.length - dry.referenced - 1;
        expect(dry).toMatchObject({ deleted: garbage, keptRecent: 1 });
        expect(dry.referenced).toBeGreaterThanOrEqual(1); // the tool result
        // A dry run deletes nothing:
        expect(await count(store)).toBe(blobsBefore.length);
        const report = await collectPayloadGarbage({ client: client.temporal, store, olderThanMs: DAY });
        expect(report).toMatchObject({ namespace: 'default', deleted: garbage, keptRecent: 1, blobs: blobsBefore.length });
        expect(report.runsScanned).toBeGreaterThan(0);
        expect(await store.get('default', oldOrphan!.claimData.id!)).toBeUndefined();
        expect(await store.get('default', newOrphan!.claimData.id!)).toBeDefined();
        // The run's own blobs survive: its result still reads, and the tool result it keeps by
        // reference (a ContentRef inside the result's JSON, not a Temporal claim) reads in full.
        const handle = client.getRun(run.runId);
        const tool = (await handle.result()).messages.find((m) => m.role === 'tool')!;
        expect(tool.contentRef).toBeDefined();
        expect(await handle.readContent(tool.contentRef!)).toHaveLength(100_000);
      },
      { dataConverter },
    );
  });
});
