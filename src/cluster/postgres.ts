/**
 * The cluster's PostgreSQL, from the server binaries of the Debian package (`postgresql`):
 * `initdb` once into the cluster's directory, then `pg_ctl start` on 127.0.0.1 with its unix
 * socket in that directory and trust authentication (it never listens beyond this machine).
 * PostgreSQL refuses to run as root, so under root it belongs to the `postgres` system user (the
 * package creates it) and its commands run through `runuser`.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterStartError } from './errors.js';

const run = promisify(execFile);

/** The directory with initdb and pg_ctl: `$HARNESS_PG_BIN`, else the newest /usr/lib/postgresql/<v>/bin. */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HARNESS_PG_BIN) return env.HARNESS_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) {
    throw new ClusterStartError(
      'POSTGRES_NOT_FOUND',
      'PostgreSQL server binaries not found (looked in /usr/lib/postgresql/<version>/bin). Install them ' +
        '(Debian/Ubuntu: `apt-get install postgresql`) or set HARNESS_PG_BIN to the directory holding initdb and pg_ctl.',
    );
  }
  return join(root, versions[0], 'bin');
}

/** A running PostgreSQL of the cluster. */
export interface ClusterPostgres {
  host: string;
  port: number;
  /** True when this start created the database cluster (so the schemas must be created too). */
  fresh: boolean;
  /** The server's log file. */
  logFile: string;
  /** Fast shutdown (`pg_ctl stop -m fast`); the data stays in the directory. Safe to call twice. */
  stop(): Promise<void>;
  /** The postmaster's process id while it runs (its backends are its children). */
  pid(): number | undefined;
  /**
   * Immediate shutdown by signal (SIGQUIT to the postmaster; WAL replay makes it safe), for a
   * synchronous exit handler. No-op once stopped.
   */
  stopNow(): void;
}

/** Superuser the cluster's PostgreSQL is created with; the Temporal services connect as it. */
export const CLUSTER_PG_USER = 'temporal';

/**
 * Start (creating it first if `dir` holds none) a PostgreSQL for the cluster.
 *
 * @param dir - directory of this PostgreSQL (data in `dir/data`, socket and log in `dir`).
 * @param port - TCP port on 127.0.0.1.
 * @throws {ClusterStartError} `POSTGRES_NOT_FOUND` or `POSTGRES_START_FAILED`, with PostgreSQL's own message.
 */
export async function startClusterPostgres(dir: string, port: number): Promise<ClusterPostgres> {
  const bin = postgresBinDir();
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  mkdirSync(dir, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const [uid, gid] = await Promise.all(
      ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim())),
    );
    chownSync(dir, uid!, gid!);
  }
  const pg = (cmd: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { cwd: dir }) : run(join(bin, cmd), args, { cwd: dir });
  const fresh = !existsSync(join(data, 'PG_VERSION'));
  try {
    if (fresh) {
      await pg('initdb', ['-D', data, '-U', CLUSTER_PG_USER, '--auth=trust', '-E', 'UTF8', '--no-instructions']);
    }
    // Four service processes × (20 persistence + 10 visibility connections) = 120 > the default 100.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    await pg('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', '-o', options, 'start']);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ClusterStartError(
      'POSTGRES_START_FAILED',
      `Could not start the cluster's PostgreSQL with ${bin} in ${dir}: ${e.stderr?.trim() || e.message}` +
        (asRoot ? ' (under root it runs as the `postgres` user, which must be able to reach that directory).' : ''),
      { cause: err },
    );
  }
  let stopped: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    fresh,
    logFile,
    stop() {
      stopped ??= pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).then(() => undefined);
      return stopped;
    },
    pid: () => postmasterPid(data),
    stopNow() {
      if (stopped) return;
      const pid = postmasterPid(data);
      try {
        if (pid !== undefined) process.kill(pid, 'SIGQUIT');
      } catch {
        // Already gone.
      }
    },
  };
}

/** postmaster.pid's first line is the server's pid; undefined when it is not running. */
function postmasterPid(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Let other users (the `postgres` user under root) traverse a directory we created. */
export function allowTraverse(dir: string): void {
  chmodSync(dir, 0o755);
}
