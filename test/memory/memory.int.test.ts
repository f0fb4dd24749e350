/**
 * Long-term memory end to end, against the real dev server and BOTH stores (the SQLite file and a
 * real PostgreSQL): what one thread memorizes another thread of the same user recalls, other
 * users' threads do not, memories expire, and a store that is down fails the tool (retried
 * under the tool retry policy) while the run still completes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessClient, ThreadStatus } from '../../src/client/index.js';
import { loadWorkspace, type Workspace } from '../../src/workspace/index.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { startEmbeddingsStub } from '../support/embeddings-stub.js';
import { freePort, startPostgres, type TestPostgres } from '../support/postgres.js';
import { OfflineHashEmbeddings } from '../../src/memory/offline-hash-embeddings.js';

const PG_URL_ENV = 'HARNESS_TEST_MEMORY_PG_URL';
const PG_DOWN_ENV = 'HARNESS_TEST_MEMORY_PG_DOWN';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
  process.env[PG_URL_ENV] = pg.url;
  process.env[PG_DOWN_ENV] = `postgres://harness@127.0.0.1:${await freePort()}/postgres`;
});
afterAll(async () => {
  await pg?.stop();
});

/** The `memory.store` YAML of each store kind, working or down. */
const stores = {
  file: {
    up: (dir: string) => `{ kind: file, path: ${JSON.stringify(join(dir, 'memory.sqlite'))} }`,
    down: (dir: string) => {
      // A path under a regular file can never be opened: the file store's "server is down".
      writeFileSync(join(dir, 'blocker'), '');
      return `{ kind: file, path: ${JSON.stringify(join(dir, 'blocker', 'memory.sqlite'))} }`;
    },
  },
  postgres: {
    up: () => `{ kind: postgres, urlEnv: ${PG_URL_ENV}, table: ${uniqueId('mem').replace(/-/g, '_')} }`,
    down: () => `{ kind: postgres, urlEnv: ${PG_DOWN_ENV} }`,
  },
};

/**
 * A scripted agent: "remember …" memorizes a fixed fact, "recall …" searches for it; each answers
 * with the tool's result so the test reads what the store returned.
 */
function memoryWorkspace(dir: string, store: string, extra = ''): string {
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      # Thread memory sync asks the agent's model with these prompts (src/memory/thread-sync.ts).
      - when: ^Extract the lasting facts
        turns: [{ text: "- The user lives in Lyon\\n- The user's favourite colour is green" }]
      - when: ^Summarize this conversation
        turns: [{ text: "NONE" }]
      - when: remember
        turns:
          - toolCalls: [{ name: memorize, args: { text: "My favourite colour is green", metadata: { topic: colours } } }]
          - text: "saved: {{lastToolResult}}"
      - when: recall
        turns:
          - toolCalls: [{ name: recall, args: { query: "favourite colour", topK: 3 } }]
          - text: "{{lastToolResult}}"
      - turns: [{ text: "Noted." }]
memory:
  store: ${store}
  embeddings: { provider: offline-hash }
  namespace: "user:{{context.userId}}"
agents:
  - id: a
    model: m
    tools: [memorize, recall, forget]
  - id: brief
    model: m
    tools: [memorize, recall]
    memory: { ttl: 1500ms }
  - id: facts
    model: m
    tools: [recall]
    memory: { sync: facts }
  - id: summarizer
    model: m
    memory: { sync: summary, extract: simple }
limits:
  toolRetry: { maximumAttempts: 2, initialInterval: 100ms, maximumInterval: 100ms }
${extra}`,
  );
}

interface Recalled {
  memories: Array<{ id: string; text: string; score: number; metadata: Record<string, unknown> }>;
}

async function say(client: HarnessClient, threadId: string, input: string, context: Record<string, unknown>, agentId = 'a'): Promise<string> {
  const run = await client.thread(threadId).send(input, { agentId, context });
  return (await run.result()).output;
}

/** Reads the thread's status until its runs' memory syncs have all finished. */
async function syncedStatus(client: HarnessClient, threadId: string, runs: number): Promise<ThreadStatus> {
  return eventually(
    () => client.thread(threadId).status(),
    (status) => status.runs.length === runs && status.runs.every((r) => r.memory !== undefined),
    `the memory syncs of ${runs} runs of thread ${threadId} to finish`,
  );
}

async function withMemoryWorker<T>(file: string, body: (client: HarnessClient, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = await loadWorkspace(file);
  try {
    return await withWorker(ws, ({ client }) => body(client, ws));
  } finally {
    await ws.memory?.close();
  }
}

describe.each(['file', 'postgres'] as const)('memory tools with the %s store', (kind) => {
  it('a fact memorized in thread A is recalled in thread B of the same user; another user recalls nothing', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client) => {
      const alice = { userId: uniqueId('alice') };
      expect(await say(client, uniqueId('thread-a'), 'Please remember this', alice)).toMatch(/^saved: Memorized as m-[0-9a-f]{16}\.$/);

      const recalled = JSON.parse(await say(client, uniqueId('thread-b'), 'Can you recall it?', alice)) as Recalled;
      expect(recalled.memories).toHaveLength(1);
      expect(recalled.memories[0]).toMatchObject({ text: 'My favourite colour is green', metadata: { topic: 'colours', source: 'memorize', agentId: 'a' } });
      expect(recalled.memories[0]!.score).toBeGreaterThan(0.5);

      const bob = { userId: uniqueId('bob') };
      expect(JSON.parse(await say(client, uniqueId('thread-c'), 'recall anything?', bob))).toEqual({ memories: [] });
    });
  });

  it('memory tool calls are in the run event stream and named in the activity summaries', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client) => {
      const run = await client.startRun({ agentId: 'a', input: 'recall it', context: { userId: uniqueId('gina') } });
      await run.result();
      const events = [];
      for await (const { event } of run.events({ fromOffset: 0 })) events.push(event);
      expect(events.filter((e) => e.type === 'tool.started' || e.type === 'tool.result').map((e) => [e.type, 'toolName' in e ? e.toolName : ''])).toEqual([
        ['tool.started', 'recall'],
        ['tool.result', 'recall'],
      ]);
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const summaries = history.events!.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.userMetadata?.summary?.data);
      expect(summaries.map((d) => (d ? Buffer.from(d).toString('utf8') : ''))).toContain('"tool recall"');
    });
  });

  it('a run without the context its namespace needs gets a clear tool error at once (no retries)', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client) => {
      const run = await client.startRun({ agentId: 'a', input: 'recall it', context: { tenant: 'acme' } });
      const { output } = await run.result();
      expect(output).toMatch(/Tool "recall" failed: .*namespace "user:\{\{context.userId\}\}" needs context\.userId.*context keys: tenant/);
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      expect(history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt)).not.toContain(2);
    });
  });

  it('memories expire after their TTL: a later thread no longer recalls them', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client, ws) => {
      const user = { userId: uniqueId('carol') };
      await say(client, uniqueId('thread'), 'remember this briefly', user, 'brief');
      const store = await ws.memory!.storeHandle();
      const [stored] = await store.list(`user:${user.userId}`, 0);
      expect(stored!.expiresAt! - stored!.createdAt).toBe(1500);
      // Wait for the clock, not for a guess: poll until the store itself says it expired.
      await eventually(() => store.list(`user:${user.userId}`, Date.now()), (live) => live.length === 0, 'the memory to expire', { timeoutMs: 15_000 });
      expect(JSON.parse(await say(client, uniqueId('thread'), 'recall it', user, 'brief'))).toEqual({ memories: [] });
    });
  });

  it('a store that is down: the tool is retried per the tool retry policy, then the model gets a clear error and the run completes', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].down(dir)), async (client) => {
      const run = await client.startRun({ agentId: 'a', input: 'recall it', context: { userId: 'dave' } });
      const result = await run.result();
      expect(result.output).toMatch(/Tool "recall" threw: The memory store \((file|PostgreSQL).*\) is unavailable: .+/);
      expect((await run.status()).state).toBe('completed');
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
      expect(attempts).toContain(2); // callModel ×2 at attempt 1, callTool at its last attempt (2)
    });
  });

  it('thread memory sync (facts, by the model): facts of thread A are recalled in thread B of the same user, not by another user', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client) => {
      const alice = { userId: uniqueId('alice') };
      const threadA = uniqueId('thread-a');
      expect(await say(client, threadA, 'I moved to Lyon last year and green is my favourite colour.', alice, 'facts')).toBe('Noted.');
      const status = await syncedStatus(client, threadA, 1);
      expect(status.runs[0]!.memory).toEqual({ mode: 'facts', written: 2 });

      const recalled = JSON.parse(await say(client, uniqueId('thread-b'), 'recall my colour', alice, 'facts')) as Recalled;
      expect(recalled.memories[0]).toMatchObject({
        text: "The user's favourite colour is green",
        metadata: { source: 'thread-facts', threadId: threadA, agentId: 'facts' },
      });
      const bob = { userId: uniqueId('bob') };
      expect(JSON.parse(await say(client, uniqueId('thread-c'), 'recall my colour', bob, 'facts'))).toEqual({ memories: [] });
    });
  });

  it('thread memory sync (summary, simple): one summary per thread, replaced as the thread goes on', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].up(dir)), async (client, ws) => {
      const user = { userId: uniqueId('erin') };
      const threadId = uniqueId('thread');
      await say(client, threadId, 'My order A-17 arrived broken.', user, 'summarizer');
      await say(client, threadId, 'I would like a replacement.', user, 'summarizer');
      const status = await syncedStatus(client, threadId, 2);
      expect(status.runs.map((r) => r.memory)).toEqual([{ mode: 'summary', written: 1 }, { mode: 'summary', written: 1 }]);
      const stored = await (await ws.memory!.storeHandle()).list(`user:${user.userId}`, Date.now());
      expect(stored.map((m) => [m.id, m.text])).toEqual([
        [`summary:${threadId}`, `In conversation ${threadId} the user said: "My order A-17 arrived broken." / "I would like a replacement.". The assistant last answered: "Noted.".`],
      ]);
    });
  });

  it('a memory sync that keeps failing is recorded on the run, and the thread goes on', async () => {
    const dir = tempDir();
    await withMemoryWorker(memoryWorkspace(dir, stores[kind].down(dir)), async (client) => {
      const threadId = uniqueId('thread');
      await say(client, threadId, 'I live in Lyon.', { userId: 'frank' }, 'summarizer');
      const status = await syncedStatus(client, threadId, 1);
      expect(status.runs[0]!.memory).toEqual({ error: expect.stringMatching(/The memory store \((file|PostgreSQL).*\) is unavailable/) });
      expect(await say(client, threadId, 'Are you still there?', { userId: 'frank' }, 'summarizer')).toBe('Noted.');
    });
  });
});

describe('memory with OpenAI-compatible embeddings (against a local /v1/embeddings stub)', () => {
  it('a thread recalls what another memorized, and the embeddings key is nowhere in history', async () => {
    const hash = new OfflineHashEmbeddings(64);
    const stub = await startEmbeddingsStub((text) => hash.embed(text));
    const keyEnv = `HARNESS_TEST_EMBED_KEY_${uniqueId('k').slice(2).toUpperCase()}`;
    const key = `sk-embed-${uniqueId('secret')}`;
    process.env[keyEnv] = key;
    try {
      const dir = tempDir();
      const file = memoryWorkspace(dir, stores.file.up(dir));
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          'embeddings: { provider: offline-hash }',
          `embeddings: { provider: openai, model: embed-stub, baseUrl: ${stub.baseUrl}, apiKeyEnv: ${keyEnv} }`,
        ),
      );
      await withMemoryWorker(file, async (client) => {
        const user = { userId: uniqueId('hana') };
        await say(client, uniqueId('thread'), 'remember this', user);
        const threadId = uniqueId('thread');
        const recalled = JSON.parse(await say(client, threadId, 'recall it', user)) as Recalled;
        expect(recalled.memories.map((m) => m.text)).toEqual(['My favourite colour is green']);
        expect(stub.requests.map((r) => [r.body.model, r.authorization])).toEqual([
          ['embed-stub', `Bearer ${key}`],
          ['embed-stub', `Bearer ${key}`],
        ]);
        const status = await client.thread(threadId).status();
        for (const id of [status.runs[0]!.runId, `thread-${threadId}`]) {
          const history = await client.temporal.workflow.getHandle(id).fetchHistory();
          // Payload bytes come back as Uint8Array or base64 strings: read both ways.
          const parts: string[] = [];
          JSON.stringify(history, (_k, v: unknown) => {
            if (v instanceof Uint8Array) parts.push(Buffer.from(v).toString('utf8'));
            else if (typeof v === 'string') parts.push(v, Buffer.from(v, 'base64').toString('utf8'));
            return v;
          });
          const text = parts.join('\n');
          expect(text).toContain('favourite colour'); // the scan reads payloads…
          expect(text).not.toContain(key); // …and the key is not among them
        }
      });
    } finally {
      delete process.env[keyEnv];
      await stub.close();
    }
  });
});
