/**
 * Long-term memory for a workspace: resolves an agent's namespace from the run's context,
 * embeds texts with the workspace's embedder, and reads and writes the store. Nothing connects
 * until the first call, so loading a workspace (in a client, the CLI, a worker starting while
 * the database is down) never touches the store.
 */
import { resolve } from 'node:path';
import { createEmbeddings, embeddingsFailure, type EmbedderHandle } from './create-embeddings.js';
import { MemoryError } from './errors.js';
import { importOptional } from './optional-import.js';
import { resolveNamespace, type NamespaceScope } from './namespace.js';
import { SqliteMemoryStore } from './sqlite-store.js';
import { normalize, type MemoryHit, type MemoryStore, type MetadataValue } from './types.js';
import type { AgentMemoryConfig, MemoryConfig } from '../workspace/memory-schema.js';

/** One memory to store with {@link MemoryService.memorize}: its id, text and filterable metadata. */
export interface MemorizeInput {
  /** Stable id (writing it again replaces the memory); derive it from the tool call id under retries. */
  id: string;
  text: string;
  metadata?: Record<string, MetadataValue>;
}

/** What {@link MemoryService.recall} looks for: a query text, how many hits, and filters. */
export interface RecallInput {
  query: string;
  /** @default memory.recall.topK */
  topK?: number;
  /** @default memory.recall.minScore */
  minScore?: number;
  filter?: Record<string, MetadataValue>;
}

export interface MemoryServiceOptions {
  /** Directory the file store's relative path is resolved against (the workspace file's). */
  baseDir: string;
  /** Agents' own memory settings by agent id. */
  agents: ReadonlyMap<string, AgentMemoryConfig | undefined>;
  env?: NodeJS.ProcessEnv;
  /** Epoch milliseconds; injectable for TTL tests. @default Date.now */
  now?: () => number;
}

/**
 * A workspace's long-term memory (`workspace.memory` when the file has a `memory` section): the
 * memorize/recall/forget tools and thread memory sync use it; apps may too (e.g. to seed or
 * export a user's memories). Close it when done with it.
 * @throws {MemoryError} from every method: `MEMORY_STORE_UNAVAILABLE` / `MEMORY_EMBEDDINGS_UNAVAILABLE`
 *   (retrying may help), `MEMORY_NAMESPACE_UNRESOLVED`, `MEMORY_CONFIG`, `MEMORY_EMBEDDINGS_REFUSED`.
 * @example
 * const ws = await loadWorkspace('harness.yaml');
 * const scope = { agentId: 'concierge', context: { userId: 'ann' } };
 * await ws.memory!.memorize(scope, [{ id: 'pref-milk', text: 'Ann prefers oat milk' }]);
 * const hits = await ws.memory!.recall(scope, { query: 'milk', topK: 3 });
 * await ws.memory!.close();
 */
export class MemoryService {
  private store?: MemoryStore;
  private embedder?: EmbedderHandle;
  private readonly now: () => number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly config: MemoryConfig,
    private readonly options: MemoryServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.env = options.env ?? process.env;
  }

  /** The namespace an agent's run reads and writes. @throws {MemoryError} `MEMORY_NAMESPACE_UNRESOLVED` */
  namespaceFor(scope: NamespaceScope): string {
    return resolveNamespace(this.options.agents.get(scope.agentId)?.namespace ?? this.config.namespace, scope);
  }

  /** Stores texts (upsert by id) in the scope's namespace with the agent's TTL; returns the stored ids. */
  async memorize(scope: NamespaceScope, items: MemorizeInput[]): Promise<string[]> {
    if (items.length === 0) return [];
    const namespace = this.namespaceFor(scope);
    const embedder = this.embedderHandle();
    const vectors = await this.embed(() => embedder.embeddings.embedDocuments(items.map((i) => i.text)));
    const createdAt = this.now();
    const ttl = this.options.agents.get(scope.agentId)?.ttl ?? this.config.ttl;
    const store = await this.storeHandle();
    await store.put(
      items.map((item, i) => ({
        namespace,
        id: item.id,
        text: item.text,
        metadata: item.metadata ?? {},
        embedding: normalize(vectors[i]!),
        embedder: embedder.id,
        createdAt,
        ...(ttl !== undefined && { expiresAt: createdAt + ttl }),
      })),
    );
    // Expired memories are never returned; deleting them on writes keeps the store from growing forever.
    await store.purgeExpired(createdAt);
    return items.map((i) => i.id);
  }

  /** Memories of the scope's namespace most similar to the query, best first, with cosine scores. */
  async recall(scope: NamespaceScope, input: RecallInput): Promise<MemoryHit[]> {
    const namespace = this.namespaceFor(scope);
    const embedder = this.embedderHandle();
    const vector = await this.embed(() => embedder.embeddings.embedQuery(input.query));
    return (await this.storeHandle()).search(namespace, normalize(vector), {
      embedder: embedder.id,
      topK: input.topK ?? this.config.recall.topK,
      minScore: input.minScore ?? this.config.recall.minScore,
      ...(input.filter && { filter: input.filter }),
      now: this.now(),
    });
  }

  /** Deletes memories of the scope's namespace by id; returns how many existed. */
  async forget(scope: NamespaceScope, ids: string[]): Promise<number> {
    return (await this.storeHandle()).delete(this.namespaceFor(scope), ids);
  }

  /** The store itself, for administration and tests (list, delete a namespace, purge expired). */
  async storeHandle(): Promise<MemoryStore> {
    if (!this.store) this.store = await this.createStore();
    return this.store;
  }

  async close(): Promise<void> {
    await this.store?.close();
    this.store = undefined;
  }

  private embedderHandle(): EmbedderHandle {
    this.embedder ??= createEmbeddings(this.config.embeddings, this.env);
    return this.embedder;
  }

  private async embed<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const e = this.config.embeddings;
      throw embeddingsFailure(e.provider === 'openai' ? e.model : e.provider, err);
    }
  }

  private async createStore(): Promise<MemoryStore> {
    const store = this.config.store;
    if (store.kind === 'file') return new SqliteMemoryStore(resolve(this.options.baseDir, store.path));
    const url = this.env[store.urlEnv];
    if (!url) {
      throw new MemoryError(
        'MEMORY_CONFIG',
        `The PostgreSQL memory store reads its connection string from the environment variable ${store.urlEnv}, which is not set on this worker. Set it where the worker runs (never in the workspace file).`,
      );
    }
    // Loaded on first use, like the store's connection.
    const { PostgresMemoryStore } = await importOptional(() => import('./postgres-store.js'), 'pg', 'memory.store kind "postgres"');
    return new PostgresMemoryStore(url, store);
  }
}
