/**
 * Eager workflow start: a client on the worker's own connection (`HarnessWorker.client()`) gets
 * the run's first workflow task back in the start reply and hands it to that worker; any other
 * client (or no free local worker) starts the ordinary way, with nothing else different.
 */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { createHarnessWorker } from '../../src/worker/index.js';
import { startRecord as startOf } from '../support/eager-start.js';
import { tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';

const workspace = () => writeWorkspace(tempDir(), `models: { m: { provider: scripted, script: [{ turns: [{ text: hi }] }] } }\nagents: [{ id: a, model: m }]\n`);

describe('eager workflow start', () => {
  it('a client from HarnessWorker.client() starts runs on that worker without a dispatch; its close() leaves the worker running', async () => {
    const hw = await createHarnessWorker({
      workspace: workspace(),
      address: temporalAddress(),
      taskQueue: uniqueId('tq'),
      workflowBundle: { codePath: inject('workflowBundlePath') },
    });
    const harness = hw.client();
    try {
      await hw.worker.runUntil(async () => {
        expect(harness.eagerStart).toBe(true);
        const run = await harness.startRun({ agentId: 'a', input: 'hello' });
        expect(run.eagerlyStarted).toBe(true);
        expect((await run.result()).output).toBe('hi');
        expect(await startOf(harness.temporal, run.runId)).toEqual({ eagerExecutionAccepted: true, firstTaskIdentity: hw.worker.options.identity });
        // A shared connection is the worker's to close: the client's close() must not end it.
        await harness.close();
        const second = await harness.startRun({ agentId: 'a', input: 'again' });
        expect((await second.result()).output).toBe('hi');
        // Unknown agents are refused before anything starts (the workspace's agents by default).
        await expect(harness.startRun({ agentId: 'nope', input: 'x' })).rejects.toMatchObject({ code: 'UNKNOWN_AGENT' });
      });
    } finally {
      await hw.close();
    }
  });

  it('falls back to an ordinary start when no worker on the client’s connection polls the task queue', async () => {
    const taskQueue = uniqueId('tq');
    const hw = await createHarnessWorker({ workspace: workspace(), address: temporalAddress(), taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') } });
    // A NativeConnection of its own: it could carry an eager start, but no worker is registered on it.
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const harness = new HarnessClient(new Client({ connection }), { taskQueue });
    try {
      await hw.worker.runUntil(async () => {
        expect(harness.eagerStart).toBe(true);
        const run = await harness.startRun({ agentId: 'a', input: 'hello' });
        expect(run.eagerlyStarted).toBe(false);
        expect((await run.result()).output).toBe('hi');
        expect((await startOf(harness.temporal, run.runId)).eagerExecutionAccepted).toBe(false);
        // eagerStart: false never asks, even where it could.
        expect(hw.client({ eagerStart: false }).eagerStart).toBe(false);
      });
    } finally {
      await harness.close();
      await hw.close();
    }
  });
});
