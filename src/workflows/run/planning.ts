/**
 * The start of a new run: its plan (routing: which agent; policy: may it run, with which limits),
 * then, under `limits.maxConcurrentRuns`, its slot. "Plan" means exactly this routing and policy
 * decision, made once by the `planRun` activity (or at start, by a client in the worker's process:
 * `AgentRunInput.plan`) and recorded in history.
 */
import { ApplicationFailure, proxyLocalActivities } from '@temporalio/workflow';
import type { HarnessActivities, RunPlan } from '../../activities/index.js';
import type { AgentSpec } from './agent-spec.js';
import type { AgentRunInput } from './contract.js';
import type { RunParts } from './parts.js';
import { planInputOf } from './plan-input.js';
import type { RunEvents } from './run-events.js';

// Planning reads the workspace the worker loaded (and may ask a router model once); an unknown
// agent or a bad router setup is final, other failures are retried. A local activity: its verdict
// is a marker in history (no activity task dispatch), so a replay never plans again either.
const planning = proxyLocalActivities<HarnessActivities>({
  startToCloseTimeout: '60s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['UNKNOWN_AGENT', 'NO_AGENT_SELECTED'] },
});

/**
 * Plans the run and, when capped, waits `queued` for its slot; returns the agent it runs. A run a
 * policy refuses fails here, before any model call.
 */
export async function startRun({ input, ledger, lifecycle, events, slot }: RunParts): Promise<AgentSpec> {
  // A run started by a client in a worker's process brings its plan (see `AgentRunInput.plan`).
  const plan = input.plan ?? (await planRun(input, events));
  lifecycle.planned(plan, input.agentId);
  if (!plan.agent) {
    throw ApplicationFailure.create({
      type: 'POLICY_DENIED',
      nonRetryable: true,
      message: `Run refused by policy: ${plan.policy.reasons.join('; ')}`,
    });
  }
  const cap = plan.agent.limits.maxConcurrentRuns;
  // A sub-agent runs within its top-level run's slot: asking for its own could deadlock the cap.
  if (cap !== undefined && !input.parent) {
    lifecycle.queued();
    await slot.take(ledger.runId, cap);
  }
  lifecycle.started();
  return plan.agent;
}

/** Routing and policy, by the `planRun` local activity. */
async function planRun(input: AgentRunInput, events: RunEvents): Promise<RunPlan> {
  const planInput = planInputOf(input);
  // Workflow time where a local activity resolves differs between a run and its replay (see
  // RunEvents.holdTime): what the run publishes next is timed from history instead, so a finished
  // run's event log reads the same as its live stream.
  const askedAt = Date.now();
  try {
    const plan = await planning.planRun(planInput);
    events.holdTime(askedAt + plan.tookMs);
    return plan;
  } catch (err) {
    events.holdTime(askedAt);
    throw err;
  }
}
