import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  TEMPORAL_CLI_VERSION,
  cachedTemporalBinaryPath,
  ensureTemporalBinary,
  findTemporalBinary,
  harnessCacheDir,
} from '../../src/devserver/temporal-binary.js';
import { TemporalBinaryNotFoundError } from '../../src/devserver/errors.js';

const ENV_KEYS = ['PATH', 'TEMPORAL_CLI', 'HARNESS_CACHE_DIR', 'XDG_CACHE_HOME'] as const;

/** Write an executable shell script (absolute paths only: the tests' PATH holds no system dirs). */
async function script(file: string, body: string, mode = 0o755): Promise<string> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, mode);
  return file;
}

describe.skipIf(process.platform === 'win32')('temporal binary resolution', () => {
  let dir: string;
  let pathDir: string;
  let cacheDir: string;
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  beforeEach(async () => {
    for (const key of ENV_KEYS) saved[key] = process.env[key];
    dir = await mkdtemp(path.join(tmpdir(), 'temporal-binary-test-'));
    pathDir = path.join(dir, 'path-bin');
    cacheDir = path.join(dir, 'cache');
    await mkdir(pathDir);
    // A hermetic world: nothing on PATH but our fakes, an empty cache, no TEMPORAL_CLI.
    process.env.PATH = pathDir;
    process.env.HARNESS_CACHE_DIR = cacheDir;
    delete process.env.TEMPORAL_CLI;
  });

  afterEach(async () => {
    for (const key of ENV_KEYS) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('prefers TEMPORAL_CLI over PATH and the cache', async () => {
    const explicit = await script(path.join(dir, 'explicit', 'my-temporal'), 'exit 0');
    await script(path.join(pathDir, 'temporal'), 'exit 0');
    await script(cachedTemporalBinaryPath(), 'exit 0');
    process.env.TEMPORAL_CLI = explicit;
    expect(await findTemporalBinary()).toBe(explicit);
  });

  it('rejects a TEMPORAL_CLI that does not exist, naming the variable', async () => {
    await script(path.join(pathDir, 'temporal'), 'exit 0');
    process.env.TEMPORAL_CLI = path.join(dir, 'missing-temporal');
    const err = await findTemporalBinary().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalBinaryNotFoundError);
    expect((err as Error).message).toMatch(/TEMPORAL_CLI is set to ".*missing-temporal"/);
    expect((err as Error).message).toMatch(/unset TEMPORAL_CLI/);
  });

  it('rejects a TEMPORAL_CLI that is not executable or is a directory', async () => {
    process.env.TEMPORAL_CLI = await script(path.join(dir, 'not-exec'), 'exit 0', 0o644);
    await expect(findTemporalBinary()).rejects.toThrow(/TEMPORAL_CLI/);
    process.env.TEMPORAL_CLI = dir;
    await expect(findTemporalBinary()).rejects.toThrow(/not an executable file/);
  });

  it('uses temporal on PATH before the cached build', async () => {
    const onPath = await script(path.join(pathDir, 'temporal'), 'exit 0');
    await script(cachedTemporalBinaryPath(), 'exit 0');
    process.env.PATH = [path.join(dir, 'empty'), pathDir].join(path.delimiter);
    expect(await findTemporalBinary()).toBe(onPath);
  });

  it('skips a non-executable temporal on PATH and falls back to the cache', async () => {
    await script(path.join(pathDir, 'temporal'), 'exit 0', 0o644);
    const cached = await script(cachedTemporalBinaryPath(), 'exit 0');
    expect(cached).toBe(path.join(cacheDir, 'bin', 'temporal'));
    expect(await findTemporalBinary()).toBe(cached);
    expect(await ensureTemporalBinary()).toBe(cached);
  });

  it('computes the cache dir from HARNESS_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(harnessCacheDir({ HARNESS_CACHE_DIR: '/a/b', XDG_CACHE_HOME: '/x' })).toBe('/a/b');
    expect(harnessCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/temporal-harness');
    expect(harnessCacheDir({})).toMatch(/\.cache[/\\]temporal-harness$/);
  });

  it('returns undefined when nothing is found', async () => {
    expect(await findTemporalBinary()).toBeUndefined();
  });

  it('throws TemporalBinaryNotFoundError with install instructions when there is no go either', async () => {
    const err = await ensureTemporalBinary().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalBinaryNotFoundError);
    const e = err as TemporalBinaryNotFoundError;
    expect(e.name).toBe('TemporalBinaryNotFoundError');
    expect(e.code).toBe('TEMPORAL_BINARY_NOT_FOUND');
    expect(e.message).toContain('TEMPORAL_CLI');
    expect(e.message).toContain('brew install temporal');
    expect(e.message).toContain('https://docs.temporal.io/cli');
    expect(e.message).toMatch(/install Go >= 1\.\d+/);
  });

  it('builds with go into a temp GOBIN, renames into the cache and cleans up', async () => {
    const argsFile = path.join(dir, 'go-args');
    // The fake go checks the env we promise, prints a progress line and "builds" the binary.
    await script(
      path.join(pathDir, 'go'),
      [
        'echo "$@" > ' + JSON.stringify(argsFile),
        'echo "go: downloading example.com/mod v1.0.0" >&2',
        '[ "$CGO_ENABLED" = 0 ] && [ "$GOTOOLCHAIN" = local ] || exit 3',
        'printf "#!/bin/sh\\necho fake temporal\\n" > "$GOBIN/temporal"',
        '/bin/chmod 755 "$GOBIN/temporal"',
      ].join('\n'),
    );
    // A temp dir left by a killed build (a pid that cannot exist) must be swept away.
    await mkdir(path.join(cacheDir, 'bin', '.build-999999999-dead'), { recursive: true });
    const lines: string[] = [];
    const binary = await ensureTemporalBinary({ log: (line) => lines.push(line) });
    expect(binary).toBe(path.join(cacheDir, 'bin', 'temporal'));
    expect(await readdir(path.join(cacheDir, 'bin'))).toEqual(['temporal']);
    expect(await readFile(argsFile, 'utf8')).toContain(`install`);
    expect(await readFile(argsFile, 'utf8')).toContain(`github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`);
    expect(lines.some((line) => line.includes('downloading example.com/mod'))).toBe(true);
    // Now found without building.
    expect(await findTemporalBinary()).toBe(binary);
  });

  it('reports a failed go build with its output and leaves no binary behind', async () => {
    await script(
      path.join(pathDir, 'go'),
      ['echo partial > "$GOBIN/temporal"', 'echo "go: go.mod requires go >= 1.25.0 (running go 1.22)" >&2', 'exit 1'].join(
        '\n',
      ),
    );
    const err = await ensureTemporalBinary().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporalBinaryNotFoundError);
    expect((err as Error).message).toMatch(/exit code 1/);
    expect((err as Error).message).toContain('go.mod requires go >= 1.25.0');
    expect(await readdir(path.join(cacheDir, 'bin'))).toEqual([]);
  });
});
