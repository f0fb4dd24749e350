/**
 * The `memory` section of the workspace file (long-term memory across threads) and the
 * per-agent `memory` settings, as zod schemas.
 */
import { z } from 'zod';
import { duration } from './schema-primitives.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, e.g. HARNESS_MEMORY_DATABASE_URL');

/** The default store: one SQLite file, no server. Safe for several worker processes on one machine. */
export const fileStoreSchema = z.strictObject({
  kind: z.literal('file'),
  /** Relative to the workspace file. @default ".harness/memory.sqlite" */
  path: z.string().min(1).default('.harness/memory.sqlite'),
});

/** PostgreSQL: pgvector when the extension is available, `real[]` with cosine ranking otherwise. */
export const postgresStoreSchema = z.strictObject({
  kind: z.literal('postgres'),
  /** NAME of the env var holding the connection string: credentials never go in the file. */
  urlEnv: envName.default('HARNESS_MEMORY_DATABASE_URL'),
  table: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier such as "harness_memories"')
    .default('harness_memories'),
  /** `auto` uses pgvector when the extension exists or can be created, else `real[]`. */
  vector: z.enum(['auto', 'pgvector', 'array']).default('auto'),
});

export const memoryStoreSchema = z.discriminatedUnion('kind', [fileStoreSchema, postgresStoreSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'expected `kind` to be one of: file, postgres' : undefined),
});

export const openaiEmbeddingsSchema = z.strictObject({
  provider: z.literal('openai'),
  model: z.string().min(1),
  /** Any OpenAI-compatible endpoint serving `/embeddings` (OpenAI, Ollama, vLLM, LiteLLM…). */
  baseUrl: z.url().optional(),
  /** NAME of the env var holding the key: keys never go in the file or in workflow history. */
  apiKeyEnv: envName.default('OPENAI_API_KEY'),
  /** Shorter vectors, for models that support it (text-embedding-3-*). */
  dimensions: z.number().int().min(1).max(16_384).optional(),
});

/**
 * FOR TESTS AND DEMOS ONLY: a deterministic, offline embedder that hashes words into a vector.
 * It matches shared words (lexical), not meaning: "car" does not find "automobile".
 */
export const offlineHashEmbeddingsSchema = z.strictObject({
  provider: z.literal('offline-hash'),
  dimensions: z.number().int().min(16).max(4096).default(256),
});

export const embeddingsSchema = z.discriminatedUnion('provider', [openaiEmbeddingsSchema, offlineHashEmbeddingsSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? 'expected `provider` to be one of: openai, offline-hash' : undefined),
});

const namespaceTemplate = z
  .string()
  .min(1)
  .max(500)
  .superRefine((value, ctx) => {
    for (const [, expr] of value.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
      if (expr !== 'agentId' && !/^context(\.[A-Za-z0-9_-]+)+$/.test(expr ?? '')) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {{${expr}}}; use {{context.<key>}} (a value from the run's context, e.g. {{context.userId}}) or {{agentId}}`,
        });
      }
    }
  });

export const memorySchema = z.strictObject({
  store: memoryStoreSchema.prefault({ kind: 'file' }),
  embeddings: embeddingsSchema,
  /**
   * Whose memories a run reads and writes, from the run's context, e.g. `user:{{context.userId}}`
   * (one namespace per user) or `shared` (one for everyone). Required: sharing is a decision.
   */
  namespace: namespaceTemplate,
  /** How long a memory lives; none = until deleted. */
  ttl: duration.optional(),
  recall: z
    .strictObject({
      topK: z.number().int().min(1).max(50).default(5),
      /** Cosine similarity below which a memory is not returned. */
      minScore: z.number().min(-1).max(1).default(0),
    })
    .prefault({}),
});

/** What an agent writes to memory when a run of a thread ends. */
export const memorySyncMode = z.enum(['off', 'facts', 'summary']);

export const agentMemorySchema = z.strictObject({
  /** Overrides `memory.namespace` for this agent. */
  namespace: namespaceTemplate.optional(),
  /** Overrides `memory.ttl` for this agent. */
  ttl: duration.optional(),
  /**
   * After each completed run of a thread: `facts` stores lasting facts from that run, `summary`
   * keeps one summary of the whole thread (replaced each run), `off` writes nothing.
   */
  sync: memorySyncMode.default('off'),
  /** `model` asks the agent's model; `simple` is deterministic (the user's statements, verbatim). */
  extract: z.enum(['model', 'simple']).default('model'),
});

export type MemoryConfig = z.output<typeof memorySchema>;
export type MemoryStoreConfig = z.output<typeof memoryStoreSchema>;
export type PostgresStoreConfig = z.output<typeof postgresStoreSchema>;
export type EmbeddingsConfig = z.output<typeof embeddingsSchema>;
export type AgentMemoryConfig = z.output<typeof agentMemorySchema>;
export type MemorySyncMode = z.output<typeof memorySyncMode>;
