/**
 * Contents kept by reference across a thread: a big tool result of one run is a `ContentRef` in the
 * thread's conversation; the thread's next run gives it back to the model whole; and garbage
 * collection keeps the blob while the thread's and its runs' histories name it.
 */
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { collectPayloadGarbage } from '../../src/payloads/gc.js';
import { tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { withHarnessWorker } from '../support/security.js';

const DAY = 86_400_000;

describe('contents by reference in a thread', () => {
  it("the next run's model gets the earlier big result whole; gc keeps the blob the thread names", async () => {
    const dir = tempDir();
    const store = new DirectoryBlobStore(dir);
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: fetch
        turns:
          - toolCalls: [{ name: big_result, args: { index: 4, bytes: 100000 } }]
          - text: fetched
      - turns:
          - text: ok
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
        const thread = client.thread(uniqueId('contents'));
        const first = await (await thread.send('fetch it', { agentId: 'a' })).result();
        const tool = first.messages.find((m) => m.role === 'tool')!;
        expect(tool.contentRef).toMatchObject({ size: 100_000 });
        expect(tool.content.length).toBeLessThan(2000);

        const second = await (await thread.send('and now?', { agentId: 'a' })).result();
        expect(second.output).toBe('ok');
        // About 4 characters a token: the second run's model call was given the 100 KB result whole.
        expect(second.usage.inputTokens).toBeGreaterThan(100_000 / 4);

        // Every blob aged past the margin: only references keep them.
        for await (const b of store.list('default')) {
          const old = new Date(Date.now() - 3 * DAY);
          utimesSync(join(dir, 'default', b.id.slice(-64, -62), b.id), old, old);
        }
        await collectPayloadGarbage({ client: client.temporal, store, olderThanMs: DAY });
        expect(await client.getRun(first.runId).readContent(tool.contentRef!)).toHaveLength(100_000);
      },
      { dataConverter },
    );
  });
});
