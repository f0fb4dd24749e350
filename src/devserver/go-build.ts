/**
 * Runs a Go build (`go install …`) with its output streamed to a log: shared by the dev server's
 * CLI build (temporal-binary.ts) and the cluster's server build (src/cluster/server-binaries.ts).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How often a build prints a "still building" line, so a silent `go install` does not look hung. */
export const BUILD_HEARTBEAT_MS = 30_000;

/** Lines of output kept for the error message of a failed build. */
const TAIL_LINES = 30;

/** What a finished build left: its exit code (`null` when killed by a signal) and its last lines of output. */
export interface GoBuildResult {
  code: number | null;
  tail: string[];
}

/**
 * Runs `cmd args` (Go, or Go under `nice`) with `env`, logging every output line as `go: …` and a
 * "still building (1m30s)…" line every {@link BUILD_HEARTBEAT_MS}.
 * @returns the exit code and the last {@link TAIL_LINES} lines of output; it does not throw on a failed build.
 * @throws the spawn error when the command cannot start.
 */
export function runGoBuild(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<GoBuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      log(`go: ${line.replace(/^go: /, '')}`);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    const started = Date.now();
    const heartbeat = setInterval(() => log(`still building (${formatElapsed(Date.now() - started)})…`), BUILD_HEARTBEAT_MS);
    heartbeat.unref();
    child.once('error', (err) => {
      clearInterval(heartbeat);
      reject(err);
    });
    child.once('close', (code) => {
      clearInterval(heartbeat);
      resolve({ code, tail });
    });
  });
}

/** `1m05s`, or `42s` under a minute. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}
