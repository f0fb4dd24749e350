/**
 * A run waiting for approval on a dev server with a database file survives a restart of the
 * server itself (not just of the worker). Its own dev server: the shared one is not restarted.
 */
import { join } from 'node:path';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { startDevServer } from '../../src/devserver/index.js';
import { createHarnessWorker } from '../../src/worker/index.js';
import { tempDir, uniqueId, writeWorkspace } from '../support/harness.js';

describe('a dev server restart', () => {
  it('keeps a run that waits for approval; it completes after the restart', async () => {
    const dir = tempDir();
    const dbFile = join(dir, 'temporal.db');
    const workspace = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(join(dir, 'e.log'))}, label: paid } }]
          - text: "done: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
    );
    const taskQueue = uniqueId('tq');
    const bundle = { codePath: inject('workflowBundlePath') };

    let server = await startDevServer({ dbFile });
    const port = Number(server.address.split(':')[1]);
    let runId: string;
    {
      const { worker, close } = await createHarnessWorker({ workspace, address: server.address, taskQueue, workflowBundle: bundle });
      const client = await HarnessClient.connect({ address: server.address, taskQueue });
      runId = await worker.runUntil(async () => {
        const run = await client.startRun({ agentId: 'a', input: 'pay' });
        await run.waitFor((s) => s.state === 'waiting_for_approval');
        return run.runId;
      });
      await client.close();
      await close();
    }
    await server.stop();

    // Same database, same port: what a person restarting `harness dev --db FILE` would do.
    server = await startDevServer({ dbFile, port });
    try {
      const { worker, close } = await createHarnessWorker({ workspace, address: server.address, taskQueue, workflowBundle: bundle });
      const client = await HarnessClient.connect({ address: server.address, taskQueue });
      const result = await worker.runUntil(async () => {
        const run = client.getRun(runId);
        expect((await run.status()).state).toBe('waiting_for_approval');
        await run.approve({ approver: 'after-restart' });
        return run.result();
      });
      expect(result.output).toBe('done: recorded paid');
      await client.close();
      await close();
    } finally {
      await server.stop();
    }
  });
});
