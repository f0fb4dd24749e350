/**
 * The built-in `ask_human` tool as the model and the workflow see it: one schema for the model
 * binding and the workflow's spec. The workflow, not a tool activity, handles its calls.
 */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { z } from 'zod';
import { ASK_HUMAN_TOOL, QUESTION_LIMITS } from '../workflows/run/contract.js';
import type { ToolSpec } from '../workflows/run/agent-spec.js';

/** The input of `ask_human`. */
export const askHumanInputSchema = z.object({
  question: z.string().min(1).max(QUESTION_LIMITS.questionChars).describe('The question for the person, written to them.'),
});

const DESCRIPTION =
  'Ask a person a question and wait for their answer (it may take a while). Use it when you need information or a choice only a person can give.';

/** The tool definition a chat model binds. */
export const askHumanToolDefinition = { name: ASK_HUMAN_TOOL, description: DESCRIPTION, schema: askHumanInputSchema };

/** The tool as the workflow's agent spec lists it. */
export function askHumanToolSpec(): ToolSpec {
  return {
    name: ASK_HUMAN_TOOL,
    description: DESCRIPTION,
    inputSchema: toJsonSchema(askHumanInputSchema as never) as Record<string, unknown>,
    requiresApproval: false,
    builtin: 'ask_human',
  };
}
