/**
 * Our `StorageDriver` for Temporal's external storage (claim check): the SDK hands it every
 * payload over the threshold, after the codec (so with encryption on it only ever sees ciphertext),
 * and puts the claim it returns in history instead of the bytes.
 *
 * A claim is `{ ns, id, size }`: the namespace the blob is filed under, its content id
 * (blob-ids.ts; also its checksum, verified on every read) and the size of the stored bytes.
 * Deduplication keeps the first copy of a content, so the checksum is the id, not a hash of the
 * bytes this attempt produced (an encrypted retry produces other bytes for the same content).
 */
import { type Payload, StorageDriverClaim, type StorageDriver, type StorageDriverRetrieveContext, type StorageDriverStoreContext } from '@temporalio/common';
import type { BlobStore } from './blob-store.js';
import { BLOB_ID, payloadBytes, payloadFromBytes, type BlobIds } from './blob-ids.js';
import { PayloadStoreError } from './errors.js';

/** The driver name written into every reference; one name whatever the store, so a store can be moved. */
export const HARNESS_DRIVER_NAME = 'temporal-harness';
/** Reported in worker heartbeats as the driver implementation. */
export const HARNESS_DRIVER_TYPE = 'temporal-harness.blob-store';
const DEFAULT_NAMESPACE = 'default';
const NAMESPACE = /^[A-Za-z0-9._-]{1,255}$/;

/** What one reference in history carries. */
export interface BlobClaim {
  ns: string;
  id: string;
  size: number;
}

export class HarnessStorageDriver implements StorageDriver {
  readonly name = HARNESS_DRIVER_NAME;
  readonly type = HARNESS_DRIVER_TYPE;

  constructor(
    readonly blobs: BlobStore,
    private readonly ids: BlobIds,
  ) {}

  async store(context: StorageDriverStoreContext, payloads: Payload[]): Promise<StorageDriverClaim[]> {
    const ns = context.target?.namespace && NAMESPACE.test(context.target.namespace) ? context.target.namespace : DEFAULT_NAMESPACE;
    return Promise.all(
      payloads.map(async (payload) => {
        const bytes = payloadBytes(payload);
        const id = this.ids.idOf(payload, bytes);
        await this.blobs.put(ns, id, bytes);
        return new StorageDriverClaim({ ns, id, size: String(bytes.length) });
      }),
    );
  }

  /**
   * @throws {PayloadStoreError} `BLOB_NOT_FOUND` naming the blob and the store; `BLOB_CORRUPT`;
   *   `INVALID_REFERENCE` for a claim this driver did not write.
   */
  async retrieve(_context: StorageDriverRetrieveContext, claims: StorageDriverClaim[]): Promise<Payload[]> {
    return Promise.all(
      claims.map(async (c) => {
        const claim = parseClaim(c.claimData);
        const bytes = await this.blobs.get(claim.ns, claim.id);
        if (!bytes) {
          throw new PayloadStoreError(
            'BLOB_NOT_FOUND',
            `Payload blob ${claim.id} (namespace ${claim.ns}, ${claim.size} bytes) is not in the ${this.blobs.description}. ` +
              'Every worker and client of a namespace must share one payload store (HARNESS_PAYLOAD_STORE; a directory store is only ' +
              'shared by processes on one machine), and blobs must outlive the histories that reference them (see `harness payloads gc`).',
          );
        }
        let payload: Payload | undefined;
        try {
          payload = payloadFromBytes(bytes);
        } catch {
          payload = undefined;
        }
        if (!payload || !this.ids.matches(claim.id, payload, bytes)) {
          throw new PayloadStoreError(
            'BLOB_CORRUPT',
            `Payload blob ${claim.id} (namespace ${claim.ns}) in the ${this.blobs.description} is not the content its id names: the stored file or row was altered, truncated or swapped.`,
          );
        }
        return payload;
      }),
    );
  }
}

/** @throws {PayloadStoreError} `INVALID_REFERENCE` */
export function parseClaim(data: Record<string, string>): BlobClaim {
  const { ns, id, size } = data;
  if (typeof id !== 'string' || !BLOB_ID.test(id) || typeof ns !== 'string' || !NAMESPACE.test(ns)) {
    throw new PayloadStoreError(
      'INVALID_REFERENCE',
      `A payload reference in history is not one temporal-harness wrote (claim fields: ${Object.keys(data).join(', ') || 'none'}); it cannot be resolved.`,
    );
  }
  return { ns, id, size: Number(size ?? 0) };
}
