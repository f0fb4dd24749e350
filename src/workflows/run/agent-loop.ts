/**
 * The built-in agent loop: a model call (an activity), then the tool calls it asked for: those
 * that need approval park the run until decided, then all run in parallel (activities, or child
 * runs for sub-agents), and their results go back to the model, until it answers without tools.
 */
import { ApplicationFailure, isCancellation, proxyActivities, proxyLocalActivities, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { HarnessActivities, ModelTurn } from '../../activities/index.js';
import { formatMs, timeoutIn, timeoutReason } from '../shared/failures.js';
import { chatSpan, recordModelUsage } from '../shared/telemetry.js';
import { retryPolicy } from './activity-options.js';
import type { AgentSpec } from './agent-spec.js';
import { continueRunAsNew, longBetweenSteps } from './continue-as-new.js';
import { deferredDeltaEvents, messageIdFor } from './events.js';
import { startFork } from './fork-start.js';
import { gateToolCalls, hasGatedCalls } from './gate.js';
import { ModelInputTracker } from './model-input.js';
import type { RunParts } from './parts.js';
import { runToolCalls } from './tool-calls.js';

/** Runs the agent until the model answers without tool calls; returns that answer. */
export async function agentLoop(parts: RunParts, agent: AgentSpec): Promise<string> {
  const { limits } = agent;
  const { ledger } = parts;
  // A model declared local is called in the workflow task (a local activity): no activity task.
  const model = agent.modelCall
    ? proxyLocalActivities<HarnessActivities>({ startToCloseTimeout: agent.modelCall.timeoutMs, retry: retryPolicy(limits.modelRetry) })
    : proxyActivities<HarnessActivities>({
        startToCloseTimeout: limits.modelCallTimeoutMs,
        heartbeatTimeout: limits.heartbeatTimeoutMs,
        retry: retryPolicy(limits.modelRetry),
      });
  const tools = proxyActivities<HarnessActivities>({
    startToCloseTimeout: limits.toolCallTimeoutMs,
    heartbeatTimeout: limits.heartbeatTimeoutMs,
    retry: retryPolicy(limits.toolRetry),
  });

  // Each model call's input carries the messages added since the previous one (see model-input.ts).
  const modelInputs = new ModelInputTracker(parts.input.carried ? ledger.transcript.length : 0);

  // A run that continued as new parked on approvals first finishes that step.
  const parked = parts.input.carried?.parkedStep;
  const last = ledger.transcript.at(-1);
  if (parked && last?.role === 'assistant') await runToolCalls(parts, last.toolCalls, tools, parked.finished);
  // A fork starts with its original's step, edited: its tool calls come first, without a model call.
  else if (parts.input.fork && !parts.input.carried) await startFork(parts, tools);

  for (;;) {
    // Between steps nothing is pending: the one safe place to hand the run over to a new one.
    // (Checked before calling: the hot path of a run makes as few promises as it can, since the
    // SDK captures a source-mapped stack for each one.)
    if (longBetweenSteps(parts, limits)) await continueRunAsNew(parts);
    if (ledger.step >= limits.maxSteps) {
      throw ApplicationFailure.create({
        type: 'MAX_STEPS_EXCEEDED',
        message: `The agent made ${ledger.step} model calls without finishing, the limit (limits.maxSteps = ${limits.maxSteps}). Raise limits.maxSteps in the workspace file or check the agent's tools and prompt.`,
        nonRetryable: true,
      });
    }
    const turn = await modelStep(parts, agent, model, modelInputs);
    if (turn.toolCalls.length === 0) {
      ledger.outputRef = turn.contentRef;
      return turn.content;
    }

    // Gate first, then run: every call that needs approval is decided by rule or grant, or
    // pending, before any tool starts, so the run shows all of this step's approvals at once and
    // people can decide them in any order.
    if (hasGatedCalls(ledger, turn.toolCalls)) {
      const gating = gateToolCalls(parts, turn.toolCalls);
      if (gating) await gating;
    }
    await runToolCalls(parts, turn.toolCalls, tools);
  }
}

/**
 * One model call: the next step, its events and usage, and the model's message in the transcript.
 * A `.then` rather than `async`/`await`: one promise instead of two (the function's and the
 * `await`'s), and the SDK captures a stack for each.
 */
function modelStep(parts: RunParts, agent: AgentSpec, model: ActivityInterfaceFor<HarnessActivities>, inputs: ModelInputTracker): Promise<ModelTurn> {
  const { ledger, events, input } = parts;
  const { limits } = agent;
  ledger.step += 1;
  const step = ledger.step;
  const messageId = messageIdFor(ledger.runId, step);
  events.emit({ type: 'step.started', step, model: agent.modelId, messageId });
  // A local call's input never enters history (only its result does), and it cannot ask the run
  // for messages by query (the run's workflow task is in flight, so the query would wait for the
  // call): it carries the whole transcript.
  const newMessages = agent.modelCall ? { from: 0, messages: ledger.transcript.slice() } : inputs.next(ledger.transcript);
  const callInput = {
    agentId: agent.agentId,
    step,
    transcriptLength: ledger.transcript.length,
    ...(newMessages && { newMessages }),
    ...(input.history && { history: input.history }),
  };
  const call = () => model.callModel.executeWithOptions({ summary: `model ${agent.modelId} · step ${step}` }, [callInput]);
  const chat = { agentId: agent.agentId, modelId: agent.modelId, step, pricing: agent.pricing };
  return chatSpan(chat, call).then(
    (turn) => {
      recordModelUsage(chat, turn.usage);
      for (const delta of deferredDeltaEvents(turn, step, messageId)) events.emit(delta);
      const usage = ledger.addUsage(turn.usage, agent.pricing);
      events.emit({ type: 'step.completed', step, messageId, toolCalls: turn.toolCalls.length, ...(usage && { usage }) });
      ledger.transcript.push({ role: 'assistant', content: turn.content, toolCalls: turn.toolCalls, ...(turn.contentRef && { contentRef: turn.contentRef }) });
      return turn;
    },
    (err: unknown) => {
      const timeout = timeoutIn(err);
      if (!timeout) throw agent.modelCall ? asActivityFailure(err) : err;
      const why = agent.modelCall
        ? `timed out after ${formatMs(agent.modelCall.timeoutMs)} (models.${agent.modelId}.timeout; a local model)`
        : timeoutReason(timeout, limits.modelCallTimeoutMs, 'modelCallTimeout', limits.heartbeatTimeoutMs);
      throw ApplicationFailure.create({
        type: 'MODEL_TIMEOUT',
        nonRetryable: true,
        message: `Model call (step ${step}) ${why}, on the last of the attempts limits.modelRetry allows.`,
      });
    },
  );
}

/**
 * A local activity's failure reaches the workflow as the activity raised it, not inside an
 * ActivityFailure (temporalio/sdk-core#449). Wrapped once more, the run's failure names it as it
 * names a regular call's (`describeFailure` reads the first failure below the top one).
 */
function asActivityFailure(err: unknown): unknown {
  if (!(err instanceof ApplicationFailure) || isCancellation(err)) return err;
  return ApplicationFailure.create({ type: err.type ?? undefined, message: err.message, nonRetryable: true, cause: err });
}
