/**
 * Long runs continue as new between steps, so neither their own work nor the polls of whoever
 * follows their events (each poll is an update in history, 2,000 a run at most) can reach
 * Temporal's history limits. The next run of the chain gets the conversation, totals, decisions,
 * plan and the event stream's state, so clients see one run: same id, offsets that go on.
 */
import { makeContinueAsNewFunc, workflowInfo } from '@temporalio/workflow';
import type { RunEvents } from './run-events.js';
import type { AgentRunState } from './run-state.js';
import type { AgentRunInput, AgentRunResult, ApprovalRecord, CarriedRun, RunLimits } from './types.js';

/** Events kept when a run hands its stream over; older ones are dropped (their offsets stay taken). */
export const MAX_CARRIED_EVENTS = 2000;

/** Whether the run's history is long enough to continue as new. */
export function historyIsLong(limits: RunLimits): boolean {
  const info = workflowInfo();
  if (info.continueAsNewSuggested) return true;
  return limits.continueAsNewAfterEvents !== undefined && info.historyLength >= limits.continueAsNewAfterEvents;
}

/** Continues the run as new with everything it has so far. Never returns. */
export async function continueRunAsNew(
  input: AgentRunInput,
  run: AgentRunState,
  events: RunEvents,
  slotHeld: boolean,
  delegatedApprovals: ApprovalRecord[] = [],
): Promise<never> {
  const stream = await events.handOver(MAX_CARRIED_EVENTS);
  const info = workflowInfo();
  const carried: CarriedRun = {
    run: run.snapshot(),
    stream,
    startedAtMs: input.carried?.startedAtMs ?? info.startTime.getTime(),
    slotHeld,
    continuations: (input.carried?.continuations ?? 0) + 1,
    ...(delegatedApprovals.length > 0 && { delegatedApprovals }),
  };
  // Memo and search attributes (state, agent, thread) go on with the chain.
  const next = makeContinueAsNewFunc<(i: AgentRunInput) => Promise<AgentRunResult>>({
    ...(info.memo && { memo: info.memo }),
    typedSearchAttributes: info.typedSearchAttributes,
  });
  return next({ ...input, carried });
}
