/**
 * The Go-SDK control (bench/go-control): built once with the machine's Go (`GOTOOLCHAIN=local`, as
 * the Temporal CLI is) into the harness cache dir, keyed by a hash of its sources, and run as a
 * worker in its own process (its CPU is its own).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { harnessCacheDir } from '../../src/devserver/index.js';

const SOURCE_DIR = fileURLToPath(new URL('../go-control/', import.meta.url));
const SOURCES = ['go.mod', 'go.sum', 'main.go'];

/** The workflow type the Go worker registers (bench/go-control/main.go `WorkflowType`). */
export const GO_BARE_WORKFLOW = 'goBareAgent';

/** Path of the built binary for the current sources (it may not exist yet). */
export function goControlBinaryPath(): string {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(readFileSync(join(SOURCE_DIR, file)));
  return join(harnessCacheDir(), 'go-control', `go-control-${hash.digest('hex').slice(0, 12)}`);
}

/**
 * Returns the binary, building it first if needed (a minute or two here the first time).
 * @throws if Go is missing or the build fails (the message carries go's output).
 */
export async function ensureGoControl(log: (line: string) => void): Promise<string> {
  const target = goControlBinaryPath();
  if (existsSync(target)) return target;
  await mkdir(join(target, '..'), { recursive: true });
  const temp = `${target}.build-${process.pid}`;
  log(`building the Go-SDK control (bench/go-control) with the machine's Go into ${target}…`);
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.env.GO ?? 'go', ['build', '-trimpath', '-o', temp, '.'], {
      cwd: SOURCE_DIR,
      env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=readonly' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => output.push(line));
    child.once('error', (err) => reject(new Error(`cannot run go (${err.message}); install Go ≥ 1.23 or skip this benchmark`)));
    child.once('close', resolve);
  });
  if (code !== 0) {
    await rm(temp, { force: true });
    throw new Error(`building bench/go-control failed (exit code ${code}):\n${output.slice(-20).join('\n')}`);
  }
  await rename(temp, target);
  return target;
}

export interface GoWorker {
  readonly pid: number;
  /**
   * Starts a goBareAgent run from the Go worker's process with its own client and
   * `EnableEagerStart` (bench/go-control/main.go); resolves once the start returned there.
   */
  start(id: string, input: { agentId: string; input: string; approval?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the Go worker on `taskQueue` and resolves once it polls. */
export async function spawnGoWorker(binary: string, address: string, taskQueue: string): Promise<GoWorker> {
  const child: ChildProcess = spawn(binary, ['-address', address, '-task-queue', taskQueue], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const starts = new Map<string, { resolve: () => void; reject: (e: Error) => void }>();
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, id = '', ...rest] = line.trim().split(' ');
      if (word === 'ready') resolve();
      const pending = starts.get(id);
      if (!pending || (word !== 'started' && word !== 'failed')) return;
      starts.delete(id);
      if (word === 'started') pending.resolve();
      else pending.reject(new Error(`the Go control could not start ${id}: ${rest.join(' ')}`));
    });
    void exited.then((code) => reject(new Error(`the Go control worker exited (code ${code}) before it was ready`)));
  });
  return {
    pid: child.pid!,
    start: (id, input) =>
      new Promise<void>((resolve, reject) => {
        starts.set(id, { resolve, reject });
        child.stdin!.write(`start ${JSON.stringify({ id, input })}\n`);
      }),
    stop: async () => {
      process.off('exit', killOnExit);
      child.stdin?.end(); // the worker stops when its stdin closes
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
