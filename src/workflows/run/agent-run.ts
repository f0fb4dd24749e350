/**
 * `agentRun`: one agent run as a durable workflow. Each model call and each tool call is an
 * activity; a tool call that needs approval waits here, in the workflow, for a signal or update
 * before its activity is even scheduled. Temporal's history is the only checkpoint.
 *
 * This file is wiring: the run's parts (`parts.ts`) are built, its handlers and validators
 * registered, then one loop runs. What the run holds is `RunLedger`'s, its lifecycle
 * `RunLifecycle`'s, how it starts `planning.ts`'s, its sub-agents `SubAgents`'.
 */
import {
  ApplicationFailure,
  ContinueAsNew,
  isCancellation,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import { SubAgents } from '../sub-agents/sub-agents.js';
import { describeFailure } from '../shared/failures.js';
import { AGENT_ID, RUN_STATE } from '../shared/search-attributes.js';
import { nameRunAgent, recordRunEnded, runTraceId } from '../shared/telemetry.js';
import { agentLoop } from './agent-loop.js';
import {
  answerQuestionUpdate,
  supplyToolResultUpdate,
  approvalDecisionSignal,
  decideApprovalUpdate,
  eventLogQuery,
  RUN_HANDLER_DESCRIPTIONS,
  statusQuery,
  toolContextQuery,
  transcriptPageQuery,
  transcriptQuery,
  isTerminalRunState,
  type AgentRunInput,
  type AgentRunResult,
} from './contract.js';
import { forkPointQuery } from './fork.js';
import { forkPointOf } from './fork-point.js';
import { graphLoop } from './graph-loop.js';
import { keepInputByReference } from './input-refs.js';
import { transcriptPage } from '../shared/transcript-page.js';
import { RunLedger } from './ledger.js';
import { closingReason, RunLifecycle, type LifecycleEffects } from './lifecycle.js';
import { ApprovalNotifier } from './notifications.js';
import { now, type RunParts } from './parts.js';
import { startRun } from './planning.js';
import { RunAttributes } from './run-attributes.js';
import { RunEvents } from './run-events.js';
import { withinRunTimeout } from './run-timeout.js';
import { RunSlot } from './slot.js';

/**
 * The run workflow (workflow id = run id). Start it through `HarnessClient.startRun`, or as
 * `agentRun` with an `AgentRunInput` from any Temporal client.
 */
export async function agentRun(input: AgentRunInput): Promise<AgentRunResult> {
  const run = buildRun(input);
  const { ledger, lifecycle, events, subAgents } = run;

  const describe = RUN_HANDLER_DESCRIPTIONS;
  setHandler(
    statusQuery,
    () => {
      const traceId = runTraceId();
      return { ...lifecycle.status(), ...(traceId && { traceId }) };
    },
    { description: describe.status },
  );
  setHandler(eventLogQuery, (q) => events.log(q?.fromOffset), { description: describe.eventLog });
  setHandler(
    transcriptQuery,
    (q) => (q?.upTo === undefined && q?.from === undefined ? ledger.transcript : ledger.transcript.slice(q.from ?? 0, q.upTo)),
    { description: describe.transcript },
  );
  setHandler(transcriptPageQuery, (q) => transcriptPage(ledger.transcript, q), { description: describe.transcriptPage });
  setHandler(toolContextQuery, () => ledger.toolContext(), { description: describe.toolContext });
  setHandler(forkPointQuery, (q) => forkPointOf(ledger, Number(q?.step)), { description: describe.forkPoint });
  // Signals cannot be refused: a bad one is recorded in `ignoredDecisions` and changes nothing.
  setHandler(approvalDecisionSignal, (payload) => {
    const problem = subAgents.problemWith(payload);
    if (problem) ledger.recordIgnored(payload, problem, now());
    else if (subAgents.owns(payload)) return subAgents.decideBySignal(payload);
    else ledger.applyDecision(payload, 'signal', now());
  }, { description: describe.approvalDecision });
  setHandler(
    decideApprovalUpdate,
    // A sub-agent's approval is decided in its run: the update waits for that run's answer.
    (decision) => (subAgents.owns(decision) ? subAgents.decideByUpdate(decision) : ledger.applyDecision(decision, 'update', now())),
    {
      description: describe.decideApproval,
      // Runs before the update enters history: a refused decision leaves no trace and changes nothing.
      validator: (payload) => {
        const problem = subAgents.problemWith(payload);
        if (problem) throw ApplicationFailure.create({ type: problem.code, message: problem.message, nonRetryable: true });
      },
    },
  );
  subAgents.applyOwnAnswer = (answer) => {
    const record = ledger.questions.answer(answer, now());
    events.emit({ type: 'question.answered', answer: record });
    lifecycle.approvalsChanged();
    subAgents.ownQuestionAnswered(record);
    return record;
  };
  setHandler(
    answerQuestionUpdate,
    // A sub-agent's question is answered in its run: the update waits for that run's reply.
    (answer) => (subAgents.ownsQuestion(answer) ? subAgents.answerByUpdate(answer) : subAgents.applyOwnAnswer(answer)),
    {
      // Runs before the update enters history: a refused answer leaves no trace and changes nothing.
      validator: (payload) => {
        const problem = subAgents.answerProblem(payload);
        if (problem) throw ApplicationFailure.create({ type: problem.code, message: problem.message, nonRetryable: true });
      },
    },
  );
  setHandler(
    supplyToolResultUpdate,
    (supplied) => {
      const record = ledger.clientTools.supply(supplied, now());
      events.emit({ type: 'client_tool.supplied', result: record });
      lifecycle.approvalsChanged();
      return record;
    },
    {
      // Runs before the update enters history: a refused result leaves no trace and changes nothing.
      validator: (payload) => {
        const problem = ledger.clientTools.problemWith(payload);
        if (problem) throw ApplicationFailure.create({ type: problem.code, message: problem.message, nonRetryable: true });
      },
    },
  );
  subAgents.installHandlers();

  lifecycle.begin(input);
  try {
    // Checked here, not in an async helper: every workflow promise costs the SDK a stack capture.
    if (!input.carried && ledger.hasInputToStore) await keepInputByReference(ledger);
    const starting = input.carried ? input.carried.ledger.agent : startRun(run);
    const agent = starting instanceof Promise ? await starting : starting;
    const loop = () => (agent.execution === 'graph' ? graphLoop(run, agent) : agentLoop(run, agent));
    const output = await withinRunTimeout(agent.limits, input.carried?.startedAtMs, loop);
    if (events.unsettled) await events.settle();
    lifecycle.completed(output);
    if (events.undrained) await events.drain();
    return ledger.result(output);
  } catch (err) {
    throw await ended(run, err);
  } finally {
    // However the run ends (even cancelled), its slot or its place in line goes back; a run that
    // continues as new hands it to the next run of the chain.
    if (run.slot.mustRelease) await run.slot.release(ledger.runId);
  }
}

/** The parts of a run, wired to each other and to Temporal. */
function buildRun(input: AgentRunInput): RunParts {
  const info = workflowInfo();
  const ledger = new RunLedger(info.workflowId, input);
  const events = new RunEvents(ledger.runId, () => ledger.agentId, input.carried?.stream as WorkflowStreamState | undefined);
  // Read once: what the run was started with (see `start-state.ts`); `RunAttributes` follows its own writes.
  const held = info.typedSearchAttributes;
  const attributes = new RunAttributes({ state: held.get(RUN_STATE), agentId: held.get(AGENT_ID) }, upsertSearchAttributes);
  const effects: LifecycleEffects = {
    emit: (event) => events.emit(event),
    setAttributes: (change) => {
      attributes.set(change);
      if (change.agentId !== undefined) nameRunAgent(change.agentId);
      if (change.state !== undefined && isTerminalRunState(change.state)) recordRunEnded(ledger.agentId, change.state);
    },
    setDetails: (markdown) => setCurrentDetails(markdown),
  };
  const lifecycle = new RunLifecycle(ledger, effects, input.carried !== undefined);
  const subAgents = new SubAgents(ledger, events, now);
  lifecycle.delegated = subAgents;
  // A sub-agent's approval parks this run too, so `waiting_for_approval` finds the run people watch.
  subAgents.onChange = () => lifecycle.approvalsChanged();
  // A sub-agent run reports each of its approvals (tool call or graph interrupt) to its parent.
  ledger.onRequested = (approval) => subAgents.ownApprovalRequested(approval, ledger.tool(approval.toolName));
  ledger.onVoted = (approval, vote) => {
    const quorum = approval.quorum!;
    events.emit({ type: 'approval.voted', approvalId: approval.approvalId, toolName: approval.toolName, vote, received: quorum.votes.length, needed: quorum.needed });
  };
  events.observer = new ApprovalNotifier(ledger.runId, () => ledger.agentId, {
    forTool: (name) => [...(ledger.agentNotify ?? []), ...(ledger.tool(name)?.notify ?? [])],
  }, (event) => events.emit(event));
  ledger.onDecided = (record) => {
    lifecycle.approvalResolved(record);
    // A rule's, a grant's or a judge's decision was never requested, so the parent run has nothing to resolve.
    if (record.via !== 'policy' && record.via !== 'grant' && record.via !== 'judge') subAgents.ownApprovalDecided(record);
  };
  return { input, ledger, lifecycle, events, subAgents, slot: new RunSlot(input.carried?.slotHeld ?? false) };
}

/**
 * Ends the run after `err`: continue-as-new goes on; cancellation and failures close pending
 * approvals and publish the final event. Returns what the workflow throws.
 */
async function ended({ ledger, lifecycle, events }: RunParts, err: unknown): Promise<unknown> {
  if (err instanceof ContinueAsNew) return err;
  const error = describeFailure(err);
  const timedOut = err instanceof ApplicationFailure && err.type === 'RUN_TIMEOUT';
  // What the run waited for is closed first, so its notices (a timeout's) are among those
  // still in flight, reported before the final event.
  lifecycle.closeWaits(isCancellation(err) ? 'run cancelled' : closingReason(error, timedOut), now(), timedOut);
  await events.settle();
  if (isCancellation(err)) {
    lifecycle.cancelled(now());
    await events.drain();
    return err;
  }
  lifecycle.failed(error, now(), timedOut);
  await events.drain();
  return ApplicationFailure.create({
    type: 'RUN_FAILED',
    message: ledger.error ?? error,
    nonRetryable: true,
    cause: err instanceof Error ? err : undefined,
  });
}
