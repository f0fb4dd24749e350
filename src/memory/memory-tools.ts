/**
 * The built-in memory tools, `memorize`, `recall` and `forget`. They are ordinary LangChain
 * tools: an agent lists them under `tools`, and each call runs in the `callTool` activity like any
 * other tool, so it shows in the event stream (tool.started / tool.result) and in the Temporal UI,
 * retries under the tool retry policy, can require approval, and is never re-run on replay. The
 * namespace comes from the run (agent id and context) the activity passes in `configurable`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import { MemoryError } from './errors.js';
import type { MemoryService } from './memory-service.js';
import type { NamespaceScope } from './namespace.js';

/** Names of the built-in memory tools, available to agents when the workspace declares `memory`. */
export const MEMORY_TOOL_NAMES = ['memorize', 'recall', 'forget'] as const;

const metadata = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe('Plain key/value labels, e.g. {"topic": "shipping"}; recall can filter on them.');

/** Metadata keys the harness sets on every memory; a caller's own keys of these names are replaced. */
const RESERVED = ['source', 'agentId', 'runId'] as const;

interface HarnessConfigurable {
  agentId?: string;
  runId?: string;
  idempotencyKey?: string;
  context?: Record<string, unknown>;
}

/** Builds the three tools around one workspace's memory. */
export function createMemoryTools(memory: MemoryService): StructuredToolInterface[] {
  const memorize = tool(
    async ({ text, metadata: own }, config) => {
      const run = runOf(config?.configurable);
      // Unique per tool call and stable across its retries: a retried call replaces, never duplicates.
      const key = run.idempotencyKey ?? randomUUID();
      const id = `m-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
      await memory.memorize(run.scope, [
        { id, text, metadata: { ...own, source: 'memorize', agentId: run.scope.agentId, ...(run.runId && { runId: run.runId }) } },
      ]);
      return `Memorized as ${id}.`;
    },
    {
      name: 'memorize',
      description:
        'Store a fact in long-term memory, so later conversations with the same user can recall it. Write one self-contained fact per call.',
      schema: z.object({ text: z.string().min(1).max(4000).describe('The fact, as a full sentence.'), metadata: metadata.optional() }),
    },
  );

  const recall = tool(
    async ({ query, topK, minScore, filter }, config) => {
      const run = runOf(config?.configurable);
      const hits = await memory.recall(run.scope, {
        query,
        ...(topK !== undefined && { topK }),
        ...(minScore !== undefined && { minScore }),
        ...(filter && { filter }),
      });
      return JSON.stringify({
        memories: hits.map((h) => ({
          id: h.id,
          text: h.text,
          score: Math.round(h.score * 1000) / 1000,
          metadata: h.metadata,
          createdAt: new Date(h.createdAt).toISOString(),
        })),
      });
    },
    {
      name: 'recall',
      description:
        'Search long-term memory by meaning. Returns the most similar memories, best first, each with a similarity score (1 = identical).',
      schema: z.object({
        query: z.string().min(1).describe('What to look for.'),
        topK: z.number().int().min(1).max(50).optional().describe('How many memories at most.'),
        minScore: z.number().min(-1).max(1).optional().describe('Leave out memories scoring below this.'),
        filter: metadata.optional().describe(`Only memories whose metadata has these exact values (e.g. {"source": "memorize"}; harness keys: ${RESERVED.join(', ')}).`),
      }),
    },
  );

  const forget = tool(
    async ({ ids }, config) => {
      const run = runOf(config?.configurable);
      const deleted = await memory.forget(run.scope, ids);
      return deleted === 0 ? `No memory with id ${ids.join(', ')} exists.` : `Forgot ${deleted} ${deleted === 1 ? 'memory' : 'memories'}.`;
    },
    {
      name: 'forget',
      description: 'Delete memories by id (ids come from recall).',
      schema: z.object({ ids: z.array(z.string().min(1)).min(1).max(100) }),
    },
  );

  return [memorize, recall, forget];
}

function runOf(configurable: unknown): { scope: NamespaceScope; runId?: string; idempotencyKey?: string } {
  const c = (configurable ?? {}) as HarnessConfigurable;
  if (!c.agentId) {
    throw new MemoryError('MEMORY_NOT_CONFIGURED', 'Memory tools run only inside a harness run (no agent id was given to the tool).');
  }
  return {
    scope: { agentId: c.agentId, context: c.context ?? {} },
    ...(c.runId && { runId: c.runId }),
    ...(c.idempotencyKey && { idempotencyKey: c.idempotencyKey }),
  };
}
