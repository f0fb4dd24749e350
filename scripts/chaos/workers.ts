/** Spawns and SIGKILLs chaos worker processes (`node --import tsx`, so SIGKILL hits the worker itself). */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerEnv {
  address: string;
  taskQueue: string;
  workspace: string;
  bundlePath: string;
  ledger: string;
  toolLog: string;
}

export interface ChaosWorker {
  readonly identity: string;
  readonly child: ChildProcess;
  /** SIGKILL, then wait until the process is gone. */
  kill(): Promise<void>;
  /** Whether the process still runs. */
  alive(): boolean;
}

let generation = 0;

/** Starts a worker process and resolves once it polls. */
export async function spawnChaosWorker(slot: number, env: WorkerEnv, readyTimeoutMs = 60_000): Promise<ChaosWorker> {
  const identity = `chaos-w${slot}-g${++generation}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HARNESS_WORKSPACE: env.workspace,
    TEMPORAL_ADDRESS: env.address,
    HARNESS_TASK_QUEUE: env.taskQueue,
    HARNESS_WORKFLOW_BUNDLE: env.bundlePath,
    HARNESS_CHAOS_IDENTITY: identity,
    HARNESS_LEDGER: env.ledger,
    HARNESS_CHAOS_TOOL_LOG: env.toolLog,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${identity} not ready after ${readyTimeoutMs} ms:\n${output}`));
    }, readyTimeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${identity} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    identity,
    child,
    alive,
    kill: () =>
      new Promise<void>((resolve) => {
        if (!alive()) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
