/**
 * The events of a run, published on its durable workflow stream (`@temporalio/workflow-streams`,
 * topic `events`). Lifecycle events come from the workflow; `output.delta` / `reasoning.delta`
 * come from the model-call activity while the model streams. Every event has an offset in the
 * stream, so a client that reconnects resumes exactly where it stopped.
 */
import type { ModelTurn } from '../../activities/call-model.js';
import type { ContentRef } from '../shared/content-ref.js';
import type { ApprovalGrant } from '../grants/contract.js';
import type { TokenUsage } from '../shared/usage.js';
import type { ApprovalRecord, ApprovalVote, ClosedQuestion, ClosedToolCall, PendingApproval, PendingQuestion, PendingToolCall, PolicyOutcome, QuestionRecord, SuppliedToolResult, RoutingDecision, RunState } from './contract.js';

/** The stream topic all run events are published on. */
export const RUN_EVENTS_TOPIC = 'events';

interface Envelope {
  runId: string;
  agentId: string;
  /**
   * ISO-8601: workflow time for workflow events (the same when a finished run's log is rebuilt by
   * replay; events published on the plan's arrival: time the run asked plus planning's duration),
   * wall time for deltas.
   */
  at: string;
}

/** The model message a delta or step belongs to: `<runId>:step-<n>`. */
export type MessageId = string;

export type HarnessEventBody =
  /**
   * `input` is a preview when the input is over `CONTENT_LIMITS.inlineChars` (`inputChars` says how long it is).
   * `traceId`: the run's OpenTelemetry trace, when the worker traces (see docs/observability.md).
   */
  | { type: 'run.created'; input: string; inputChars: number; requestedAgentId: string; threadId?: string; traceId?: string }
  | { type: 'run.routed'; routing: RoutingDecision; policy: PolicyOutcome }
  | { type: 'run.queued' }
  | { type: 'run.dequeued' }
  | { type: 'run.state.changed'; from: RunState; to: RunState }
  | { type: 'step.started'; step: number; model: string; messageId: MessageId }
  | { type: 'step.completed'; step: number; messageId: MessageId; toolCalls: number; usage?: TokenUsage }
  | { type: 'output.delta'; step: number; attempt: number; messageId: MessageId; text: string }
  | { type: 'reasoning.delta'; step: number; attempt: number; messageId: MessageId; text: string }
  /** A retried model call starts over: drop earlier attempts' deltas for this message. */
  | { type: 'output.reset'; step: number; attempt: number; messageId: MessageId }
  | { type: 'tool.started'; step: number; toolCallId: string; toolName: string; input: Record<string, unknown> }
  /** With `contentRef`, `content` is a preview of a result kept by reference. */
  | { type: 'tool.result'; step: number; toolCallId: string; toolName: string; content: string; isError: boolean; contentRef?: ContentRef }
  /** A graph agent's node finished: its name and (a JSON summary of) the state update it made. */
  | { type: 'graph.node'; step: number; node: string; update: unknown }
  /** What a graph node wrote with LangGraph's stream writer (`config.writer(...)`). */
  | { type: 'graph.custom'; step: number; data: unknown }
  /** A sub-agent tool call started a child run (`path`: agents from the top-level run to the child). */
  | { type: 'subagent.started'; step: number; toolCallId: string; agentId: string; runId: string; path: string[] }
  | { type: 'approval.requested'; approval: PendingApproval }
  | { type: 'approval.resolved'; decision: ApprovalRecord }
  /** One person approved an approval that needs several (`received` of `needed`); it stays pending. */
  | { type: 'approval.voted'; approvalId: string; toolName: string; vote: ApprovalVote; received: number; needed: number }
  /** A person's approve gave a grant (`ApprovalDecisionInput.grant`) and the agent's grants keeper holds it now. */
  | { type: 'grant.recorded'; grant: ApprovalGrant }
  /** The grants keeper could not be reached: the approval stands, the grant was not kept. */
  | { type: 'grant.failed'; grantId: string; error: string }
  /** A webhook (about an approval, a question or a client tool call: the id says which) was delivered (`attempts`: how many tries it took). No body, no secret. */
  | { type: 'notification.sent'; event: string; approvalId?: string; questionId?: string; toolCallId?: string; target: string; attempts: number }
  /** A webhook gave up (`attempts` absent when the send ran out of time); the run goes on. */
  | { type: 'notification.failed'; event: string; approvalId?: string; questionId?: string; toolCallId?: string; target: string; attempts?: number; error: string }
  | { type: 'question.asked'; question: PendingQuestion }
  | { type: 'client_tool.requested'; call: PendingToolCall }
  | { type: 'client_tool.supplied'; result: SuppliedToolResult }
  | { type: 'question.answered'; answer: QuestionRecord }
  /** The run ended (cancelled, failed, timed out) with the question unanswered: it cannot be answered any more. */
  | { type: 'question.closed'; question: ClosedQuestion }
  /** The run ended with the client tool call waiting for its result: it cannot be supplied any more. */
  | { type: 'client_tool.closed'; call: ClosedToolCall }
  | { type: 'run.resumed'; step: number }
  | { type: 'run.completed'; output: string; outputRef?: ContentRef; usage: TokenUsage }
  | { type: 'run.failed'; error: string }
  | { type: 'run.cancelled' };

/** One event of a run's stream (`RunHandle.events()`, SSE): an envelope (offset, time, step) plus a typed body. */
export type HarnessEvent = Envelope & HarnessEventBody;
/** The `type` of every run event, e.g. `approval.requested` or `output.delta`. */
export type HarnessEventType = HarnessEvent['type'];

/** An event with its place in the run's stream. */
export interface HarnessEventItem {
  offset: number;
  event: HarnessEvent;
  /**
   * A delta (or reset) seen on the live path, ahead of the durable log: `offset` is then the last
   * durable event's, so resuming from `offset + 1` is still exact for the log (and may show this
   * text again). Absent on events read from the log.
   */
  live?: true;
}

export function messageIdFor(runId: string, step: number): MessageId {
  return `${runId}:step-${step}`;
}

/** Events after which a run publishes nothing more. */
export const FINAL_EVENT_TYPES: ReadonlySet<HarnessEventType> = new Set(['run.completed', 'run.failed', 'run.cancelled']);

/**
 * The deltas a model call left to the workflow (it answered before its first batch was due, or it
 * ran as a local activity; see `ModelTurn.deferredDeltas`): its text and reasoning, one delta each,
 * as the activity would have published them, after the `output.reset` a retried attempt publishes
 * first (only a local call defers a retry's deltas).
 */
export function deferredDeltaEvents(turn: ModelTurn, step: number, messageId: MessageId): HarnessEventBody[] {
  if (!turn.deferredDeltas) return [];
  const { attempt, reasoning, text = turn.content } = turn.deferredDeltas;
  return [
    ...(attempt > 1 ? [{ type: 'output.reset' as const, step, attempt, messageId }] : []),
    ...(reasoning ? [{ type: 'reasoning.delta' as const, step, attempt, messageId, text: reasoning }] : []),
    ...(text ? [{ type: 'output.delta' as const, step, attempt, messageId, text }] : []),
  ];
}
