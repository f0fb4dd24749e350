/**
 * A worker in a process of its own, so its RSS and CPU time are the worker's alone (parked-runs
 * and throughput benchmarks). Started by bench/lib/child-worker.ts with an IPC channel. For the
 * harness bundle it is the product's worker (`createHarnessWorker`); for the baseline bundle a
 * plain `Worker.create` with the baselines' activities.
 *
 * Messages: → `{ type: 'ready', maxCachedWorkflows, … }`; ← `{ type: 'stats', gc }` →
 * `{ type: 'stats', rss, heapUsed, …, numCachedWorkflows }`; ← `{ type: 'start', … }` →
 * `{ type: 'started', runId, eagerlyStarted | error }`; ← `{ type: 'heap-snapshot', file }`;
 * ← `{ type: 'stop' }` → exits.
 *
 * `start` starts a run from THIS process, through a client on the worker's own connection, so the
 * server can hand its first workflow task straight back to this worker (eager workflow start), as
 * in an app that embeds client and worker (`harness serve --worker`, `HarnessWorker.client()`).
 */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { HarnessClient } from '../src/client/index.js';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../src/activities/index.js';
import { createHarnessWorker } from '../src/worker/index.js';
import { loadWorkspace } from '../src/workspace/index.js';
import { createBaselineActivities } from './activities.js';
import { BASELINE_AGENT_WORKFLOW } from './workflows/messages.js';
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

/** A run to start from the worker's process: agentRun on a harness worker, baselineAgent on a baseline one. */
export interface ChildStart {
  runId: string;
  agentId: string;
  input: string;
  /** baselineAgent only: wait for an approval by update before the tool. */
  approval?: boolean;
  /** baselineAgent only: model and tool calls as local activities. */
  local?: boolean;
}

export type ChildRequest = { type: 'stats'; gc: boolean } | { type: 'heap-snapshot'; file: string } | { type: 'stop' } | ({ type: 'start' } & ChildStart);
export type ChildReply =
  | { type: 'ready'; pid: number; maxCachedWorkflows: number }
  | ({ type: 'stats' } & ChildStats)
  | { type: 'heap-snapshot'; file: string }
  | { type: 'started'; runId: string; eagerlyStarted: boolean; error?: string };

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
const { worker, close, start } = config.bundle === 'harness' ? await harnessWorker() : await baselineWorker();

interface ChildWorkerParts {
  worker: Worker;
  close: () => Promise<void>;
  /** Starts a run through a client on the worker's connection (eager start when the server grants it). */
  start: (run: ChildStart) => Promise<{ eagerlyStarted: boolean }>;
}

async function harnessWorker(): Promise<ChildWorkerParts> {
  const hw = await createHarnessWorker({
    workspace: config.workspaceFile,
    address: config.address,
    taskQueue: config.taskQueue,
    workflowBundle: { codePath: config.bundlePath },
    workerOptions,
  });
  let client: HarnessClient | undefined;
  return {
    worker: hw.worker,
    close: hw.close,
    start: async ({ runId, agentId, input }) => {
      client ??= hw.client();
      const run = await client.startRun({ runId, agentId, input });
      return { eagerlyStarted: run.eagerlyStarted };
    },
  };
}

async function baselineWorker(): Promise<ChildWorkerParts> {
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
  const starter = new Client({ connection: nativeConnection });
  return {
    worker,
    close: async () => {
      await connection.close();
      await nativeConnection.close();
    },
    start: async ({ runId, agentId, input, approval, local }) => {
      const handle = await starter.workflow.start(BASELINE_AGENT_WORKFLOW, {
        workflowId: runId,
        taskQueue: config.taskQueue,
        args: [{ agentId, input, ...(approval && { approval }), ...(local && { local }) }],
        requestEagerStart: true,
      });
      return { eagerlyStarted: handle.eagerlyStarted };
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
  } else if (message.type === 'start') {
    const { type: _, ...run } = message;
    start(run).then(
      ({ eagerlyStarted }) => send({ type: 'started', runId: run.runId, eagerlyStarted }),
      (err: unknown) => send({ type: 'started', runId: run.runId, eagerlyStarted: false, error: String(err) }),
    );
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
