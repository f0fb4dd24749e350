/**
 * Example tools for the `support` agent in harness.yaml. A tools module exports LangChain tools
 * with zod input schemas; the harness runs each call as its own Temporal activity.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const orders: Record<string, { item: string; total: number; status: string }> = {
  'A-1001': { item: 'Espresso grinder', total: 42, status: 'delivered (box damaged)' },
  'A-1002': { item: 'Milk frother', total: 19.5, status: 'in transit' },
};

export const lookupOrder = tool(
  async ({ orderId }) => {
    const order = orders[orderId];
    return order ? JSON.stringify({ orderId, ...order }) : `No order ${orderId}`;
  },
  {
    name: 'lookup_order',
    description: 'Look up an order by id.',
    schema: z.object({ orderId: z.string().describe('Order id, e.g. A-1001') }),
  },
);

/** Where refunds are recorded: an append-only ledger, one JSON line per refund. */
export function ledgerPath(): string {
  return process.env.HARNESS_LEDGER ?? join(tmpdir(), 'temporal-harness-ledger.jsonl');
}

export const issueRefund = tool(
  async ({ orderId, amount, reason }, config) => {
    // The idempotency key is unique per tool call, so a retried activity never refunds twice.
    const key = String(config?.configurable?.idempotencyKey ?? '');
    const file = ledgerPath();
    const already = existsSync(file) && key !== '' && readFileSync(file, 'utf8').includes(`"key":"${key}"`);
    if (!already) appendFileSync(file, `${JSON.stringify({ key, orderId, amount, reason })}\n`);
    return `Refunded $${amount.toFixed(2)} for order ${orderId}${reason ? ` (${reason})` : ''}.`;
  },
  {
    name: 'issue_refund',
    description: 'Refund an order. Moves money: needs a person to approve.',
    schema: z.object({
      orderId: z.string(),
      amount: z.number().positive().max(500),
      reason: z.string().optional(),
    }),
  },
);
