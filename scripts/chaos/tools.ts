/**
 * Tools for the chaos run: the example ledger tool (`issue_refund`, needs approval, deduplicates
 * by its idempotency key) and a slow lookup, so SIGKILLs land in the middle of tool calls.
 * `slow_lookup` logs `start <key>` / `finish <key>` to HARNESS_CHAOS_TOOL_LOG, so the report can
 * tell a retried in-flight call from a completed call that ran again.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

export { issueRefund } from '../../examples/tools.js';

function log(line: string): void {
  const file = process.env.HARNESS_CHAOS_TOOL_LOG;
  if (file) appendFileSync(file, `${line}\n`);
}

export const slowLookup = tool(
  async ({ orderId }, config) => {
    const key = String(config?.configurable?.idempotencyKey ?? '');
    log(`start ${key}`);
    await sleep(Number(process.env.HARNESS_CHAOS_TOOL_DELAY_MS ?? 800), undefined, { signal: config?.signal });
    log(`finish ${key}`);
    return `Order ${orderId}: delivered, total $12.50`;
  },
  {
    name: 'slow_lookup',
    description: 'Look up an order (slowly).',
    schema: z.object({ orderId: z.string() }),
  },
);
