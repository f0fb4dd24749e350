/**
 * A fork's first step: the model's message it starts with is the original's step, edited, so the
 * fork does not call the model for it. Its tool calls go through the same gate as any step (rules,
 * grants, people), then the decisions the fork was started with are applied, then they run.
 */
import { ApplicationFailure, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import { validateAgainstSchema } from './decision-rules.js';
import { gateToolCalls } from './gate.js';
import { now, type RunParts } from './parts.js';
import { runToolCalls } from './tool-calls.js';

/**
 * Runs the fork's first step. An edited input the fork's own tools refuse (the workspace may have
 * changed since the client checked it against the original's) fails the run before anything runs.
 */
export async function startFork(parts: RunParts, tools: ActivityInterfaceFor<HarnessActivities>): Promise<void> {
  const { ledger } = parts;
  const fork = parts.input.fork!;
  const calls = fork.message.toolCalls;
  for (const call of calls.filter((c) => fork.edited.includes(c.id))) {
    const spec = ledger.tool(call.name);
    const errors = spec ? validateAgainstSchema(spec.inputSchema, call.args) : [];
    if (errors.length) {
      throw ApplicationFailure.create({
        type: 'INVALID_FORK_INPUT',
        nonRetryable: true,
        message: `Edited input for tool call "${call.id}" (${call.name}) does not match the tool's schema: ${errors.join('; ')}`,
      });
    }
  }
  await gateToolCalls(parts, calls);
  // Decided like an update would be: a decision the run refuses (the approver may not decide, a rule
  // or grant decided the call already) is kept in `ignoredDecisions` and the call waits for people.
  for (const decision of fork.decisions ?? []) {
    const problem = ledger.problemWith(decision);
    if (problem) ledger.recordIgnored(decision, problem, now());
    else ledger.applyDecision(decision, 'update', now());
  }
  await runToolCalls(parts, calls, tools);
}
