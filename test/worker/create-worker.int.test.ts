import { describe, expect, inject, it } from 'vitest';
import { createHarnessWorker, DEFAULT_MAX_CACHED_WORKFLOWS } from '../../src/worker/index.js';
import { tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';

const workspace = () => writeWorkspace(tempDir(), `models: { m: { provider: scripted, script: [{ turns: [{ text: hi }] }] } }\nagents: [{ id: a, model: m }]\n`);

async function cacheSizeOf(workerOptions?: { maxCachedWorkflows: number }): Promise<number> {
  const hw = await createHarnessWorker({
    workspace: workspace(),
    address: temporalAddress(),
    taskQueue: uniqueId('tq'),
    workflowBundle: { codePath: inject('workflowBundlePath') },
    ...(workerOptions && { workerOptions }),
  });
  try {
    await hw.worker.runUntil(async () => undefined);
    return hw.worker.options.maxCachedWorkflows;
  } finally {
    await hw.close();
  }
}

describe('createHarnessWorker', () => {
  it('bounds the workflow cache by default (not the SDK’s heap-derived size), and takes an override', async () => {
    expect(DEFAULT_MAX_CACHED_WORKFLOWS).toBe(200);
    expect(await cacheSizeOf()).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(await cacheSizeOf({ maxCachedWorkflows: 40 })).toBe(40);
  });

  it('closes a worker that never ran (an app giving up before run()) without an error', async () => {
    const hw = await createHarnessWorker({ workspace: workspace(), address: temporalAddress(), taskQueue: uniqueId('tq'), workflowBundle: { codePath: inject('workflowBundlePath') } });
    expect(hw.worker.getState()).toBe('INITIALIZED');
    await hw.close();
    expect(hw.worker.getState()).toBe('STOPPED');
  });
});
