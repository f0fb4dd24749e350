/**
 * The live path's leftovers in a payload store, for `harness payloads gc`: the live files (directory
 * store) or live rows (PostgreSQL store) of model calls that ended without cleaning up (a worker
 * that crashed mid-stream), once they are 15 minutes old (`STALE_LIVE_FILE_MS`). Publishers sweep
 * them now and then too; gc also covers a namespace or table nobody publishes in any more.
 */
import { join } from 'node:path';
import type { BlobStore } from '../payloads/blob-store.js';
import { DirectoryBlobStore } from '../payloads/directory-store.js';
import { PostgresBlobStore } from '../payloads/postgres-store.js';
import { LIVE_DIR, sweepStaleLiveFiles } from './directory-medium.js';
import { liveTableOf, sweepStaleLiveRows } from './postgres-medium.js';

/** What a sweep removed (or, in a dry run, would remove). */
export interface LiveSweepReport {
  /** Files of the directory medium, rows of the PostgreSQL one. */
  unit: 'file' | 'row';
  /** Where they were: the live directory, or `table <name>`. */
  where: string;
  removed: number;
}

/**
 * Removes the store's stale live leftovers of every namespace.
 * @param options.dryRun count them, remove nothing.
 * @returns the report, or undefined for a store without a live medium.
 * @throws the store's error when it cannot be reached (e.g. PostgreSQL down).
 */
export async function sweepStaleLive(store: BlobStore, options: { dryRun?: boolean } = {}): Promise<LiveSweepReport | undefined> {
  const dryRun = options.dryRun ?? false;
  if (store instanceof DirectoryBlobStore) return { unit: 'file', where: join(store.root, LIVE_DIR), removed: await sweepStaleLiveFiles(store.root, new Date(), dryRun) };
  if (store instanceof PostgresBlobStore) return { unit: 'row', where: `table ${liveTableOf(store)}`, removed: await sweepStaleLiveRows(store, dryRun) };
  return undefined;
}
