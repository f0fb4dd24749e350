/**
 * The live medium of the directory payload store (the embedded default): processes on ONE machine
 * that share the store directory share live items through it. Each model-call attempt appends its
 * lines to its own file, `<store>/.live/<namespace>/<run key>.<random>.live`, and removes the file
 * when the attempt ends; a subscribing process watches the namespace's directory (one `fs.watch`
 * for all the runs it follows, see directory-tail.ts) and reads the files of the runs it follows.
 *
 * Bounded: a file stops growing at {@link MAX_LIVE_FILE_BYTES} (the rest of that answer reaches
 * other processes by the durable log alone), and files a crashed publisher left behind are swept
 * once they are {@link STALE_LIVE_FILE_MS} old: by the next publisher in the namespace (at most once
 * per {@link SWEEP_INTERVAL_MS}) and by `harness payloads gc`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryFeed } from './directory-tail.js';
import type { LineListener, LiveMedium, LiveWriter } from './medium.js';

/** A live file stops growing here (~a million tokens of text: no real answer gets there). */
export const MAX_LIVE_FILE_BYTES = 16 * 1024 * 1024;
/** A live file not written for this long belongs to a publisher that died: removed by sweeps. */
export const STALE_LIVE_FILE_MS = 15 * 60 * 1000;
/** How often one process sweeps a namespace's live directory while it publishes. */
export const SWEEP_INTERVAL_MS = 10 * 60 * 1000;
/** The live files' directory inside a directory payload store. */
export const LIVE_DIR = '.live';
export const LIVE_FILE_SUFFIX = '.live';

const PLAIN_NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** The file-name prefix of a run's live files (run ids may hold any character). */
export function runKey(runId: string): string {
  return createHash('sha256').update(runId).digest('hex').slice(0, 32);
}

export class DirectoryLiveMedium implements LiveMedium {
  readonly description: string;
  /** Appending to a local file costs next to nothing: every batch goes at once. */
  readonly minWriteIntervalMs = 0;
  private readonly feeds = new Map<string, DirectoryFeed>();
  private readonly lastSweep = new Map<string, number>();

  /** @param root the live directory (`<payload store>/.live`). */
  constructor(readonly root: string) {
    this.description = `directory ${root}`;
  }

  private dir(namespace: string): string {
    const name = PLAIN_NAMESPACE.test(namespace) ? namespace : `ns-${createHash('sha256').update(namespace).digest('hex').slice(0, 32)}`;
    return join(this.root, name);
  }

  writer(namespace: string, runId: string): LiveWriter {
    const dir = this.dir(namespace);
    const now = Date.now();
    if (now - (this.lastSweep.get(dir) ?? 0) >= SWEEP_INTERVAL_MS) {
      this.lastSweep.set(dir, now);
      void sweepLiveDir(dir, new Date(now - STALE_LIVE_FILE_MS)).catch(() => undefined);
    }
    return new FileWriter(join(dir, `${runKey(runId)}.${randomUUID()}${LIVE_FILE_SUFFIX}`), dir);
  }

  subscribe(namespace: string, runId: string, onLine: LineListener): () => void {
    const dir = this.dir(namespace);
    let feed = this.feeds.get(dir);
    if (!feed) this.feeds.set(dir, (feed = new DirectoryFeed(dir, () => this.feeds.delete(dir))));
    return feed.follow(runKey(runId), onLine);
  }
}

/**
 * Appends one attempt's lines to its file; removes the file at the end.
 *
 * Synchronous calls on purpose: this runs in the worker's main thread once per batch of a model
 * call's tokens, and on a local directory a synchronous open/append/close/unlink costs ~35 µs of
 * CPU where the promise API's costs ~200 µs (measured on the development machine: thread-pool hops
 * and FileHandle bookkeeping). The calls never wait on anything but the local disk.
 */
class FileWriter implements LiveWriter {
  private fd: number | undefined;
  private bytes = 0;

  constructor(
    private readonly path: string,
    private readonly dir: string,
  ) {}

  write(lines: readonly string[]): Promise<void> {
    try {
      const text = lines.map((l) => `${l}\n`).join('');
      if (this.bytes + text.length > MAX_LIVE_FILE_BYTES) return Promise.resolve(); // full: the durable log carries the rest
      this.fd ??= openForAppend(this.path, this.dir);
      this.bytes += text.length;
      // One write per batch, in append mode: a reader sees whole lines or a partial last one it keeps.
      writeSync(this.fd, text);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  end(): Promise<void> {
    if (this.fd === undefined) return Promise.resolve();
    const fd = this.fd;
    this.fd = undefined;
    ignoreErrors(() => closeSync(fd));
    // Readers that opened the file keep reading it to its end after it is gone.
    ignoreErrors(() => unlinkSync(this.path));
    return Promise.resolve();
  }
}

/** Opens `path` to append; the namespace's directory is there but for the first file of all: one syscall, not mkdir's walk. */
function openForAppend(path: string, dir: string): number {
  try {
    return openSync(path, 'a');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
    return openSync(path, 'a');
  }
}

function ignoreErrors(fn: () => void): void {
  try {
    fn();
  } catch {
    // the file is gone or its descriptor closed already: nothing to clean up
  }
}

/**
 * Removes live files last written before `notWrittenSince` from one namespace's live directory.
 * @param dryRun count them, remove nothing.
 * @returns how many were (or would be) removed.
 */
export async function sweepLiveDir(dir: string, notWrittenSince: Date, dryRun = false): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.endsWith(LIVE_FILE_SUFFIX)) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => undefined);
    if (s && s.mtime < notWrittenSince) {
      if (!dryRun) await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * Sweeps the stale live files of every namespace of a directory payload store (`harness payloads gc`).
 * @param dryRun count them, remove nothing.
 * @returns how many were (or would be) removed.
 */
export async function sweepStaleLiveFiles(storeRoot: string, now = new Date(), dryRun = false): Promise<number> {
  const root = join(storeRoot, LIVE_DIR);
  let removed = 0;
  const namespaces = await readdir(root).catch(() => [] as string[]);
  for (const ns of namespaces) removed += await sweepLiveDir(join(root, ns), new Date(now.getTime() - STALE_LIVE_FILE_MS), dryRun);
  return removed;
}
