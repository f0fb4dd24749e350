/**
 * The embedded default store: one file per blob under `<root>/<namespace>/<2 hex>/<id>`. Writes go
 * to a temporary file renamed into place, so a reader never sees half a blob and two processes
 * writing the same id race harmlessly (same content). Shared by the processes of one machine only.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BlobInfo, BlobStore } from './blob-store.js';

/**
 * The directory every local process agrees on without configuration (the dev server, `harness
 * dev`/`npm start`, the CLI in another terminal): `$XDG_DATA_HOME/temporal-harness/payloads`, else
 * `~/.local/share/temporal-harness/payloads`.
 */
export function defaultPayloadDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME?.trim() || join(homedir(), '.local', 'share');
  return join(base, 'temporal-harness', 'payloads');
}

export class DirectoryBlobStore implements BlobStore {
  readonly description: string;

  constructor(readonly root: string) {
    this.description = `directory store ${root}`;
  }

  private path(namespace: string, id: string): { dir: string; file: string } {
    const dir = join(this.root, namespace, id.slice(-64, -62));
    return { dir, file: join(dir, id) };
  }

  async put(namespace: string, id: string, bytes: Uint8Array): Promise<void> {
    const { dir, file } = this.path(namespace, id);
    const now = new Date();
    try {
      await utimes(file, now, now); // already stored: only refresh its age
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(dir, { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  }

  async get(namespace: string, id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(namespace, id).file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *list(namespace: string): AsyncIterable<BlobInfo> {
    const nsDir = join(this.root, namespace);
    for (const shard of await readdirOrEmpty(nsDir)) {
      for (const id of await readdirOrEmpty(join(nsDir, shard))) {
        if (id.endsWith('.tmp')) continue;
        const s = await stat(join(nsDir, shard, id)).catch(() => undefined);
        if (s) yield { namespace, id, size: s.size, touchedAt: s.mtime };
      }
    }
  }

  async delete(namespace: string, id: string, notTouchedSince: Date): Promise<boolean> {
    const { file } = this.path(namespace, id);
    // Move it aside first, then look at its age: a writer that refreshed it just before the move is
    // seen (and the blob put back); one that comes after the move finds no file and writes it anew.
    const aside = `${file}.${randomUUID()}.deleting.tmp`;
    try {
      await rename(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    if ((await stat(aside)).mtime >= notTouchedSince) {
      await rename(aside, file);
      return false;
    }
    await rm(aside, { force: true });
    return true;
  }

  async close(): Promise<void> {}
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
