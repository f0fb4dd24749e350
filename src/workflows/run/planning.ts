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
import { needsSlot } from './start-state.js';

// Planning reads the workspace the worker loaded (and may ask a router model once); an unknown
// agent or a bad router setup is final, other failures are retried. A local activity: its verdict
// is a marker in history (no activity task dispatch), so a replay never plans again either.
const planning = proxyLocalActivities<HarnessActivities>({
  startToCloseTimeout: '60s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['UNKNOWN_AGENT', 'NO_AGENT_SELECTED'] },
});

/**
 * Plans the run and, when capped, waits `queued` for its slot; returns the agent it runs. A run a
 * policy refuses fails here, before any model call. A run that brings its plan (see
 * `AgentRunInput.plan`) and needs no slot has nothing to wait for: its agent comes back as is, not
 * in a promise (each workflow promise, and each `await` of one, costs the SDK a stack capture).
 */
export function startRun(parts: RunParts): AgentSpec | Promise<AgentSpec> {
  const { input } = parts;
  if (input.plan && !needsSlot(input, input.plan)) return planned(parts, input.plan);
  return planThenStart(parts);
}

async function planThenStart(parts: RunParts): Promise<AgentSpec> {
  const { input, ledger, lifecycle, events, slot } = parts;
  // A run started by a client in a worker's process brings its plan (see `AgentRunInput.plan`).
  const plan = input.plan ?? (await planRun(input, events));
  const cap = needsSlot(input, plan);
  if (cap === undefined) return planned(parts, plan);
  lifecycle.planned(plan, input.agentId, 'queued');
  await slot.take(ledger.runId, cap);
  lifecycle.started();
  return plan.agent!;
}

/** The plan is recorded; a refused run fails here, others start (no slot to wait for). */
function planned({ input, lifecycle }: RunParts, plan: RunPlan): AgentSpec {
  // An allowed run is running from here (state and routed agent in one attribute write); a refused
  // one stays `starting` until it fails.
  lifecycle.planned(plan, input.agentId, plan.agent && 'running');
  if (!plan.agent) {
    throw ApplicationFailure.create({
      type: 'POLICY_DENIED',
      nonRetryable: true,
      message: `Run refused by policy: ${plan.policy.reasons.join('; ')}`,
    });
  }
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
