/** What a memory store keeps and answers, independent of where it keeps it. */

/** Plain values a memory's metadata may hold (and a recall filter may match exactly). */
export type MetadataValue = string | number | boolean;

/** One memory as stored. */
export interface StoredMemory {
  namespace: string;
  /** Unique within its namespace; writing the same id again replaces the memory. */
  id: string;
  text: string;
  metadata: Record<string, MetadataValue>;
  /** Unit length (cosine similarity is then a dot product). */
  embedding: number[];
  /** Which embedder made `embedding` (e.g. `openai:text-embedding-3-small`); recall only compares like with like. */
  embedder: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds; absent = never expires. */
  expiresAt?: number;
}

export interface SearchOptions {
  embedder: string;
  topK: number;
  minScore: number;
  /** Exact matches on metadata keys; all must hold. */
  filter?: Record<string, MetadataValue>;
  /** Epoch milliseconds; memories that expired by then are not returned. */
  now: number;
}

/** A memory found by a search, with its cosine similarity to the query. */
export interface MemoryHit {
  id: string;
  text: string;
  metadata: Record<string, MetadataValue>;
  score: number;
  createdAt: number;
  expiresAt?: number;
}

/** Where memories live. Every method may throw a `MemoryError` (`MEMORY_STORE_UNAVAILABLE` when it cannot be reached). */
export interface MemoryStore {
  /** Inserts or replaces memories by (namespace, id). */
  put(memories: StoredMemory[]): Promise<void>;
  search(namespace: string, embedding: number[], options: SearchOptions): Promise<MemoryHit[]>;
  /** The memories of a namespace that have not expired by `now`, newest first. */
  list(namespace: string, now: number): Promise<MemoryHit[]>;
  /** Deletes memories of a namespace by id (all of the namespace when `ids` is omitted); returns how many. */
  delete(namespace: string, ids?: string[]): Promise<number>;
  /** Deletes every memory expired by `now`, in all namespaces; returns how many. */
  purgeExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/** Cosine similarity of two unit vectors (a dot product); vectors of different lengths score 0. */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

/** Scales `v` to unit length (a zero vector stays zero). */
export function normalize(v: readonly number[]): number[] {
  const norm = Math.sqrt(v.reduce((n, x) => n + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v.map(() => 0);
}

/** Whether `metadata` holds every key of `filter` with the same value. */
export function matchesFilter(metadata: Record<string, MetadataValue>, filter?: Record<string, MetadataValue>): boolean {
  return Object.entries(filter ?? {}).every(([k, v]) => metadata[k] === v);
}
