/**
 * `subAgents:` of an agent in the workspace file: other agents it may call as tools. Each entry
 * becomes a tool (named after the agent unless `name` says otherwise) whose call starts a child
 * run of that agent. Cross-references are checked in `sub-agent-references.ts`.
 */
import { z } from 'zod';
import { id } from './schema-primitives.js';

/**
 * One sub-agent: its id, or `{ agent, name?, description? }`. `name` is the tool name the model
 * sees (default: the agent id); `description` tells the model when to delegate (default: the
 * agent's own description).
 */
const subAgentEntry = z.union(
  [
    id,
    z.strictObject({
      agent: id,
      name: z.string().min(1).optional(),
      description: z.string().min(1).optional(),
    }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union' ? 'expected an agent id, or { agent, name?, description? }' : undefined,
  },
);

export const subAgentsSchema = z
  .array(subAgentEntry)
  .default([])
  .transform((entries) =>
    entries.map((e): SubAgentConfig =>
      typeof e === 'string' ? { agent: e, name: e } : { agent: e.agent, name: e.name ?? e.agent, ...(e.description && { description: e.description }) },
    ),
  );

/** A sub-agent entry as parsed: `name` is always set. */
export interface SubAgentConfig {
  /** The agent the tool delegates to. */
  agent: string;
  /** The tool name the model calls. */
  name: string;
  description?: string;
}

/** Deepest nesting of sub-agent runs below a top-level run (0 = sub-agents are never started). */
export const maxAgentDepthSchema = z.number().int().min(0).max(10).default(3);
