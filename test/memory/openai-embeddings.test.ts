import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddings } from '../../src/memory/create-embeddings.js';
import { type MemoryError } from '../../src/memory/errors.js';
import { MemoryService } from '../../src/memory/memory-service.js';
import { memorySchema } from '../../src/workspace/memory-schema.js';
import { startEmbeddingsStub, type EmbeddingsStub } from '../support/embeddings-stub.js';
import { tempDir } from '../support/paths.js';

/** A toy "semantic" space the stub serves: axis 0 = vehicles, axis 1 = food, axis 2 = anything else. */
function toyVector(text: string): number[] {
  const t = text.toLowerCase();
  if (/car|automobile|truck/.test(t)) return [1, 0.1, 0];
  if (/pizza|pasta|food/.test(t)) return [0, 1, 0.1];
  return [0.1, 0.1, 1];
}

let stub: EmbeddingsStub;
const KEY_ENV = 'HARNESS_TEST_EMBEDDINGS_KEY';

beforeAll(async () => {
  stub = await startEmbeddingsStub(toyVector);
});
afterAll(async () => {
  await stub.close();
});

function openaiMemory(env: NodeJS.ProcessEnv) {
  const config = memorySchema.parse({
    store: { kind: 'file', path: 'mem.sqlite' },
    embeddings: { provider: 'openai', model: 'text-embedding-3-small', baseUrl: stub.baseUrl, apiKeyEnv: KEY_ENV, dimensions: 3 },
    namespace: 'user:{{context.userId}}',
  });
  return new MemoryService(config, { baseDir: tempDir(), agents: new Map(), env });
}

describe('OpenAI-compatible embeddings (against a local /v1/embeddings stub)', () => {
  it('sends the model, dimensions and key on the wire, and recall ranks by the vectors it returns', async () => {
    const memory = openaiMemory({ [KEY_ENV]: 'sk-embed-test' });
    const scope = { agentId: 'a', context: { userId: 'u1' } };
    await memory.memorize(scope, [
      { id: 'v', text: 'The customer drives an old automobile' },
      { id: 'f', text: 'The customer loves pizza' },
    ]);
    const hits = await memory.recall(scope, { query: 'what car do they have?' });
    expect(hits.map((h) => h.id)).toEqual(['v', 'f']);
    expect(hits[0]!.score).toBeGreaterThan(0.99);

    const [write, read] = stub.requests.slice(-2);
    expect(write).toMatchObject({
      path: '/v1/embeddings',
      authorization: 'Bearer sk-embed-test',
      body: { model: 'text-embedding-3-small', dimensions: 3, input: ['The customer drives an old automobile', 'The customer loves pizza'] },
    });
    expect(read!.body.input).toBe('what car do they have?');
    await memory.close();
  });

  it('a missing key is a MEMORY_CONFIG error naming the variable', () => {
    const err = (() => {
      try {
        createEmbeddings({ provider: 'openai', model: 'm', apiKeyEnv: KEY_ENV }, {});
      } catch (e) {
        return e;
      }
    })() as MemoryError;
    expect(err.code).toBe('MEMORY_CONFIG');
    expect(err.retryable).toBe(false);
    expect(err.message).toContain(KEY_ENV);
  });

  it('HTTP 401 is refused (not retryable); HTTP 503 is retryable', async () => {
    const memory = openaiMemory({ [KEY_ENV]: 'sk-embed-test' });
    const scope = { agentId: 'a', context: { userId: 'u1' } };
    try {
      stub.failWith = { status: 401, message: 'Incorrect API key provided' };
      const refused = (await memory.recall(scope, { query: 'x' }).catch((e: unknown) => e)) as MemoryError;
      expect([refused.code, refused.retryable]).toEqual(['MEMORY_EMBEDDINGS_REFUSED', false]);
      expect(refused.message).toMatch(/HTTP 401.*Incorrect API key/);
      stub.failWith = { status: 503, message: 'overloaded' };
      const busy = (await memory.recall(scope, { query: 'x' }).catch((e: unknown) => e)) as MemoryError;
      expect([busy.code, busy.retryable]).toEqual(['MEMORY_EMBEDDINGS_UNAVAILABLE', true]);
    } finally {
      stub.failWith = undefined;
      await memory.close();
    }
  });
});
