/**
 * A worker in a process of its own, so its RSS and CPU time are the worker's alone (parked-runs
 * and throughput benchmarks). Started by bench/lib/child-worker.ts with an IPC channel. For the
 * harness bundle it is the product's worker (`createHarnessWorker`); for the baseline bundle a
 * plain `Worker.create` with the baselines' activities.
 *
 * Messages: → `{ type: 'ready', maxCachedWorkflows, … }`; ← `{ type: 'stats', gc }` →
 * `{ type: 'stats', rss, heapUsed, cpuMs, numCachedWorkflows }`; ← `{ type: 'stop' }` → exits.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { createHarnessWorker } from '../src/worker/index.js';
import { loadWorkspace } from '../src/workspace/index.js';
import { createBaselineActivities } from './activities.js';

export interface ChildWorkerConfig {
  address: string;
  taskQueue: string;
  workspaceFile: string;
  bundle: 'harness' | 'baseline' | 'baseline-zod';
  bundlePath: string;
  /** Omitted = the SDK's default (derived from the heap limit). */
  maxCachedWorkflows?: number;
}

export type ChildRequest = { type: 'stats'; gc: boolean } | { type: 'stop' };
export type ChildReply =
  | { type: 'ready'; pid: number; maxCachedWorkflows: number }
  | { type: 'stats'; rss: number; heapUsed: number; cpuMs: number; numCachedWorkflows: number };

Runtime.install({ logger: new DefaultLogger('ERROR') });

const config = JSON.parse(process.env.BENCH_WORKER_CONFIG ?? '{}') as ChildWorkerConfig;
const send = (reply: ChildReply) => process.send?.(reply);

const workerOptions = config.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: config.maxCachedWorkflows };
const { worker, close } = config.bundle === 'harness' ? await createHarnessWorker({
  workspace: config.workspaceFile,
  address: config.address,
  taskQueue: config.taskQueue,
  workflowBundle: { codePath: config.bundlePath },
  workerOptions,
}) : await baselineWorker();

async function baselineWorker(): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const workspace = await loadWorkspace(config.workspaceFile);
  const nativeConnection = await NativeConnection.connect({ address: config.address });
  const connection = await Connection.connect({ address: config.address });
  const worker = await Worker.create({
    ...workerOptions,
    connection: nativeConnection,
    taskQueue: config.taskQueue,
    workflowBundle: { codePath: config.bundlePath },
    activities: { ...createActivities({ workspace, client: new Client({ connection }) }), ...createBaselineActivities(workspace) },
  });
  return {
    worker,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

process.on('message', (message: ChildRequest) => {
  if (message.type === 'stats') {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (message.gc && gc) gc();
    const cpu = process.cpuUsage();
    send({
      type: 'stats',
      rss: process.memoryUsage.rss(),
      heapUsed: process.memoryUsage().heapUsed,
      cpuMs: (cpu.user + cpu.system) / 1000,
      numCachedWorkflows: worker.getStatus().numCachedWorkflows,
    });
  } else if (message.type === 'stop') {
    worker.shutdown();
  }
});
// The parent going away (crash, Ctrl-C) must not leave this worker polling.
process.on('disconnect', () => {
  if (worker.getState() === 'RUNNING') worker.shutdown();
});

const running = worker.run();
send({ type: 'ready', pid: process.pid, maxCachedWorkflows: worker.options.maxCachedWorkflows });
await running;
await close();
process.disconnect?.();
