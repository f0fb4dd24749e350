/**
 * Closing a client connection while a call waits to be retried: the SDK's own connection throws
 * "Channel has been shut down" from the retry timer (an uncaught exception that ends the process);
 * one made by `connectClosable` cancels its calls, waits for the timers, and closes cleanly.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { refundWorkspace, tempDir, temporalAddress, withWorker } from '../support/harness.js';
import { join } from 'node:path';

const CHILD = fileURLToPath(new URL('./fixtures/close-while-retrying.ts', import.meta.url));

function runChild(mode: 'plain' | 'closable', runId: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress(), RUN_ID: runId, MODE: mode },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('closing a connection while a call waits for its retry', () => {
  it('crashes with the SDK connection as is, and closes cleanly with connectClosable', async () => {
    const workspace = refundWorkspace(join(tempDir(), 'effects'), '  - { id: a, model: m, tools: [record_effect], requireApproval: [record_effect] }\n');
    await withWorker(workspace, async ({ client }) => {
      const runs = await Promise.all([client.startRun({ agentId: 'a', input: 'go' }), client.startRun({ agentId: 'a', input: 'go' })]);
      await Promise.all(runs.map((run) => run.waitFor((s) => s.pendingApprovals.length === 1)));
      try {
        const [plain, closable] = await Promise.all([runChild('plain', runs[0]!.runId), runChild('closable', runs[1]!.runId)]);
        // The control: the failure this module exists for.
        expect(plain.output).toContain('Channel has been shut down');
        expect(plain.code).not.toBe(0);
        expect(closable.output).toContain('closed');
        expect(closable.output).not.toContain('Channel has been shut down');
        expect(closable.code).toBe(0);
      } finally {
        await Promise.all(runs.map((run) => client.temporal.workflow.getHandle(run.runId).terminate('test over')));
      }
    });
  });
});
