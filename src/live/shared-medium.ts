/**
 * Which shared medium a client's live items ride: the payload store and encryption keyring of its
 * data converter (the ones `dataConverterFromEnv` builds from `HARNESS_PAYLOAD_STORE` and the
 * encryption variables), so publisher and viewers agree exactly where they already agree on blobs.
 * A directory store gives the directory medium (one machine), a PostgreSQL store the NOTIFY medium
 * (any machine); no store (`HARNESS_PAYLOAD_STORE=off`) gives none: the live path stays in-process.
 * One medium per store and keyring per process, so every client of a process shares subscriptions.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { LoadedDataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../codec/encryption-codec.js';
import type { EncryptionKeyring } from '../codec/keys.js';
import type { BlobStore } from '../payloads/blob-store.js';
import { DirectoryBlobStore } from '../payloads/directory-store.js';
import { PostgresBlobStore } from '../payloads/postgres-store.js';
import { HarnessStorageDriver } from '../payloads/storage-driver.js';
import { DirectoryLiveMedium, LIVE_DIR } from './directory-medium.js';
import { LiveFrameCodec } from './frame-codec.js';
import type { LiveMedium } from './medium.js';
import { MediumHealth } from './medium-health.js';
import { PostgresLiveMedium } from './postgres-medium.js';

/** What the live path needs of a Temporal client (a `Client`, or a workflow handle's `WorkflowClient`). */
export interface LiveClient {
  readonly options: { readonly namespace: string; readonly loadedDataConverter: LoadedDataConverter };
}

/** A medium, the codec of its lines, and how its publishers last found it. */
export interface SharedMedium {
  medium: LiveMedium;
  codec: LiveFrameCodec;
  health: MediumHealth;
}

const ORIGIN_KEY = Symbol.for('temporal-harness.live-origin');
const MEDIA_KEY = Symbol.for('temporal-harness.live-media');

/** This process's id on shared media: its own frames come back to it and are ignored (the in-process channel has them). */
export function liveOrigin(): string {
  const g = globalThis as unknown as Record<symbol, string | undefined>;
  g[ORIGIN_KEY] ??= `${process.pid}-${Math.random().toString(36).slice(2, 12)}`;
  return g[ORIGIN_KEY];
}

/** The shared medium of `client`'s payload store, or undefined when it has none. */
export function sharedMediumOf(client: LiveClient): SharedMedium | undefined {
  const converter = client.options.loadedDataConverter;
  const driver = converter.externalStorage?.drivers.find((d): d is HarnessStorageDriver => d instanceof HarnessStorageDriver);
  if (!driver) return undefined;
  const codec = converter.payloadCodecs.find((c): c is AesGcmPayloadCodec => c instanceof AesGcmPayloadCodec);
  return mediumFor(driver.blobs, codec?.keyring);
}

function mediumFor(store: BlobStore, ring: EncryptionKeyring | undefined): SharedMedium | undefined {
  const g = globalThis as unknown as Record<symbol, WeakMap<BlobStore, Map<string, SharedMedium>> | undefined>;
  const byStore = (g[MEDIA_KEY] ??= new WeakMap());
  let byRing = byStore.get(store);
  if (!byRing) byStore.set(store, (byRing = new Map()));
  // Clients built from the same environment hold equal keyrings in different objects: one medium for them all.
  const ringKey = ring ? keyringFingerprint(ring) : '';
  let shared = byRing.get(ringKey);
  if (shared) return shared;
  const medium =
    store instanceof DirectoryBlobStore ? new DirectoryLiveMedium(join(store.root, LIVE_DIR)) : store instanceof PostgresBlobStore ? new PostgresLiveMedium(store) : undefined;
  if (!medium) return undefined;
  byRing.set(ringKey, (shared = { medium, codec: new LiveFrameCodec(ring), health: new MediumHealth(medium.description) }));
  return shared;
}

/** Equal for equal keyrings; a one-way digest, so no key material is kept as a map key. */
function keyringFingerprint(ring: EncryptionKeyring): string {
  const hash = createHash('sha256').update(ring.encryptKeyId);
  for (const [id, key] of [...ring.keys].sort(([a], [b]) => (a < b ? -1 : 1))) hash.update(`\0${id}\0`).update(key);
  return hash.digest('hex');
}
