/**
 * Locating (and, as a last resort, building) the `temporal` CLI binary, which contains the
 * Temporal dev server (server + SQLite + Web UI in one process).
 *
 * Why build from source: no npm package ships the binary, and the SDK's download host is not
 * reachable everywhere. The CLI is pure Go, so `go install` produces it without CGO. The build
 * takes minutes, so the result is cached outside the repo and reused across clones.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { TemporalBinaryNotFoundError } from './errors.js';
import { formatElapsed, runGoBuild, type GoBuildResult } from './go-build.js';

/** The Temporal CLI tag we build: the newest one that `go install` accepts (no `replace` in go.mod). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Go package path of the CLI's main package. */
export const TEMPORAL_CLI_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

/** Minimum Go version the pinned CLI tag builds with (its go.mod says `go 1.25.0`). */
export const MIN_GO_VERSION = '1.25';

const EXE_SUFFIX = process.platform === 'win32' ? '.exe' : '';
const BINARY_NAME = `temporal${EXE_SUFFIX}`;

/** Options for {@link ensureTemporalBinary}. */
export interface EnsureTemporalBinaryOptions {
  /** Receives progress lines (Go's output, heartbeats). Defaults to discarding them. */
  log?: (line: string) => void;
}

/**
 * Directory where the harness caches the built CLI: `HARNESS_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/temporal-harness`, else `~/.cache/temporal-harness`.
 * Lives outside the repo so every clone (and CI run with a cache) reuses one build.
 */
export function harnessCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HARNESS_CACHE_DIR) return path.resolve(env.HARNESS_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'temporal-harness');
  return path.join(homedir(), '.cache', 'temporal-harness');
}

/** Path where {@link ensureTemporalBinary} puts (and {@link findTemporalBinary} looks for) the built CLI. */
export function cachedTemporalBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(harnessCacheDir(env), 'bin', BINARY_NAME);
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable `name` on PATH, like `which`. */
async function whichOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    const candidate = path.join(dir, name + EXE_SUFFIX);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Find an existing `temporal` binary without building anything.
 *
 * Order: `TEMPORAL_CLI` (an explicit choice, so a bad value is an error rather than silently
 * ignored), then `temporal` on PATH (the user's own install), then the harness's cached build.
 *
 * @returns the absolute path, or `undefined` if none was found.
 * @throws {TemporalBinaryNotFoundError} if `TEMPORAL_CLI` is set but is not an executable file.
 */
export async function findTemporalBinary(): Promise<string | undefined> {
  const explicit = process.env.TEMPORAL_CLI;
  if (explicit) {
    const resolved = path.resolve(explicit);
    if (await isExecutableFile(resolved)) return resolved;
    throw new TemporalBinaryNotFoundError(
      'TEMPORAL_BINARY_NOT_FOUND',
      `TEMPORAL_CLI is set to "${explicit}", but that is not an executable file. ` +
        'Point TEMPORAL_CLI at a Temporal CLI binary (check with `$TEMPORAL_CLI --version`), ' +
        'or unset TEMPORAL_CLI to use `temporal` from PATH or the harness-built copy.',
    );
  }
  const onPath = await whichOnPath('temporal');
  if (onPath) return onPath;
  const cached = cachedTemporalBinaryPath();
  if (await isExecutableFile(cached)) return cached;
  return undefined;
}

/**
 * How a command printed for a person calls the Temporal CLI: `temporal` when it is on PATH, else
 * the full path of the binary the harness would use (`TEMPORAL_CLI`, the cached build), else
 * `temporal` (nothing found: the person installs it).
 */
export async function temporalCommand(): Promise<string> {
  if (await whichOnPath('temporal')) return 'temporal';
  try {
    return (await findTemporalBinary()) ?? 'temporal';
  } catch {
    return 'temporal'; // A bad TEMPORAL_CLI is reported where the binary is run, not here.
  }
}

function notFoundMessage(cause?: string): string {
  return [
    cause ?? 'No Temporal CLI binary found (it contains the dev server the harness runs on).',
    'Fix it with one of:',
    '  - set TEMPORAL_CLI=/path/to/temporal (an existing Temporal CLI binary);',
    '  - install the Temporal CLI so `temporal` is on PATH: `brew install temporal`, or see https://docs.temporal.io/cli;',
    `  - install Go >= ${MIN_GO_VERSION} (https://go.dev/dl/) and rerun \`npm install\` (or \`node bin/ensure-temporal.mjs\`):`,
    `    the harness then builds the CLI ${TEMPORAL_CLI_VERSION} into ${path.dirname(cachedTemporalBinaryPath())}.`,
  ].join('\n');
}

/**
 * Remove temp GOBIN dirs left by builds that were killed. Each is named after its builder's
 * pid, so a dir whose process is gone is garbage, while a concurrent live build is left alone.
 */
async function removeStaleBuildDirs(binDir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(binDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = /^\.build-(\d+)-/.exec(entry);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch (err) {
      alive = (err as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (!alive) await rm(path.join(binDir, entry), { recursive: true, force: true });
  }
}

/** Run `go install` into a temp GOBIN; resolves with the exit code and the tail of its output. */
function runGoInstall(go: string, gobin: string, log: (line: string) => void): Promise<GoBuildResult> {
  const args = [
    'install',
    // Same flags as the official release build: strip symbols (much smaller binary) and stamp
    // the version, which would otherwise read "0.0.0-DEV".
    `-ldflags=-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION.slice(1)}`,
    `${TEMPORAL_CLI_PACKAGE}@${TEMPORAL_CLI_VERSION}`,
  ];
  const env = {
    ...process.env,
    GOBIN: gobin,
    // Pure-Go build: no C toolchain needed, and a static binary.
    CGO_ENABLED: '0',
    // Never download a different Go toolchain behind the user's back.
    GOTOOLCHAIN: 'local',
  };
  return runGoBuild(go, args, env, log);
}

/**
 * Build the CLI with Go into the cache dir. The binary is first written to a temp GOBIN next to
 * its final place and then renamed (atomic on one filesystem), so a killed build never leaves a
 * half-written `temporal` that later runs would trust.
 */
async function buildWithGo(go: string, log: (line: string) => void): Promise<string> {
  const target = cachedTemporalBinaryPath();
  const binDir = path.dirname(target);
  await mkdir(binDir, { recursive: true });
  await removeStaleBuildDirs(binDir);
  const tempBin = path.join(binDir, `.build-${process.pid}-${randomBytes(4).toString('hex')}`);
  await mkdir(tempBin);
  const started = Date.now();
  log(
    `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} (first time only; takes a few minutes and a few GB of RAM)…`,
  );
  try {
    const { code, tail } = await runGoInstall(go, tempBin, log);
    const built = path.join(tempBin, BINARY_NAME);
    if (code !== 0 || !(await isExecutableFile(built))) {
      throw new TemporalBinaryNotFoundError(
      'TEMPORAL_BINARY_NOT_FOUND',
        notFoundMessage(
          `Building the Temporal CLI with Go failed (exit code ${code}). Last output:\n` +
            tail.map((line) => `    ${line}`).join('\n'),
        ),
      );
    }
    await rename(built, target);
    log(`Built ${target} in ${formatElapsed(Date.now() - started)}.`);
    return target;
  } finally {
    await rm(tempBin, { recursive: true, force: true });
  }
}

/**
 * Return a usable `temporal` binary, building it with Go if none exists.
 *
 * @returns the absolute path of the binary.
 * @throws {TemporalBinaryNotFoundError} if none is found and Go is missing or the build fails;
 *   the message says what to install.
 */
export async function ensureTemporalBinary(options: EnsureTemporalBinaryOptions = {}): Promise<string> {
  const log = options.log ?? (() => {});
  const found = await findTemporalBinary();
  if (found) return found;
  const go = await whichOnPath('go');
  if (!go) throw new TemporalBinaryNotFoundError('TEMPORAL_BINARY_NOT_FOUND', notFoundMessage());
  return buildWithGo(go, log);
}
