/** `harness serve` (API only, no worker) in its own process: a viewer in another process than the worker. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HARNESS_BIN = fileURLToPath(new URL('../../bin/harness.mjs', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServeChild {
  /** The API's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `harness serve --port 0` on `taskQueue` and resolves once its API listens. */
export async function spawnServe(vars: { address: string; taskQueue: string; workspace: string }): Promise<ServeChild> {
  const env = { ...process.env, NO_COLOR: '1', TEMPORAL_ADDRESS: vars.address, HARNESS_TASK_QUEUE: vars.taskQueue, HARNESS_WORKSPACE: vars.workspace };
  const child = spawn(process.execPath, [HARNESS_BIN, 'serve', '--port', '0', '--host', '127.0.0.1'], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const match = /harness API\s+(\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    void exited.then(() => reject(new Error(`harness serve exited before it listened:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
