/**
 * A throwaway PostgreSQL cluster for tests, from the server binaries of the Debian package
 * (`postgresql`; `.ci/run` installs it): `initdb` into a temp dir, `pg_ctl start` on a free
 * port of 127.0.0.1 with its unix socket in that dir, trust authentication, no fsync. PostgreSQL
 * refuses to run as root, so under root the cluster belongs to the `postgres` system user (the
 * package creates it) and its commands run through `runuser`.
 *
 * @example
 * const pg = await startPostgres();   // pg.url = postgres://harness@127.0.0.1:<port>/postgres
 * pg.down(); pg.up();               // a crash and a restart, same port and data
 * await pg.stop();
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { postgresBinDir } from '../../src/cluster/postgres.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  url: string;
  port: number;
  /** Stops the server (immediately) and deletes its files; safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server like a crash would (`immediate`), keeping its files: the port refuses connections. */
  down(): void;
  /** Starts a server taken {@link TestPostgres.down} again, on the same files and port. */
  up(): void;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'harness-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe', cwd: dir })
      : execFileSync(join(bin, cmd), args, { stdio: 'pipe', cwd: dir });
  const port = await freePort();
  const start = () =>
    run('pg_ctl', [
      '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`,
      'start',
    ]);
  let running = false;
  try {
    run('initdb', ['-D', data, '-U', 'harness', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    start();
    running = true;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start a test PostgreSQL with ${bin}: ${e.stderr?.toString().trim() || e.message}`, { cause: err });
  }
  let stopped = false;
  return {
    url: `postgres://harness@127.0.0.1:${port}/postgres`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        if (running) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    down() {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    up() {
      start();
      running = true;
    },
  };
}

/** A port nothing listens on right now (also what a test uses for "the server is down"). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
