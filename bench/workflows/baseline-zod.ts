/**
 * The baseline with one difference: its bundle imports zod and builds a small decision schema at
 * module level, as the harness's decision validation does. With `reuseV8Context` (the SDK's
 * default) every new workflow evaluates its bundle's modules afresh, so this isolates what a heavy
 * library in the workflow bundle costs per run and per cached workflow.
 */
import { z } from 'zod';
import { baselineAgent as minimal, type BaselineAgentInput, type BaselineAgentResult } from './baseline.js';

const decisionSchema = z.strictObject({
  approvalId: z.string().min(1),
  decision: z.enum(['approve', 'reject', 'edit']),
  input: z.record(z.string(), z.unknown()).optional(),
  approver: z.string().max(200).optional(),
  reason: z.string().max(2000).optional(),
});

export async function baselineAgent(input: BaselineAgentInput): Promise<BaselineAgentResult> {
  // Used, so no bundler can drop it: one parse per run, negligible next to the import.
  decisionSchema.safeParse({ approvalId: 'x', decision: 'approve' });
  return minimal(input);
}
