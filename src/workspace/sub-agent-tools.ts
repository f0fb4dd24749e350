/**
 * What a sub-agent looks like as a tool: its input schema (one source for the model binding and
 * for the workflow's edit validation), its description, and the tool definitions bound to a
 * real model so it can call it.
 */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import { z } from 'zod';
import type { SubAgentConfig } from './sub-agent-schema.js';

/** The input every sub-agent tool takes. */
export const subAgentInputSchema = z.object({
  input: z.string().min(1).describe('The request for the sub-agent, written as a message to it.'),
  context: z
    .string()
    .optional()
    .describe('Background from this conversation the sub-agent needs: it sees nothing else of it.'),
});

/** The same schema as JSON Schema, for the workflow (which validates edited inputs with it). */
export function subAgentInputJsonSchema(): Record<string, unknown> {
  return toJsonSchema(subAgentInputSchema as never) as Record<string, unknown>;
}

/** What the model is told about a sub-agent tool. */
export function subAgentDescription(entry: SubAgentConfig, agentDescription: string): string {
  const about = entry.description ?? agentDescription.trim();
  return about
    ? `Delegate to the "${entry.agent}" agent: ${about}`
    : `Delegate a request to the "${entry.agent}" agent and get its answer.`;
}

/** A tool definition a chat model can bind (no code: the workflow runs the sub-agent itself). */
export interface SubAgentToolDefinition {
  name: string;
  description: string;
  schema: typeof subAgentInputSchema;
}

export function subAgentToolDefinitions(
  subAgents: readonly SubAgentConfig[],
  descriptionOf: (agentId: string) => string,
): SubAgentToolDefinition[] {
  return subAgents.map((s) => ({ name: s.name, description: subAgentDescription(s, descriptionOf(s.agent)), schema: subAgentInputSchema }));
}
