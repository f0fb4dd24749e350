/**
 * The bench workspace's tools module (LangChain tools, like any workspace's). Both are trivial so
 * only orchestration is measured; `lookup_order` also records when it starts, for the approval
 * latency benchmark.
 */
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { mark } from './lib/probe.js';

/** Answers at once; records its start time under the run id (the harness passes `runId`). */
async function findOrder({ orderId }: { orderId: string }, config?: { configurable?: Record<string, unknown> }): Promise<string> {
  mark('tool', config?.configurable?.runId as string | undefined);
  return `Order ${orderId}: shipped on 2024-05-02, 1 item, $42.00`;
}

export const lookupOrder = tool(findOrder, {
  name: 'lookup_order',
  description: 'Look up an order by id.',
  schema: z.object({ orderId: z.string() }),
});

/**
 * `lookup_order` under another name, declared local in the bench workspace
 * (`tools.perTool.lookup_order_local.local`): the same work, run as a local activity.
 */
export const lookupOrderLocal = tool(findOrder, {
  name: 'lookup_order_local',
  description: 'Look up an order by id.',
  schema: z.object({ orderId: z.string() }),
});

/** Filler text, so a page is about 1 KB whatever its number. */
const FILLER = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. '.repeat(12);

/** Returns ~1 KB of text: a conversation that grows by a realistic amount per tool call. */
export const readPage = tool(async ({ page }) => `Page ${page}: ${FILLER}`, {
  name: 'read_page',
  description: 'Read one page of a document.',
  schema: z.object({ page: z.number() }),
});
