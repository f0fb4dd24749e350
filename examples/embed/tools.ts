/**
 * The app's own tools: LangChain tools with zod schemas. The worker imports this module (a `.ts`
 * module works under plain Node too: the package loads it through tsx).
 */
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { toolResult } from 'temporal-harness/tools';

export const lookupOrder = tool(async ({ orderId }) => `Order ${orderId}: shipped, 42.00 EUR`, {
  name: 'lookup_order',
  description: 'Look up an order by id.',
  schema: z.object({ orderId: z.string() }),
});

export const issueRefund = tool(
  async ({ orderId, amount }, config) => {
    // Unique per tool call and stable across retries: pass it to your payment API so a retried
    // call never refunds twice.
    const idempotencyKey = String(config?.configurable?.idempotencyKey ?? '');
    console.log(`refunding ${amount} on ${orderId} (idempotency key ${idempotencyKey})`);
    return toolResult(`Refunded ${amount} EUR on ${orderId}.`, { state: { lastRefund: orderId } });
  },
  {
    name: 'issue_refund',
    description: 'Refund an order. Needs approval.',
    schema: z.object({ orderId: z.string(), amount: z.number().positive() }),
  },
);
