/**
 * The worker image's command (the Dockerfile's CMD, with docker-compose.yml's environment), run on
 * the host against the test dev server: it serves a run of the image's own workspace end to end.
 * And a worker given an API key logs which credentials it uses, never the key.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/worker/create-worker.js';
import { connectClient, temporalAddress, uniqueId } from '../support/harness.js';
import { HarnessProcess } from '../support/cli.js';
import { dockerfile, imagePath, readCompose, REPO_ROOT, workerEnvironment } from '../support/deploy-files.js';

/** Spawns the image's CMD from this checkout, as the container would run it from /app. */
function runImageCommand(env: NodeJS.ProcessEnv): HarnessProcess {
  const [exe, script, ...args] = dockerfile().cmd;
  expect(exe).toBe('node');
  // HarnessProcess runs bin/harness.mjs; check that is what the CMD names, then reuse it.
  expect(imagePath(`/app/${script}`)).toBe(`${REPO_ROOT}bin/harness.mjs`);
  return new HarnessProcess(args, env);
}

async function refundRunThrough(taskQueue: string): Promise<string> {
  const client = await connectClient(taskQueue);
  try {
    const run = await client.startRun({ agentId: 'support', input: 'Please refund order A-1001' });
    const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
    expect(parked.pendingApprovals.map((p) => p.toolName)).toEqual(['issue_refund']);
    await run.approve({ approvalId: parked.pendingApprovals[0]!.approvalId, approver: 'ops' });
    return (await run.result()).output ?? '';
  } finally {
    await client.close();
  }
}

describe('the worker image', () => {
  it("its command with the compose environment serves a run of the image's workspace", async () => {
    const compose = workerEnvironment(readCompose(), {});
    const taskQueue = uniqueId('image');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...compose,
      NO_COLOR: '1',
      // What differs on the host: the server (compose names its service), our own task queue,
      // and the image's /app paths.
      TEMPORAL_ADDRESS: temporalAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_WORKSPACE: imagePath(compose.HARNESS_WORKSPACE!),
    };
    const worker = runImageCommand(env);
    try {
      const line = await worker.waitForLine(/worker polling/);
      expect(line).toContain(`task queue ${taskQueue} on ${temporalAddress()} (namespace default; plaintext)`);
      expect(line).toContain('agents: support, support-gpt, sales');
      expect(await worker.waitForLine(/^limits:/)).toBe(
        `limits: 100 activities, 40 workflow tasks at once, ${DEFAULT_MAX_CACHED_WORKFLOWS} cached workflows, shutdown grace 30s`,
      );

      expect(await refundRunThrough(taskQueue)).toMatch(/^Done\. Refunded \$42\.00 for order A-1001/);

      worker.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.stdout).toContain('worker stopped');
    } finally {
      worker.kill('SIGKILL');
    }
  });

  it('a worker with TEMPORAL_API_KEY names "API key" in its connection line and never prints the key', async () => {
    const secret = `tc-key-${uniqueId('SECRET')}`;
    const taskQueue = uniqueId('apikey');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NO_COLOR: '1',
      TEMPORAL_ADDRESS: temporalAddress(),
      HARNESS_TASK_QUEUE: taskQueue,
      HARNESS_WORKSPACE: `${REPO_ROOT}harness.yaml`,
      TEMPORAL_API_KEY: secret,
      // The dev server speaks plaintext and ignores the key; Temporal Cloud would need TLS.
      TEMPORAL_TLS: 'false',
    };
    const worker = runImageCommand(env);
    try {
      const line = await worker.waitForLine(/worker polling/);
      expect(line).toContain('(namespace default; API key)');
      // With the key set the worker connects and serves runs (the dev server does not check keys).
      expect(await refundRunThrough(taskQueue)).toMatch(/Refunded \$42\.00/);
      worker.kill('SIGTERM');
      await worker.exited;
      expect(`${worker.stdout}${worker.stderr}`).not.toContain(secret);
    } finally {
      worker.kill('SIGKILL');
    }
  });
});
