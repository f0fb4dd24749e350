/**
 * A worker in a process of its own, so its RSS and CPU time are the worker's alone (parked-runs
 * and throughput benchmarks). Started by bench/lib/child-worker.ts with an IPC channel. For the
 * harness bundle it is the product's worker (`createHarnessWorker`); for the baseline bundle a
 * plain `Worker.create` with the baselines' activities.
 *
 * Messages: → `{ type: 'ready', maxCachedWorkflows, … }`; ← `{ type: 'stats', gc }` →
 * `{ type: 'stats', rss, heapUsed, …, numCachedWorkflows }`; ← `{ type: 'stop' }` → exits.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { createHarnessWorker } from '../src/worker/index.js';
import { loadWorkspace } from '../src/workspace/index.js';
import { createBaselineActivities } from './activities.js';
import { attachThreadHeaps } from './lib/thread-heap.js';

export interface ChildWorkerConfig {
  address: string;
  taskQueue: string;
  workspaceFile: string;
  bundle: 'harness' | 'baseline' | 'baseline-zod';
  bundlePath: string;
  /** Omitted = the SDK's default (derived from the heap limit). */
  maxCachedWorkflows?: number;
}

export type ChildRequest = { type: 'stats'; gc: boolean } | { type: 'heap-snapshot'; file: string } | { type: 'stop' };
export type ChildReply =
  | { type: 'ready'; pid: number; maxCachedWorkflows: number }
  | ({ type: 'stats' } & ChildStats)
  | { type: 'heap-snapshot'; file: string };

/** One reading of the worker process (bytes, ms). */
export interface ChildStats {
  rss: number;
  /** RSS split as the kernel counts it: anonymous memory (heaps, malloc) and mapped files (code). */
  rssAnon: number;
  rssFile: number;
  /** The main thread's V8 heap (activities, the SDK's worker loop, the client). */
  heapUsed: number;
  heapTotal: number;
  /** Memory of C++ objects tied to the main thread's JS objects (buffers…); part of RSS. */
  external: number;
  /** The workflow thread(s)' V8 heap: where cached workflows live. */
  workflowHeapUsed: number;
  workflowHeapTotal: number;
  cpuMs: number;
  numCachedWorkflows: number;
}

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

const threadHeaps = await attachThreadHeaps();

async function stats(gc: boolean): Promise<ChildStats> {
  // Workflow thread first (its GC frees what the main thread's buffers may still reference), then main.
  const workflowHeap = await threadHeaps.usage(gc);
  if (gc) (globalThis as { gc?: () => void }).gc?.();
  const memory = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kB = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  const cpu = process.cpuUsage();
  return {
    rss: memory.rss,
    rssAnon: kB('RssAnon'),
    rssFile: kB('RssFile'),
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    workflowHeapUsed: workflowHeap.usedSize,
    workflowHeapTotal: workflowHeap.totalSize,
    cpuMs: (cpu.user + cpu.system) / 1000,
    numCachedWorkflows: worker.getStatus().numCachedWorkflows,
  };
}

process.on('message', (message: ChildRequest) => {
  if (message.type === 'stats') {
    void stats(message.gc).then((reading) => send({ type: 'stats', ...reading }));
  } else if (message.type === 'heap-snapshot') {
    void threadHeaps.snapshot(message.file).then(() => send({ type: 'heap-snapshot', file: message.file }));
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
threadHeaps.close();
await close();
process.disconnect?.();
