/**
 * What planning is asked about a run: the `planRun` activity's input, built the same way by the
 * workflow (`planning.ts`) and by a client that plans at start (`HarnessWorker.client()`).
 */
import type { PlanRunInput } from '../../activities/index.js';
import type { AgentRunInput } from './contract.js';

/** Largest plan (JSON characters) a run's start input carries; a bigger one is left to `planRun`. */
export const MAX_START_PLAN_CHARS = 32 * 1024;

/** The `planRun` input of a run: its first message, requested agent, context and files' sizes. */
export function planInputOf(input: AgentRunInput): PlanRunInput {
  return {
    input: input.input,
    ...(input.agentId !== undefined && { requestedAgentId: input.agentId }),
    ...(input.context !== undefined && { context: input.context }),
    ...(input.files && { files: input.files.map((f) => ({ name: f.name, size: f.size, inline: f.content !== undefined })) }),
  };
}
