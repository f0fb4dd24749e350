/**
 * Long runs continue as new between steps, or while parked on approvals, so neither their own work nor the polls of whoever
 * follows their events (each poll is an update in history, 2,000 a run at most) can reach
 * Temporal's history limits. The next run of the chain gets the ledger (conversation, totals,
 * decisions, routing, agent spec) and the event stream's state, so clients see one run: same id,
 * offsets that go on.
 */
import { CancellationScope, condition, isCancellation, makeContinueAsNewFunc, workflowInfo } from '@temporalio/workflow';
import type { TranscriptMessage } from '../shared/conversation.js';
import type { TokenUsage } from '../shared/usage.js';
import type { AgentSpec, RunLimits } from './agent-spec.js';
import type {
  PendingQuestion,
  PendingToolCall,
  SuppliedToolResult,
  QuestionRecord,
  AgentRunInput,
  AgentRunResult,
  ApprovalRecord,
  IgnoredDecision,
  PendingApproval,
  PolicyOutcome,
  RoutingDecision,
  RunFile,
} from './contract.js';
import type { RunParts } from './parts.js';
import type { FinishedToolCall, StepProgress } from './step-progress.js';
import type { CarriedQuestions } from '../sub-agents/delegated-questions.js';

/** Events kept when a run hands its stream over; older ones are dropped (their offsets stay taken). */
export const MAX_CARRIED_EVENTS = 2000;

/** What one run of a continued run chain hands the next. */
export interface CarriedRun {
  ledger: CarriedLedger;
  /** The event stream's log and publisher dedup state (`@temporalio/workflow-streams`). */
  stream: unknown;
  /** When the first run of the chain started (ms since epoch), for `limits.runTimeout`. */
  startedAtMs: number;
  /** Whether the chain holds a slot of `limits.maxConcurrentRuns`. */
  slotHeld: boolean;
  /** How many times the run has continued as new. */
  continuations: number;
  /** Decided approvals of the run's sub-agents (its own are in `ledger.approvals`). */
  delegatedApprovals?: ApprovalRecord[];
  /** Answered and closed questions of the run's sub-agents (its own are in the ledger). */
  delegatedQuestions?: CarriedQuestions;
  /**
   * Set when the run continued as new parked on approvals: its step's tool calls (the last
   * assistant message's) go on in the next run, and these of them had already finished.
   */
  parkedStep?: { finished: FinishedToolCall[] };
}

/** The run's record so far, as a continued run starts from it. */
export interface CarriedLedger {
  agentId: string;
  step: number;
  transcript: TranscriptMessage[];
  /** The run's files, big inline ones kept by reference. */
  files?: RunFile[];
  usage: TokenUsage;
  agentState: Record<string, unknown>;
  routing: RoutingDecision;
  policy: PolicyOutcome;
  agent: AgentSpec;
  approvals: ApprovalRecord[];
  /** Approvals still waiting for a decision (a run parked on them when it continued as new). */
  pending?: PendingApproval[];
  /** `ask_human` questions asked so far: those waiting and those answered. */
  questions?: { pending?: PendingQuestion[]; answered?: QuestionRecord[] };
  /** Client tool calls so far: those waiting for their result and those supplied. */
  clientTools?: { pending?: PendingToolCall[]; supplied?: SuppliedToolResult[] };
  ignoredDecisions: IgnoredDecision[];
  /** How many signals the chain refused so far (`ignoredDecisions` keeps only the latest). */
  ignoredDecisionCount: number;
}
/**
 * Continues the run as new when its history is long, between steps (nothing is pending then, and
 * no sub-agent waits). Never before the first model call: there is nothing to hand over yet, and
 * the code that runs on the plan's arrival (a local activity's result) may run in another workflow
 * task live than on replay, where the history length differs.
 */
export async function continueIfLong(parts: RunParts, limits: RunLimits): Promise<void> {
  if (longBetweenSteps(parts, limits)) await continueRunAsNew(parts);
}

/**
 * Whether `continueIfLong` would continue the run as new now. The agent loop checks this first and
 * calls `continueRunAsNew` itself, so a step that goes on makes no promise here (each one costs the
 * SDK a stack capture).
 */
export function longBetweenSteps(parts: RunParts, limits: RunLimits): boolean {
  return parts.ledger.step !== 0 && !parts.subAgents.hasPending() && historyIsLong(limits);
}

/**
 * Continues the run as new while it is parked on this step's approvals (or questions, client tool
 * calls), once its history is long:
 * refused signals, rejected-update retries and event polls all grow the history of a run nobody
 * decides. Only while none of the step's calls runs (an activity or child run cannot be handed
 * over) and no sub-agent waits. Resolves when the step is done without handing over.
 */
export async function continueWhileParked(parts: RunParts, step: StepProgress, limits: RunLimits): Promise<void> {
  const scope = CancellationScope.current();
  // Parked on people: approvals, `ask_human` questions or client tool calls (all carried over).
  const parked = () => !scope.consideredCancelled && step.isIdle && parts.ledger.waitsForPeople() && !parts.subAgents.hasPending();
  for (;;) {
    await untilOrNeverOnCancel(() => step.isDone || (parked() && historyIsLong(limits)));
    if (step.isDone) return;
    // Checked again: a call decided in the same activation may have started meanwhile.
    if (parked()) break;
  }
  const finished = step.handOver();
  await continueRunAsNew(parts, { finished });
}

/**
 * `condition(fn)`, except that cancellation never settles it. A cancelled run ends the way its step
 * does (a sub-agent's cancellation is awaited there), so the parked-step wait is not what reacts to
 * cancellation; it only stops handing over. Not `CancellationScope.nonCancellable`: a new scope
 * costs five promises, and its `AsyncLocalStorage.run` turns Node's async hooks on in the worker's
 * workflow thread while the parked run stays cached (a small cost on every promise of every
 * workflow on that thread).
 */
function untilOrNeverOnCancel(fn: () => boolean): Promise<void> {
  return condition(fn).catch((err: unknown) => {
    if (isCancellation(err)) return new Promise<never>(() => {});
    throw err;
  });
}

/** Whether the run's history is long enough to continue as new. */
export function historyIsLong(limits: RunLimits): boolean {
  const info = workflowInfo();
  if (info.continueAsNewSuggested) return true;
  return limits.continueAsNewAfterEvents !== undefined && info.historyLength >= limits.continueAsNewAfterEvents;
}

/**
 * Continues the run as new with everything it has so far (`parkedStep`: the step it was parked on). Never returns. The ledger is read only
 * after every handler finished (the SDK's pattern): a decision that arrived during the hand-over
 * is in it, and goes on with the chain.
 */
export async function continueRunAsNew({ input, ledger, events, slot, subAgents }: RunParts, parkedStep?: CarriedRun['parkedStep']): Promise<never> {
  await subAgents.flushReports();
  const stream = await events.handOver(MAX_CARRIED_EVENTS);
  await subAgents.flushReports();
  const info = workflowInfo();
  const delegatedApprovals = subAgents.decidedRecords();
  const delegatedQuestions = subAgents.carriedQuestions();
  const carried: CarriedRun = {
    ledger: ledger.snapshot(),
    stream,
    startedAtMs: input.carried?.startedAtMs ?? info.startTime.getTime(),
    slotHeld: slot.isHeld,
    continuations: (input.carried?.continuations ?? 0) + 1,
    ...(delegatedApprovals.length > 0 && { delegatedApprovals }),
    ...(delegatedQuestions && { delegatedQuestions }),
    ...(parkedStep && { parkedStep }),
  };
  slot.handOver();
  // Memo and search attributes (state, agent, thread) go on with the chain.
  const next = makeContinueAsNewFunc<(i: AgentRunInput) => Promise<AgentRunResult>>({
    ...(info.memo && { memo: info.memo }),
    typedSearchAttributes: info.typedSearchAttributes,
  });
  // The next run starts from the carried ledger (its agent included), not from a plan.
  const { plan: _plan, ...rest } = input;
  return next({ ...rest, carried });
}
