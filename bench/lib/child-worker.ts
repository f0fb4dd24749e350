/** Starts bench/worker-child.ts in its own Node process and talks to it over IPC. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildReply, ChildRequest, ChildStart, ChildStats, ChildWorkerConfig } from '../worker-child.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A reading of the worker process: RSS and its parts, both threads' heaps, CPU, cache. */
export type WorkerStats = ChildStats;

export interface ChildWorker {
  readonly pid: number;
  /** The worker's effective `maxCachedWorkflows` (the SDK default unless set). */
  readonly maxCachedWorkflows: number;
  /** Memory and CPU of the worker process; `gc` runs a full GC in every thread first (steadier heap figures). */
  stats(gc?: boolean): Promise<WorkerStats>;
  /**
   * Starts a run from the worker's process, on the worker's connection (eager workflow start when
   * granted); resolves once the start call returned there.
   */
  start(run: ChildStart): Promise<{ eagerlyStarted: boolean }>;
  /** Writes a heap snapshot of the workflow thread to `file`. */
  heapSnapshot(file: string): Promise<void>;
  /** Graceful shutdown; resolves when the process has exited. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * @param cpuProfileDir write V8 CPU profiles of every thread there (node --cpu-prof) on exit.
 * @param root the checkout whose bench/worker-child.ts (and so whose src/) runs: this one unless
 *   told; another commit's checkout measures that commit's worker side by side with this one.
 */
export async function spawnChildWorker(config: ChildWorkerConfig, cpuProfileDir?: string, root = ROOT): Promise<ChildWorker> {
  const profiling = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const child = spawn(process.execPath, ['--expose-gc', ...profiling, '--import', 'tsx', join(root, 'bench', 'worker-child.ts')], {
    cwd: root,
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
  const starts = new Map<string, { resolve: (r: { eagerlyStarted: boolean }) => void; reject: (e: Error) => void }>();
  child.on('message', (m: ChildReply) => {
    if (m.type !== 'started') return;
    const pending = starts.get(m.runId);
    starts.delete(m.runId);
    if (m.error !== undefined) pending?.reject(new Error(`starting ${m.runId} in the worker process failed: ${m.error}`));
    else pending?.resolve({ eagerlyStarted: m.eagerlyStarted });
  });
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
    start: (run) =>
      new Promise((resolve, reject) => {
        starts.set(run.runId, { resolve, reject });
        request({ type: 'start', ...run });
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
