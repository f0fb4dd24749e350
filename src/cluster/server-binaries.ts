/**
 * The Temporal server (`temporal-server`) and its schema tool (`temporal-sql-tool`), built once
 * from their Go module like the CLI (src/devserver/temporal-binary.ts) and cached next to it,
 * outside the repo, so every clone and CI run reuses one build.
 */
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { runGoBuild } from '../devserver/go-build.js';
import { harnessCacheDir } from '../devserver/temporal-binary.js';
import { TEMPORAL_SERVER_VERSION } from './config.js';
import { ClusterStartError } from './errors.js';

/** Go packages of the two binaries, with the names the server's docker images give them. */
const PACKAGES = [
  { pkg: 'go.temporal.io/server/cmd/server', built: 'server', name: 'temporal-server', env: 'HARNESS_TEMPORAL_SERVER' },
  { pkg: 'go.temporal.io/server/cmd/tools/sql', built: 'sql', name: 'temporal-sql-tool', env: 'HARNESS_TEMPORAL_SQL_TOOL' },
] as const;

/** Paths of the two binaries. */
export interface ServerBinaries {
  server: string;
  sqlTool: string;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    if (await isExecutable(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/** Where the cached build of a binary lives (its name carries the server version). */
export function cachedServerBinaryPath(name: 'temporal-server' | 'temporal-sql-tool', env: NodeJS.ProcessEnv = process.env): string {
  return path.join(harnessCacheDir(env), 'bin', `${name}-${TEMPORAL_SERVER_VERSION.slice(1)}`);
}

/**
 * Return both binaries, building them with Go (both in one `go install`, at low CPU priority)
 * when the cache lacks one. `HARNESS_TEMPORAL_SERVER` / `HARNESS_TEMPORAL_SQL_TOOL` name existing
 * binaries of the same release instead.
 *
 * @throws {ClusterStartError} `SERVER_BINARY_NOT_FOUND` (a variable names no executable),
 *   `GO_NOT_FOUND` or `SERVER_BUILD_FAILED`.
 */
export async function ensureServerBinaries(options: { log?: (line: string) => void } = {}): Promise<ServerBinaries> {
  const log = options.log ?? (() => {});
  const paths: string[] = [];
  let missing = false;
  for (const p of PACKAGES) {
    const explicit = process.env[p.env];
    if (explicit) {
      if (!(await isExecutable(explicit))) {
        throw new ClusterStartError(
          'SERVER_BINARY_NOT_FOUND',
          `${p.env} is set to "${explicit}", which is not an executable file. Point it at a ${p.name} ${TEMPORAL_SERVER_VERSION} binary, or unset it to use the harness-built one.`,
        );
      }
      paths.push(path.resolve(explicit));
    } else {
      const cached = cachedServerBinaryPath(p.name);
      paths.push(cached);
      if (!(await isExecutable(cached))) missing = true;
    }
  }
  if (missing) await buildServerBinaries(log);
  return { server: paths[0]!, sqlTool: paths[1]! };
}

async function buildServerBinaries(log: (line: string) => void): Promise<void> {
  const go = await onPath('go');
  if (!go) {
    throw new ClusterStartError(
      'GO_NOT_FOUND',
      `The local cluster runs the Temporal server ${TEMPORAL_SERVER_VERSION}, built from source with Go, and Go is not on PATH. ` +
        'Install Go >= 1.25 (https://go.dev/dl/, or `apt-get install golang`) and run again; the build takes a few minutes once and is cached in ' +
        `${path.dirname(cachedServerBinaryPath('temporal-server'))}. Or set HARNESS_TEMPORAL_SERVER and HARNESS_TEMPORAL_SQL_TOOL to existing binaries.`,
    );
  }
  const binDir = path.dirname(cachedServerBinaryPath('temporal-server'));
  await mkdir(binDir, { recursive: true });
  // Built into a temp GOBIN and renamed, so a killed build never leaves a half-written binary.
  const gobin = await mkdtemp(path.join(binDir, `.build-server-${process.pid}-`));
  const started = Date.now();
  log(`Building temporal-server and temporal-sql-tool ${TEMPORAL_SERVER_VERSION} with Go (first time only; several minutes)…`);
  try {
    const nice = await onPath('nice');
    const goArgs = ['install', '-ldflags=-s -w', ...PACKAGES.map((p) => `${p.pkg}@${TEMPORAL_SERVER_VERSION}`)];
    // Low priority: the build takes minutes of every core, and the machine has other work.
    const [cmd, args] = nice ? [nice, ['-n', '10', go, ...goArgs]] : [go, goArgs];
    const { code, tail } = await runGoBuild(cmd, args, { ...process.env, GOBIN: gobin, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' }, log);
    if (code !== 0) {
      throw new ClusterStartError(
        'SERVER_BUILD_FAILED',
        `Building the Temporal server with Go failed (${code === null ? 'killed by a signal' : `exit code ${code}`}). Last output:\n${tail.map((l) => `    ${l}`).join('\n')}`,
      );
    }
    for (const p of PACKAGES) await rename(path.join(gobin, p.built), cachedServerBinaryPath(p.name));
    log(`Built the Temporal server in ${Math.round((Date.now() - started) / 1000)} s.`);
  } finally {
    await rm(gobin, { recursive: true, force: true });
  }
}

