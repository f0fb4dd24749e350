/** Builds the LangChain embeddings a workspace's `memory.embeddings` names. */
import type { Embeddings } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import type { EmbeddingsConfig } from '../workspace/memory-schema.js';
import { MemoryError } from './errors.js';
import { OfflineHashEmbeddings } from './offline-hash-embeddings.js';

/** The embeddings and the id stored with each vector, so vectors of different models never meet. */
export interface EmbedderHandle {
  id: string;
  embeddings: Embeddings;
}

/**
 * @throws {MemoryError} `MEMORY_CONFIG` when the API-key env var is not set on this worker.
 */
export function createEmbeddings(config: EmbeddingsConfig, env: NodeJS.ProcessEnv = process.env): EmbedderHandle {
  if (config.provider === 'offline-hash') {
    return { id: `offline-hash:${config.dimensions}`, embeddings: new OfflineHashEmbeddings(config.dimensions) };
  }
  const apiKey = env[config.apiKeyEnv];
  if (!apiKey) {
    throw new MemoryError(
      'MEMORY_CONFIG',
      `The memory embeddings model "${config.model}" reads its API key from the environment variable ${config.apiKeyEnv}, which is not set on this worker. Set it where the worker runs (never in the workspace file).`,
    );
  }
  return {
    id: `openai:${config.model}${config.dimensions ? `:${config.dimensions}` : ''}`,
    embeddings: new OpenAIEmbeddings({
      model: config.model,
      apiKey,
      // Temporal owns retries (the tool's retry policy, visible in history).
      maxRetries: 0,
      ...(config.dimensions !== undefined && { dimensions: config.dimensions }),
      ...(config.baseUrl !== undefined && { configuration: { baseURL: config.baseUrl } }),
    }),
  };
}

/** Turns an embeddings failure into a MemoryError that says whether retrying can help. */
export function embeddingsFailure(model: string, err: unknown): MemoryError {
  if (err instanceof MemoryError) return err;
  const e = err as { status?: number; message?: string; cause?: { status?: unknown } };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.cause?.status === 'number' ? e.cause.status : undefined;
  const detail = (e?.message ?? String(err)).replace(/\s*Troubleshooting URL: \S+\s*$/, '');
  const transient = status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
  return transient
    ? new MemoryError('MEMORY_EMBEDDINGS_UNAVAILABLE', `The embeddings model "${model}" failed${status ? ` (HTTP ${status})` : ''}: ${detail}`, { cause: err })
    : new MemoryError(
        'MEMORY_EMBEDDINGS_REFUSED',
        `The embeddings model "${model}" refused the request (HTTP ${status}): ${detail}. Check memory.embeddings (model, baseUrl) and its API key.`,
        { cause: err },
      );
}
