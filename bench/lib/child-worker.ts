/** Starts bench/worker-child.ts in its own Node process and talks to it over IPC. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest, ChildStats, ChildWorkerConfig } from '../worker-child.js';

const CHILD = fileURLToPath(new URL('../worker-child.ts', import.meta.url));

/** A reading of the worker process: RSS and its parts, both threads' heaps, CPU, cache. */
export type WorkerStats = ChildStats;

export interface ChildWorker {
  readonly pid: number;
  /** The worker's effective `maxCachedWorkflows` (the SDK default unless set). */
  readonly maxCachedWorkflows: number;
  /** Memory and CPU of the worker process; `gc` runs a full GC in every thread first (steadier heap figures). */
  stats(gc?: boolean): Promise<WorkerStats>;
  /** Writes a heap snapshot of the workflow thread to `file`. */
  heapSnapshot(file: string): Promise<void>;
  /** Graceful shutdown; resolves when the process has exited. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** @param cpuProfileDir write V8 CPU profiles of every thread there (node --cpu-prof) on exit. */
export async function spawnChildWorker(config: ChildWorkerConfig, cpuProfileDir?: string): Promise<ChildWorker> {
  const profiling = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profiling, '--import', 'tsx', CHILD], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(config) },
  });
  live.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  const ready = await new Promise<Extract<ChildReply, { type: 'ready' }>>((resolve, reject) => {
    const onMessage = (m: ChildReply) => {
      if (m.type === 'ready') {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
    void exited.then((code) => reject(new Error(`bench worker exited (code ${code}) before it was ready`)));
  });

  const request = (message: ChildRequest) => child.send(message);
  return {
    pid: ready.pid,
    maxCachedWorkflows: ready.maxCachedWorkflows,
    stats: (gc = false) =>
      new Promise<WorkerStats>((resolve) => {
        const onMessage = (m: ChildReply) => {
          if (m.type !== 'stats') return;
          child.off('message', onMessage);
          const { type: _, ...reading } = m;
          resolve(reading);
        };
        child.on('message', onMessage);
        request({ type: 'stats', gc });
      }),
    heapSnapshot: (file) =>
      new Promise<void>((resolve) => {
        const onMessage = (m: ChildReply) => {
          if (m.type !== 'heap-snapshot' || m.file !== file) return;
          child.off('message', onMessage);
          resolve();
        };
        child.on('message', onMessage);
        request({ type: 'heap-snapshot', file });
      }),
    stop: async () => {
      if (child.exitCode === null && child.connected) request({ type: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
