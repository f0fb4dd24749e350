/** Spawns `worker-process.ts` and resolves once it polls; `kill()` SIGKILLs it like a crash would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { temporalAddress } from './harness.js';

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** What it printed so far (stdout and stderr, e.g. the SDK's log). */
  output(): string;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
}

/**
 * `env` adds to (or, with `undefined` values, removes from) the inherited environment, e.g. a
 * payload store; `bundlePath` replaces the run's default workflow bundle.
 */
export async function spawnWorker(
  workspace: string,
  taskQueue: string,
  options: { env?: Record<string, string | undefined>; bundlePath?: string } = {},
): Promise<WorkerProcess> {
  // `--import tsx` keeps the worker in this one process (the tsx CLI would fork a child that SIGKILL misses).
  const env: Record<string, string | undefined> = {
    ...process.env,
    HARNESS_WORKSPACE: workspace,
    TEMPORAL_ADDRESS: temporalAddress(),
    HARNESS_TASK_QUEUE: taskQueue,
    HARNESS_WORKFLOW_BUNDLE: options.bundlePath ?? inject('workflowBundlePath'),
    ...options.env,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it was ready:\n${output}`)));
  });
  return {
    child,
    output: () => output,
    kill: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
