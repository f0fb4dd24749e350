/**
 * `agentRun`: one agent run as a durable workflow. Each model call and each tool call is an
 * activity; a tool call that needs approval waits here, in the workflow, for a signal or update
 * before its activity is even scheduled. Temporal's history is the only checkpoint.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityInterfaceFor,
} from '@temporalio/workflow';
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import type { HarnessActivities } from '../activities/index.js';
import {
  approvalDecisionSignal,
  decideApprovalUpdate,
  eventLogQuery,
  statusQuery,
  toolContextQuery,
  transcriptQuery,
} from './messages.js';
import { describeFailure, timeoutIn, timeoutReason } from './failures.js';
import { retryPolicy } from './activity-options.js';
import { awaitDecision } from './await-decision.js';
import { graphLoop } from './graph-loop.js';
import { continueRunAsNew, historyIsLong } from './continue-as-new.js';
import { deferredDeltaEvents, FINAL_EVENT_TYPES, messageIdFor } from './events.js';
import { AgentRunState, rejectionMessage } from './run-state.js';
import { RunEvents } from './run-events.js';
import { currentDetails } from './ui-details.js';
import { withRunTimeout } from './run-timeout.js';
import { SubAgents } from './sub-agents.js';
import { AGENT_ID, RUN_STATE } from './search-attributes.js';
import {
  acquireSlotSignal,
  releaseSlotSignal,
  runSlotsWorkflowId,
  slotGrantedSignal,
  type AcquireSlotInput,
} from './slot-messages.js';
import type {
  AgentPlan,
  AgentRunInput,
  AgentRunResult,
  RunPlan,
  RunState,
  ToolCall,
  ToolResult,
} from './types.js';

// Starting the slot keeper of the task queue when it is not running (signal-with-start): quick.
const { requestSlot } = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '60s',
  retry: { maximumAttempts: 5 },
});

export async function agentRun(input: AgentRunInput): Promise<AgentRunResult> {
  const run = new AgentRunState(workflowInfo().workflowId, input);
  const now = () => new Date().toISOString();
  const carried = input.carried;
  const events = new RunEvents(run.runId, () => run.agentId, carried?.stream as WorkflowStreamState | undefined);
  if (!carried) {
    events.emit({
      type: 'run.created',
      input: input.input,
      requestedAgentId: input.agentId ?? 'auto',
      ...(input.threadId !== undefined && { threadId: input.threadId }),
    });
  }
  // Sub-agents: child runs for agents called as tools, and their approvals surfacing here.
  const subAgents = new SubAgents(run, events, now);
  subAgents.installHandlers();
  const status = () => subAgents.status(run.status());
  run.onDecided = (decision) => {
    events.emit({ type: 'approval.resolved', decision });
    subAgents.ownApprovalDecided(decision);
    setCurrentDetails(currentDetails(status()));
  };
  // A sub-agent run reports each approval (tool call or graph interrupt) to its parent.
  run.onRequested = (approval) => subAgents.ownApprovalRequested(approval, run.tool(approval.toolName));
  setHandler(eventLogQuery, (q) => {
    const from = q?.fromOffset ?? 0;
    const { log, base_offset } = events.state();
    // The stream's snapshot leaves offsets at 0: an item's offset is base_offset + its index.
    const items = log.map((item, i) => ({ ...item, offset: base_offset + i })).filter((item) => item.offset >= from);
    return { items, nextOffset: base_offset + log.length };
  });

  setHandler(statusQuery, status);
  setHandler(transcriptQuery, (q) =>
    q?.upTo === undefined && q?.from === undefined ? run.transcript : run.transcript.slice(q.from ?? 0, q.upTo),
  );
  setHandler(toolContextQuery, () => run.toolContext());
  setHandler(approvalDecisionSignal, (payload) => {
    const problem = subAgents.problemWith(payload);
    if (problem) run.recordIgnored(payload, `${problem.code}: ${problem.message}`, now());
    else if (subAgents.owns(payload)) return subAgents.decideBySignal(payload);
    else run.applyDecision(payload, 'signal', now());
  });
  setHandler(
    decideApprovalUpdate,
    // A sub-agent's approval is decided in its run: the update waits for that run's answer.
    (decision) => (subAgents.owns(decision) ? subAgents.decideByUpdate(decision) : run.applyDecision(decision, 'update', now())),
    {
      // Runs before the update enters history: a refused decision leaves no trace and changes nothing.
      validator: (payload) => {
        const problem = subAgents.problemWith(payload);
        if (problem) throw ApplicationFailure.create({ type: problem.code, message: problem.message, nonRetryable: true });
      },
    },
  );

  const setState = (state: RunState) => {
    const from = run.state;
    if (from === state) return;
    run.state = state;
    upsertSearchAttributes([{ key: RUN_STATE, value: state }]);
    if (state === 'queued') events.emit({ type: 'run.queued' });
    if (from === 'queued') events.emit({ type: 'run.dequeued' });
    events.emit({ type: 'run.state.changed', from, to: state });
    if (from === 'waiting_for_approval' && state === 'running') events.emit({ type: 'run.resumed', step: run.step });
    setCurrentDetails(currentDetails(status()));
  };
  // A sub-agent's approval parks this run too, so `waiting_for_approval` finds the run people watch.
  subAgents.onChange = () => {
    const waiting = run.hasPendingApprovals() || subAgents.hasPending();
    if (waiting && run.state === 'running') setState('waiting_for_approval');
    else if (!waiting && run.state === 'waiting_for_approval') setState('running');
    else setCurrentDetails(currentDetails(status()));
  };

  let slotGranted = false;
  let slotRequested = carried?.slotHeld ?? false;
  let continued = false;
  setHandler(slotGrantedSignal, () => void (slotGranted = true));

  try {
    const plan = carried ? carried.run.plan : await planAndQueue();
    if (carried) setCurrentDetails(currentDetails(status()));
    const continueIfLong = async () => {
      // Never before the first model call: there is nothing to hand over yet, and the code that
      // runs on the plan's arrival (a local activity's result) may run in another workflow task
      // live than on replay, where the history length differs.
      if (run.step === 0) return;
      if (historyIsLong(plan.limits) && !subAgents.hasPending()) {
        await continueRunAsNew(input, run, events, slotRequested, subAgents.decidedRecords());
      }
    };
    const loop = () =>
      plan.execution === 'graph'
        ? graphLoop(run, plan, setState, events)
        : agentLoop(run, plan, setState, events, subAgents, continueIfLong);
    const runTimeoutMs = remainingRunTime(plan.limits.runTimeoutMs, carried?.startedAtMs);
    const output = runTimeoutMs === undefined ? await loop() : await withRunTimeout(runTimeoutMs, loop, plan.limits.runTimeoutMs);
    run.output = output;
    setState('completed');
    await finish(events, { type: 'run.completed', output, usage: { ...run.usage } });
    return {
      runId: run.runId,
      agentId: run.agentId,
      output,
      messages: run.transcript,
      steps: run.step,
      approvals: run.approvals(),
      usage: { ...run.usage },
      agentState: run.agentState,
    };
  } catch (err) {
    if (err instanceof ContinueAsNew) {
      continued = true;
      throw err;
    }
    if (isCancellation(err)) {
      run.error = 'Run cancelled';
      run.closePending('run cancelled', now());
      setState('cancelled');
      await finish(events, { type: 'run.cancelled' });
      throw err;
    }
    run.error = describeFailure(err);
    run.closePending(`run failed: ${run.error}`, now());
    setState('failed');
    await finish(events, { type: 'run.failed', error: run.error });
    throw ApplicationFailure.create({
      type: 'RUN_FAILED',
      message: run.error,
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  } finally {
    // However the run ends (even cancelled), its slot or its place in the queue goes back; a run
    // that continues as new keeps it.
    if (slotRequested && !continued) await releaseSlot(run.runId);
  }

  /** Routing, policy, and (with `maxConcurrentRuns`) waiting for a slot: the start of a new run. */
  async function planAndQueue(): Promise<AgentPlan> {
    const planned = await planTheRun(input, events);
    run.setRouting(planned.routing, planned.policy);
    events.emit({ type: 'run.routed', routing: planned.routing, policy: planned.policy });
    if (planned.routing.selectedAgentId !== input.agentId) {
      upsertSearchAttributes([{ key: AGENT_ID, value: planned.routing.selectedAgentId }]);
    }
    if (!planned.plan) {
      throw ApplicationFailure.create({
        type: 'POLICY_DENIED',
        nonRetryable: true,
        message: `Run refused by policy: ${planned.policy.reasons.join('; ')}`,
      });
    }
    const plan = planned.plan;
    run.setPlan(plan);
    // A sub-agent runs within its top-level run's slot: asking for its own could deadlock the cap.
    if (plan.limits.maxConcurrentRuns !== undefined && !input.parent) {
      setState('queued');
      slotRequested = true;
      const request = { runId: run.runId, capacity: plan.limits.maxConcurrentRuns, startedAt: workflowInfo().startTime.getTime() };
      await joinSlotLine(request);
      await condition(() => slotGranted);
      setState('running');
    }
    return plan;
  }
}

/** What is left of `limits.runTimeout` for this run of the chain (the first run's start counts). */
function remainingRunTime(runTimeoutMs: number | undefined, chainStartedAtMs: number | undefined): number | undefined {
  if (runTimeoutMs === undefined || chainStartedAtMs === undefined) return runTimeoutMs;
  return Math.max(1, runTimeoutMs - (Date.now() - chainStartedAtMs));
}

// Planning reads the workspace the worker loaded (and may ask a router model once); an unknown
// agent or a bad router setup is final, other failures are retried. A local activity: its verdict
// is a marker in history (no activity task dispatch), so a replay never plans again either.
const planning = proxyLocalActivities<HarnessActivities>({
  startToCloseTimeout: '60s',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['UNKNOWN_AGENT', 'NO_AGENT_SELECTED'] },
});

/** Routing and policy: which agent runs, and whether policies allow the run. */
async function planTheRun(input: AgentRunInput, events: RunEvents): Promise<RunPlan> {
  const planInput = {
    input: input.input,
    ...(input.agentId !== undefined && { requestedAgentId: input.agentId }),
    ...(input.context !== undefined && { context: input.context }),
    ...(input.files && { files: input.files.map((f) => ({ name: f.name, size: f.size, inline: f.content !== undefined })) }),
  };
  // Workflow time where a local activity resolves differs between a run and its replay (see
  // RunEvents.holdTime): what the run publishes next is timed from history instead, so a finished
  // run's event log reads the same as its live stream.
  const askedAt = Date.now();
  try {
    const planned = await planning.planRun(planInput);
    events.holdTime(askedAt + planned.tookMs);
    return planned;
  } catch (err) {
    events.holdTime(askedAt);
    throw err;
  }
}

/** Publishes the final event and lets waiting subscribers collect it before the run closes. */
async function finish(events: RunEvents, last: Parameters<RunEvents['emit']>[0]): Promise<void> {
  if (!FINAL_EVENT_TYPES.has(last.type)) throw new Error(`not a final event: ${last.type}`);
  events.emit(last);
  // Even a cancelled run must let its subscribers answer, so this wait cannot be cancelled.
  await CancellationScope.nonCancellable(() => events.drain());
}

/**
 * Asks the slot keeper for a slot by a signal that goes out with the workflow task making the run
 * `queued`: the server delivers it whatever becomes of this worker, so a queued run has its place
 * in line. (Through the `requestSlot` activity, a run could read `queued` while its request sat
 * on a worker that had died, and runs started after it got slots first.)
 * Workflows cannot signal-with-start: a keeper that is not running is started by the activity.
 */
async function joinSlotLine(request: AcquireSlotInput): Promise<void> {
  try {
    await getExternalWorkflowHandle(runSlotsWorkflowId(workflowInfo().taskQueue)).signal(acquireSlotSignal, request);
  } catch (err) {
    if (isCancellation(err)) throw err;
    await requestSlot(request);
  }
}

async function releaseSlot(runId: string): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    try {
      await getExternalWorkflowHandle(runSlotsWorkflowId(workflowInfo().taskQueue)).signal(releaseSlotSignal, { runId });
    } catch {
      // The slot keeper is gone; it reclaims slots of ended runs when it comes back anyway.
    }
  });
}

async function agentLoop(
  run: AgentRunState,
  plan: AgentPlan,
  setState: (s: RunState) => void,
  events: RunEvents,
  subAgents: SubAgents,
  continueIfLong: () => Promise<void>,
): Promise<string> {
  const { limits } = plan;
  const model = proxyActivities<HarnessActivities>({
    startToCloseTimeout: limits.modelCallTimeoutMs,
    heartbeatTimeout: limits.heartbeatTimeoutMs,
    retry: retryPolicy(limits.modelRetry),
  });
  const tools = proxyActivities<HarnessActivities>({
    startToCloseTimeout: limits.toolCallTimeoutMs,
    heartbeatTimeout: limits.heartbeatTimeoutMs,
    retry: retryPolicy(limits.toolRetry),
  });

  for (;;) {
    // Between steps nothing is pending: the one safe place to hand the run over to a new one.
    await continueIfLong();
    if (run.step >= limits.maxSteps) {
      throw ApplicationFailure.create({
        type: 'MAX_STEPS_EXCEEDED',
        message: `The agent made ${run.step} model calls without finishing, the limit (limits.maxSteps = ${limits.maxSteps}). Raise limits.maxSteps in the workspace file or check the agent's tools and prompt.`,
        nonRetryable: true,
      });
    }
    run.step += 1;
    const messageId = messageIdFor(run.runId, run.step);
    events.emit({ type: 'step.started', step: run.step, model: plan.modelId, messageId });
    const turn = await model.callModel
      .executeWithOptions({ summary: `model ${plan.modelId} · step ${run.step}` }, [
        {
          agentId: plan.agentId,
          step: run.step,
          transcriptLength: run.transcript.length,
          ...(run.input.history && { history: run.input.history }),
        },
      ])
      .catch((err: unknown) => {
        const timeout = timeoutIn(err);
        if (timeout) {
          const why = timeoutReason(timeout, limits.modelCallTimeoutMs, 'modelCallTimeout', limits.heartbeatTimeoutMs);
          throw ApplicationFailure.create({
            type: 'MODEL_TIMEOUT',
            nonRetryable: true,
            message: `Model call (step ${run.step}) ${why}, on the last of the attempts limits.modelRetry allows.`,
          });
        }
        throw err;
      });
    for (const delta of deferredDeltaEvents(turn, run.step, messageId)) events.emit(delta);
    const usage = run.addUsage(turn.usage, plan.pricing);
    events.emit({
      type: 'step.completed',
      step: run.step,
      messageId,
      toolCalls: turn.toolCalls.length,
      ...(usage && { usage }),
    });
    run.transcript.push({ role: 'assistant', content: turn.content, toolCalls: turn.toolCalls });
    if (turn.toolCalls.length === 0) return turn.content;

    // Gate first, then run: every call that needs approval is pending before any tool starts, so
    // the run shows all of this step's approvals at once and people can decide them in any order.
    const gated = turn.toolCalls.filter((c) => !c.invalid && run.tool(c.name)?.requiresApproval);
    for (const call of gated) {
      events.emit({ type: 'approval.requested', approval: run.requestApproval(call, new Date().toISOString()) });
    }
    if (gated.length) setState('waiting_for_approval');

    const results = await Promise.all(
      turn.toolCalls.map(async (call) => {
        const result = await runToolCall(run, call, tools, events, subAgents, () => {
          if (run.state === 'waiting_for_approval' && !run.hasPendingApprovals() && !subAgents.hasPending()) setState('running');
        });
        events.emit({
          type: 'tool.result',
          step: run.step,
          toolCallId: call.id,
          toolName: call.name,
          content: result.content,
          isError: result.isError,
        });
        return { call, result };
      }),
    );
    for (const { call, result } of results) {
      // In call order, so parallel tools that set the same key resolve the same way on every replay.
      run.applyStateUpdate(result.stateUpdate);
      run.transcript.push({
        role: 'tool',
        toolCallId: call.id,
        toolName: call.name,
        content: result.content,
        isError: result.isError,
      });
    }
  }
}

async function runToolCall(
  run: AgentRunState,
  call: ToolCall,
  tools: ActivityInterfaceFor<HarnessActivities>,
  events: RunEvents,
  subAgents: SubAgents,
  onDecided: () => void,
): Promise<ToolResult> {
  if (call.invalid) {
    return { content: `Invalid call of tool "${call.name}": ${call.invalid}. Send the arguments as a JSON object.`, isError: true };
  }
  const spec = run.tool(call.name);
  if (!spec) {
    return {
      content: `Unknown tool "${call.name}". Available tools: ${run.toolNames().join(', ') || '(none)'}.`,
      isError: true,
    };
  }
  let args = call.args;
  let summary = `tool ${call.name}`;
  if (spec.requiresApproval) {
    const record = await awaitDecision(run, call.id, spec, `Tool call ${call.id} (${call.name})`);
    onDecided();
    if (record.decision === 'reject') return { content: rejectionMessage(record), isError: true };
    args = record.input;
    const verb = record.decision === 'edit' ? 'edited and approved' : 'approved';
    summary += ` · ${verb}${record.via === 'timeout' ? ' on timeout' : record.approver ? ` by ${record.approver}` : ''}`;
  }
  try {
    events.emit({ type: 'tool.started', step: run.step, toolCallId: call.id, toolName: call.name, input: args });
    if (spec.subAgent) return await subAgents.call(call, spec, args);
    return await tools.callTool.executeWithOptions(
      { summary },
      [{ agentId: run.agentId, toolName: call.name, toolCallId: call.id, input: args, ...(run.hasNoToolContext() && { noRunContext: true as const }) }],
    );
  } catch (err) {
    // A tool that keeps failing is the model's problem to work around, not the end of the run.
    if (err instanceof ActivityFailure && !isCancellation(err)) {
      const timeout = timeoutIn(err);
      const limits = run.limits!;
      const content = timeout
        ? `Tool "${call.name}" ${timeoutReason(timeout, limits.toolCallTimeoutMs, 'toolCallTimeout', limits.heartbeatTimeoutMs)}.`
        : describeFailure(err);
      return { content, isError: true };
    }
    throw err;
  }
}
