/**
 * Reading live files as they grow: one `fs.watch` on a namespace's live directory serves every run
 * this process follows there; each file of a followed run is opened once and read from where the
 * last read stopped whenever it changes. An open file stays readable after its writer removes it,
 * so the last lines of an attempt are read even when the removal comes first.
 */
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { access, open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { LineListener } from './medium.js';

/** A line longer than this is not one of ours: the file is dropped. */
const MAX_LINE = 64 * 1024;
const CHUNK = 64 * 1024;

/** The watched live directory of one namespace. */
export class DirectoryFeed {
  private watcher: FSWatcher | undefined;
  /** Followed run keys → their listeners. */
  private readonly runs = new Map<string, Set<LineListener>>();
  /** Open files by name. */
  private readonly tails = new Map<string, FileTail>();

  constructor(
    private readonly dir: string,
    private readonly onIdle: () => void,
  ) {}

  /** Delivers the lines of run `key`'s files to `onLine` until the returned function is called. */
  follow(key: string, onLine: LineListener): () => void {
    let listeners = this.runs.get(key);
    if (!listeners) {
      this.runs.set(key, (listeners = new Set()));
      this.start();
      // Files already there (an attempt streaming) are read from their start, their lines so far
      // marked past: a follower that resumes mid-message must not get its start again.
      void readdir(this.dir)
        .then((names) => names.forEach((name) => this.touched(name, false, true)))
        .catch(() => undefined);
    }
    listeners.add(onLine);
    return () => {
      listeners.delete(onLine);
      if (listeners.size > 0 || this.runs.get(key) !== listeners) return;
      this.runs.delete(key);
      for (const [name, tail] of this.tails) if (name.startsWith(`${key}.`)) this.drop(name, tail);
      if (this.runs.size === 0) this.stop();
    };
  }

  private start(): void {
    if (this.watcher) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Not persistent: following a run must not keep a CLI process alive.
      this.watcher = watch(this.dir, { persistent: false }, (type, name) => name && this.touched(name, type === 'rename'));
      this.watcher.on('error', () => this.stop());
    } catch {
      // No watch (e.g. the inotify limit): this process gets the durable log alone.
    }
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    for (const [name, tail] of this.tails) this.drop(name, tail);
    this.runs.clear();
    this.onIdle();
  }

  /** A file appeared, grew or went (`renamed`): read what is new; forget a file that is gone. */
  private touched(name: string, renamed = false, existing = false): void {
    const tail = this.tails.get(name);
    if (tail) return tail.pump(renamed);
    const listeners = this.runs.get(name.slice(0, name.indexOf('.')));
    if (!listeners || !name.endsWith('.live')) return;
    // Only a creation (`rename`) proves the file is younger than the watch; anything else may be older.
    existing ||= !renamed;
    const created = new FileTail(join(this.dir, name), existing, (line, past) => listeners.forEach((l) => l(line, past)), () => this.drop(name, created));
    this.tails.set(name, created);
    created.pump();
  }

  private drop(name: string, tail: FileTail): void {
    if (this.tails.get(name) === tail) this.tails.delete(name);
    tail.close();
  }
}

/** One live file, read in order from its start; pumps never overlap. */
class FileTail {
  private handle: Promise<FileHandle | undefined> | undefined;
  private offset = 0;
  /** Lines ending at or before this offset are past (see LineListener). */
  private pastEnd = 0;
  private partial = '';
  private reading = false;
  private again = false;
  private closed = false;
  private checkGone = false;

  constructor(
    private readonly path: string,
    /** The file existed before the subscription: what it holds when opened is past. */
    private readonly existing: boolean,
    private readonly onLine: LineListener,
    private readonly onBroken: () => void,
  ) {}

  /** Reads what is new; with `checkGone`, then closes the file if it was removed. */
  pump(checkGone = false): void {
    if (this.closed) return;
    this.checkGone ||= checkGone;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    void this.readToEnd()
      .catch(() => this.onBroken())
      .finally(() => {
        this.reading = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  private async readToEnd(): Promise<void> {
    this.handle ??= open(this.path, 'r').then(
      async (h) => {
        if (this.existing) this.pastEnd = (await h.stat()).size;
        return h;
      },
      () => undefined,
    );
    const handle = await this.handle;
    if (!handle) return this.onBroken(); // gone before it was opened: the durable log has it
    const buffer = Buffer.alloc(CHUNK);
    for (;;) {
      if (this.closed) return;
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      const start = this.offset - this.partial.length;
      this.offset += bytesRead;
      const lines = (this.partial + buffer.toString('latin1', 0, bytesRead)).split('\n');
      this.partial = lines.pop()!;
      if (this.partial.length > MAX_LINE) return this.onBroken();
      // Lines are ASCII (base64), so characters are bytes: where each line ends in the file.
      let end = start;
      for (const line of lines) {
        end += line.length + 1;
        if (line) this.onLine(line, end <= this.pastEnd);
      }
    }
    if (this.checkGone) {
      this.checkGone = false;
      // Read to its end above: once its writer removed it, nothing more comes.
      if (!(await access(this.path).then(() => true, () => false))) this.onBroken();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.handle?.then((h) => h?.close()).catch(() => undefined);
  }
}
