/**
 * Where offloaded payload bytes live. Blobs are immutable and content-keyed (see blob-ids.ts), so
 * writing the same id twice is a no-op that only refreshes the blob's `touchedAt`.
 */

/** One stored blob, as the garbage collector sees it. */
export interface BlobInfo {
  namespace: string;
  id: string;
  size: number;
  /** Last time a process stored (or re-stored, deduplicated) this blob. */
  touchedAt: Date;
}

export interface BlobStore {
  /** For messages: e.g. `directory store /var/lib/harness/payloads` or `PostgreSQL store (table harness_payload_blobs)`. */
  readonly description: string;
  /** Stores `bytes` under (namespace, id) unless it is there already; either way refreshes `touchedAt`. */
  put(namespace: string, id: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or undefined when the store does not hold the blob. */
  get(namespace: string, id: string): Promise<Uint8Array | undefined>;
  /** Every blob of a namespace (for garbage collection). */
  list(namespace: string): AsyncIterable<BlobInfo>;
  /**
   * Deletes one blob unless it was touched at or after `notTouchedSince` (a writer storing the same
   * content meanwhile wins over the collector); false when nothing was deleted.
   */
  delete(namespace: string, id: string, notTouchedSince: Date): Promise<boolean>;
  /** Releases connections (no-op for a directory). */
  close(): Promise<void>;
}
