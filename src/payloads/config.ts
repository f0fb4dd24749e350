/**
 * Payload-store settings from the environment. They live in the environment, not in the workspace
 * file, for the same reason as the encryption key: every process that touches a namespace's
 * payloads (workers, clients, the CLI, `harness serve`, the codec server, replay) must agree, and
 * most of them never read a workspace. The PostgreSQL URL may hold a password, so it is never a flag.
 */
import { ExternalStorage } from '@temporalio/common';
import type { EncryptionKeyring } from '../codec/keys.js';
import { blobIds } from './blob-ids.js';
import type { BlobStore } from './blob-store.js';
import { DirectoryBlobStore, defaultPayloadDir } from './directory-store.js';
import { PayloadStoreError } from './errors.js';
import { DEFAULT_PAYLOAD_TABLE, PostgresBlobStore } from './postgres-store.js';
import { HarnessStorageDriver } from './storage-driver.js';

/** Environment variables of the payload store. */
export const PAYLOAD_STORE_ENV = {
  /** `directory` (default), `postgres` or `off`. */
  store: 'HARNESS_PAYLOAD_STORE',
  /** Directory of the directory store. @default `$XDG_DATA_HOME/temporal-harness/payloads` (`~/.local/share/…`) */
  dir: 'HARNESS_PAYLOAD_DIR',
  /** Connection string of the PostgreSQL store (required with `postgres`). */
  postgresUrl: 'HARNESS_PAYLOAD_POSTGRES_URL',
  /** Table of the PostgreSQL store. @default `harness_payload_blobs` */
  table: 'HARNESS_PAYLOAD_TABLE',
  /** Payloads this size or larger (encoded, in bytes; `32KiB`, `1MiB` accepted) go to the store. @default 32KiB */
  threshold: 'HARNESS_PAYLOAD_THRESHOLD',
} as const;

/** Payloads of at least this many bytes (after encoding and encryption) are stored by reference. */
export const DEFAULT_PAYLOAD_THRESHOLD = 32 * 1024;
/** Temporal refuses payloads over 2 MB; a threshold above that would never offload in time. */
const MAX_THRESHOLD = 2 * 1000 * 1000;

export type PayloadStoreSettings =
  | { kind: 'directory'; dir: string; threshold: number }
  | { kind: 'postgres'; url: string; table: string; threshold: number };

/**
 * The store the environment configures, or undefined with `HARNESS_PAYLOAD_STORE=off`.
 * @throws {PayloadStoreError} `PAYLOAD_STORE_CONFIG` naming the variable at fault (never the URL).
 */
export function payloadStoreSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): PayloadStoreSettings | undefined {
  const kind = (env[PAYLOAD_STORE_ENV.store]?.trim() || 'directory').toLowerCase();
  const threshold = parseThreshold(env[PAYLOAD_STORE_ENV.threshold]);
  if (kind === 'off') return undefined;
  if (kind === 'directory') return { kind, dir: env[PAYLOAD_STORE_ENV.dir]?.trim() || defaultPayloadDir(env), threshold };
  if (kind === 'postgres') {
    const url = env[PAYLOAD_STORE_ENV.postgresUrl]?.trim();
    if (!url) {
      throw new PayloadStoreError('PAYLOAD_STORE_CONFIG', `${PAYLOAD_STORE_ENV.store}=postgres needs ${PAYLOAD_STORE_ENV.postgresUrl} (e.g. postgres://user:password@db:5432/harness).`);
    }
    return { kind, url, table: env[PAYLOAD_STORE_ENV.table]?.trim() || DEFAULT_PAYLOAD_TABLE, threshold };
  }
  throw new PayloadStoreError('PAYLOAD_STORE_CONFIG', `${PAYLOAD_STORE_ENV.store}="${kind}" is not a store; use directory, postgres or off.`);
}

/** @throws {PayloadStoreError} `PAYLOAD_STORE_CONFIG` */
export function parseThreshold(value: string | undefined): number {
  const text = value?.trim();
  if (!text) return DEFAULT_PAYLOAD_THRESHOLD;
  const m = /^(\d+)\s*(B|KiB|KB|MiB|MB)?$/i.exec(text);
  const unit = { b: 1, kib: 1024, kb: 1000, mib: 1024 * 1024, mb: 1000 * 1000 }[(m?.[2] ?? 'b').toLowerCase()];
  const bytes = m && unit ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes) || bytes > MAX_THRESHOLD) {
    throw new PayloadStoreError(
      'PAYLOAD_STORE_CONFIG',
      `${PAYLOAD_STORE_ENV.threshold}="${text}" is not a size from 0 to 2MB; write bytes or e.g. 32KiB, 256KiB, 1MiB.`,
    );
  }
  return bytes;
}

// One store per configuration per process: every client and worker of a process shares its pool.
const stores = new Map<string, BlobStore>();

/** The (shared) store for these settings. */
export function blobStoreFor(settings: PayloadStoreSettings): BlobStore {
  const key = settings.kind === 'directory' ? `dir:${settings.dir}` : `pg:${settings.table}:${settings.url}`;
  let store = stores.get(key);
  if (!store) {
    store = settings.kind === 'directory' ? new DirectoryBlobStore(settings.dir) : new PostgresBlobStore(settings.url, settings.table);
    stores.set(key, store);
  }
  return store;
}

/**
 * Temporal's external storage over a blob store: payloads of at least `threshold` bytes leave
 * history for the store, keyed as blob-ids.ts explains (so `ring` must be the process's keyring).
 */
export function externalStorageFor(store: BlobStore, threshold: number, ring: EncryptionKeyring | undefined): ExternalStorage {
  return new ExternalStorage({ drivers: [new HarnessStorageDriver(store, blobIds(ring))], payloadSizeThreshold: threshold });
}
