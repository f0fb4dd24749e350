/**
 * The contract of `agentRun`: its workflow type, input and result, its lifecycle states, the
 * decision payload and its rules, and every signal, update and query, declared once and imported
 * everywhere (workflow, client, CLI, HTTP, tests) so nothing refers to a handler by a string
 * literal. The names are public: `temporal workflow signal --name approvalDecision` must keep
 * working. Plain TypeScript (no zod): the workflow bundle includes this file.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalGrant, GrantRequest } from '../grants/contract.js';
import type { RunPlan } from '../../activities/index.js';
import type { CarriedRun } from './continue-as-new.js';
import type { ForkInput, ForkOf } from './fork.js';
import type { ContentRef } from '../shared/content-ref.js';
import type { TranscriptMessage, TranscriptRef } from '../shared/conversation.js';
import type { TokenUsage } from '../shared/usage.js';

export { transcriptPageQuery, transcriptQuery } from '../shared/conversation.js';

/** Workflow type name of a run. */
export const AGENT_RUN_WORKFLOW = 'agentRun';

/** Default task queue for workers and clients (defined once, in src/common/defaults.ts). */
export { DEFAULT_TASK_QUEUE } from '../../common/defaults.js';

// Lifecycle -----------------------------------------------------------------------------------

/**
 * Lifecycle of a run, mirrored into the `HarnessRunState` search attribute: `starting` while it is
 * routed and checked by policy, `queued` while it waits for a slot (`limits.maxConcurrentRuns`),
 * then `running` ⇄ `waiting_for_approval`, and one of the three terminal states. A run that brings
 * its plan (`AgentRunInput.plan`) and may work at once is `running` in its search attributes from
 * its start (`attributesAtStart`); its `status` and events still pass from `starting` to `running`
 * in its first workflow task.
 */
export type RunState = 'starting' | 'queued' | 'running' | 'waiting_for_approval' | 'completed' | 'failed' | 'cancelled';

/** Every run state, in lifecycle order. */
export const RUN_STATES: readonly RunState[] = ['starting', 'queued', 'running', 'waiting_for_approval', 'completed', 'failed', 'cancelled'];

/** The states a run never leaves. */
export const TERMINAL_RUN_STATES: ReadonlySet<RunState> = new Set<RunState>(['completed', 'failed', 'cancelled']);

/** Whether a run in `state` has ended. */
export function isTerminalRunState(state: RunState): boolean {
  return TERMINAL_RUN_STATES.has(state);
}

// Input and result ----------------------------------------------------------------------------

/** What `agentRun` is started with. The workflow id is the run id. */
export interface AgentRunInput {
  /**
   * Agent id from the workspace file; omitted or `auto` = route: workspace routing rules, then
   * the router model, then `defaultAgent`.
   */
  agentId?: string;
  /** The user's message that starts the run. */
  input: string;
  /** Conversation this run belongs to, if any. */
  threadId?: string;
  /** Free-form caller context (tenant, user, role…), visible to policies and tools. */
  context?: Record<string, unknown>;
  /**
   * Earlier messages this run continues from (a thread's conversation): a reference, not the
   * messages, so a long thread does not copy its whole conversation into every run's history.
   */
  history?: TranscriptRef;
  /** Initial agent state: tools read it and may update it; the run returns it as `agentState`. */
  state?: Record<string, unknown>;
  /** Files for the run: small inline text, or references (path/URL with size and hash). */
  files?: RunFile[];
  /** Set when this run is a sub-agent call of another run (see `ParentRunRef`). */
  parent?: ParentRunRef;
  /**
   * Set when this run is a fork of another run from one of its steps (see `HarnessClient.fork`):
   * it starts with that step's model message, edited, and reads the earlier messages by `history`.
   */
  fork?: ForkInput;
  /**
   * Set only by the run itself when it continues as new (a long run whose history got long):
   * everything the next run of the chain goes on with. Callers never set it.
   */
  carried?: CarriedRun;
  /**
   * The run's plan (routing and policy verdict), made at start by a client in a worker's process
   * from that worker's workspace (`HarnessWorker.client()`), so the run's first workflow task need
   * not run the `planRun` local activity; it is recorded in history with the start input. Absent:
   * the run plans itself. `HarnessClient.startRun` never takes it from its caller. At most
   * `MAX_START_PLAN_CHARS` of JSON.
   */
  plan?: RunPlan;
}

/** What a completed `agentRun` returns. */
export interface AgentRunResult {
  runId: string;
  agentId: string;
  /** The model's final answer, or its preview when it is kept by reference (`outputRef`). */
  output: string;
  /** Where the whole answer is, when it is over `CONTENT_LIMITS.inlineChars`. */
  outputRef?: ContentRef;
  /**
   * This run's own messages (its input, the model's turns, tool results), for a thread to append.
   * Contents over `CONTENT_LIMITS.inlineChars` are previews with a `contentRef`, so the result stays
   * small whatever the run carried.
   */
  messages: TranscriptMessage[];
  steps: number;
  approvals: ApprovalRecord[];
  usage: TokenUsage;
  /** The agent state after the run (the initial `state` with every tool update applied). */
  agentState: Record<string, unknown>;
}

/**
 * A file given to a run. Inline `content` is for small text only (it travels in history); larger
 * files are passed by `path` or `url` with their `size` and `sha256`, and read by tools.
 */
export interface RunFile {
  name: string;
  mediaType?: string;
  /** Inline UTF-8 content (small files only: see `limits.maxInlineFileBytes`). */
  content?: string;
  /**
   * Set by the run (never by callers) when it keeps a big inline `content` by reference: tools
   * still get `content` whole, `toolContext` replies carry this reference instead.
   */
  contentRef?: ContentRef;
  path?: string;
  url?: string;
  /** Size in bytes of the content or of the referenced file. */
  size: number;
  sha256?: string;
}

/** What a sub-agent run knows of the run that called it. */
export interface ParentRunRef {
  /** The calling run's id (workflow id): approvals and their outcomes are reported to it. */
  workflowId: string;
  /** The calling run's tool call that started this run. */
  toolCallId: string;
  /** Agents from the top-level run down to the caller, e.g. `['support']`. */
  path: string[];
  /** How deep this run is: 1 for a sub-agent of a top-level run. */
  depth: number;
}

// Status --------------------------------------------------------------------------------------

/** What the `status` query returns. */
export interface RunStatus {
  runId: string;
  /** The agent running (the requested one until routing picked one). */
  agentId: string;
  routing?: RoutingDecision;
  policy?: PolicyOutcome;
  threadId?: string;
  state: RunState;
  /** Model calls made so far. */
  step: number;
  pendingApprovals: PendingApproval[];
  approvals: ApprovalRecord[];
  /** Questions the agent asked a person (`ask_human`) still waiting for an answer. */
  pendingQuestions?: PendingQuestion[];
  /** Questions answered so far. */
  questions?: QuestionRecord[];
  /** Client tool calls waiting for the caller's app to supply their results. */
  pendingToolCalls?: PendingToolCall[];
  /** Client tool results supplied so far. */
  toolResults?: SuppliedToolResult[];
  /** Questions the run closed unanswered when it ended (cancelled, failed, timed out). */
  closedQuestions?: ClosedQuestion[];
  /** Client tool calls the run closed without a result when it ended. */
  closedToolCalls?: ClosedToolCall[];
  /** The latest refused decision signals (at most `IGNORED_DECISION_LIMITS.kept`), oldest first. */
  ignoredDecisions: IgnoredDecision[];
  /** How many decision signals the run refused in all (`ignoredDecisions` keeps only the latest). */
  ignoredDecisionCount: number;
  usage: TokenUsage;
  /** The agent state as tools have updated it so far. */
  agentState: Record<string, unknown>;
  /** The final answer (a preview when it is kept by reference: `outputRef`). */
  output?: string;
  outputRef?: ContentRef;
  error?: string;
  /** Set when this run is a sub-agent call: its approvals are also decided through the top-level run. */
  parent?: ParentRunRef;
  /** Set when this run is a fork: the run it was forked from and the step (see `HarnessClient.fork`). */
  forkOf?: ForkOf;
  /** The run's OpenTelemetry trace id, when the worker traces (see docs/observability.md). */
  traceId?: string;
}

/** Which agent a run went to, and why. */
export interface RoutingDecision {
  /** What the caller asked for (`auto` when it named no agent). */
  requestedAgentId: string;
  selectedAgentId: string;
  via: 'explicit' | 'rule' | 'router' | 'default';
  reason: string;
}

/** The policy verdict on a run, fixed before anything runs. */
export interface PolicyOutcome {
  allowed: boolean;
  /** Every reason the run was refused (empty when allowed). */
  reasons: string[];
  matchedPolicies: string[];
}

/** What a tool sees of its run besides its input (`config.configurable`). */
export interface ToolRunContext {
  context: Record<string, unknown>;
  /** The agent state. */
  state: Record<string, unknown>;
  files: RunFile[];
}

// Approvals -----------------------------------------------------------------------------------

/** What a person decides about a pending approval: run the call as is, refuse it, or run it with edited input. */
export type Decision = 'approve' | 'reject' | 'edit';

/** Every decision, as a decision payload names it. */
export const DECISIONS: readonly Decision[] = ['approve', 'reject', 'edit'];

/**
 * Size bounds of a decision payload, checked by every layer alike (client, HTTP, the update's
 * validator, the signal handler): the whole payload's JSON text in UTF-8 bytes (which bounds an
 * edit's `input` too), then each field in characters or items. Everything a decision carries into
 * history, `status` replies and events stays within these.
 */
export const DECISION_LIMITS = {
  payloadBytes: 64 * 1024,
  approvalIdChars: 500,
  approverChars: 200,
  approverRoles: 50,
  roleChars: 200,
  reasonChars: 4000,
} as const;

/** Payload of the `approvalDecision` signal and the `decideApproval` update. */
export interface ApprovalDecisionInput {
  /** The id of the tool call to decide (shown in `status().pendingApprovals`). */
  approvalId: string;
  decision: Decision;
  /** Replacement tool input; required with `edit`, refused otherwise. */
  input?: Record<string, unknown>;
  /** Who decided (recorded in history and shown to the model on reject). */
  approver?: string;
  /**
   * Roles the decider holds (e.g. `finance`), matched against a tool's `role:<role>` approvers.
   * Asserted by the caller, like `approver`: authenticate people in the app or HTTP layer in front.
   */
  approverRoles?: string[];
  /** Why (recorded; on reject the model is told). */
  reason?: string;
  /**
   * With `approve`: also approve later calls of this tool without asking — in this thread
   * (`scope: "thread"`) or in any run of the agent (`"agent"`), optionally only calls whose
   * arguments `match`, until `expiresInMs` passes or someone revokes it. The tool's approval rule
   * must allow the scope (`grants:`); needs `approver`.
   */
  grant?: GrantRequest;
}

/** The rule between `decision` and `input`: why they do not go together, or undefined. */
export function decisionInputProblem(decision: Decision, hasInput: boolean): string | undefined {
  if (decision === 'edit' && !hasInput) return 'decision "edit" needs `input`: the replacement tool input as a JSON object';
  if (decision !== 'edit' && hasInput) return `\`input\` is only allowed with decision "edit" (got decision "${decision}")`;
  return undefined;
}

/** A tool call (or graph interrupt) waiting for a person's decision, as `status` and events show it. */
export interface PendingApproval {
  approvalId: string;
  toolName: string;
  input: Record<string, unknown>;
  /** Set for approvals raised by a graph agent's `interrupt()` (absent = a tool call). */
  interrupt?: { interruptId: string; kind: 'interrupt' | 'hitl'; node: string; description?: string; allowedDecisions: Decision[] };
  /** ISO-8601 workflow time when the approval was requested. */
  requestedAt: string;
  /**
   * The model step of this run whose tool call this is; for a sub-agent's approval, the step of
   * this run that called the sub-agent.
   */
  step: number;
  /**
   * Who may decide it: names and `role:<role>` entries (a decision must carry a listed `approver`
   * or one of the roles in `approverRoles`). Absent = anyone.
   */
  approvers?: string[];
  /** When the approval's deadline passes and what the run does then; absent = it waits as long as it takes. */
  deadline?: ApprovalDeadline;
  /** Agents from the top-level run to the sub-agent that raised it; absent for the run's own approvals. */
  path?: string[];
  /** Where a sub-agent's approval waits: that run and its approval id there. */
  origin?: ApprovalOrigin;
  /**
   * Set when an approval rule (`requireApproval[].rules`) asked people: who may decide, how many
   * distinct approvals it needs and those received so far. Absent = one decision by the tool's approvers.
   */
  quorum?: ApprovalQuorum;
  /** Set when the tool's model judge looked at the call first and escalated it: its reason, for the people who decide. */
  judge?: JudgeVerdict;
}

/**
 * What a tool's model judge (`requireApproval[].judge`) made of a call before anyone was asked. A
 * judge may only approve or escalate: an answer that is neither (a "reject", something unreadable,
 * a failure or timeout) is recorded as an escalation, with `fallback` saying why.
 */
export interface JudgeVerdict {
  decision: 'approve' | 'escalate';
  /** The judge's reason (or what went wrong), at most `JUDGE_LIMITS.reasonChars` characters. */
  reason: string;
  /** The workspace model that judged. */
  model: string;
  /**
   * Why the judge's answer was turned into an escalation: it answered `reject` (a judge cannot
   * reject), something that is not `{decision, reason}` (`invalid_answer`), or it failed or timed
   * out after its retries (`failed`). Absent when the judge itself said so.
   */
  fallback?: 'reject_answer' | 'invalid_answer' | 'failed';
}

/** Size bounds of what a judge's call carries into history: the call it sees, the reason it gives. */
export const JUDGE_LIMITS = { argumentsChars: 4000, userMessageChars: 2000, reasonChars: 1000 } as const;

/**
 * What an approval needing people still waits for: `needed` distinct approvers (by name), from
 * `approvers` when set. It stays pending until `votes` has `needed` approvals; any rejection ends it.
 */
export interface ApprovalQuorum {
  /** The approval rule that asked (its name). */
  rule: string;
  needed: number;
  /** Who may decide: names and `role:<role>` entries; absent = the tool's approvers. */
  approvers?: string[];
  /** The approvals received so far, oldest first. */
  votes: ApprovalVote[];
}

/** One person's approval of an approval that needs several. */
export interface ApprovalVote {
  approver: string;
  approverRoles?: string[];
  reason?: string;
  at: string;
  via: 'signal' | 'update';
}

/**
 * What the `decideApproval` update answers for an approval that still waits for more approvers
 * (`status: "pending"`): the approval stays pending; `quorum.votes` has this vote. A decision that
 * ends the approval answers its `ApprovalRecord` instead (no `status` field).
 */
export interface ApprovalProgress {
  status: 'pending';
  approvalId: string;
  toolName: string;
  quorum: ApprovalQuorum;
}

/** What `decideApproval` answers: the decision recorded, or the progress of an approval needing several approvers. */
export type DecisionResult = ApprovalRecord | ApprovalProgress;

/** Whether a `decideApproval` answer is a partial approval (the approval still waits for more approvers). */
export function isApprovalProgress(result: DecisionResult | undefined): result is ApprovalProgress {
  return result !== undefined && (result as ApprovalProgress).status === 'pending';
}

/** An approval's deadline: when (ISO-8601 workflow time) and the decision taken then (`fail` fails the run). */
export interface ApprovalDeadline {
  at: string;
  onTimeout: 'reject' | 'approve' | 'fail';
}

/** A decided approval, as recorded in the run. */
export interface ApprovalRecord {
  approvalId: string;
  toolName: string;
  decision: Decision;
  /** The input the model asked for. */
  requestedInput: Record<string, unknown>;
  /** The input the tool runs with (differs from `requestedInput` after an edit). */
  input: Record<string, unknown>;
  approver?: string;
  /** The roles the approver asserted, when the decision carried any. */
  approverRoles?: string[];
  reason?: string;
  decidedAt: string;
  /**
   * How the decision came: a person (signal/update), the approval's deadline, the run ending, an
   * approval rule on the arguments (`policy`, see `rule`), a standing grant (`grant`, see
   * `grant`), or the tool's model judge (`judge`, see `judge`).
   */
  via: 'signal' | 'update' | 'timeout' | 'cancel' | 'policy' | 'grant' | 'judge';
  /** The approval rule that decided (`via: "policy"`) or asked for the approvers (`votes`). */
  rule?: string;
  /** Every approval given, for an approval that needed several approvers. */
  votes?: ApprovalVote[];
  /** With `via: "grant"`: the grant that covered the call; otherwise the grant this decision gave. */
  grant?: ApprovalGrant;
  /** The model judge's verdict: with `via: "judge"` the approval; otherwise the escalation people decided after. */
  judge?: JudgeVerdict;
  /** For a sub-agent's approval: the agents from the top-level run to the one that raised it. */
  path?: string[];
  origin?: ApprovalOrigin;
}

/** The run where a sub-agent's approval waits, and its id there (where it can be decided directly too). */
export interface ApprovalOrigin {
  runId: string;
  approvalId: string;
}

/**
 * A decision that arrived by signal and was refused. Signals cannot be rejected, so the run keeps a
 * record: a digest of the payload, never the payload itself (see `IGNORED_DECISION_LIMITS`).
 */
export interface IgnoredDecision {
  receivedAt: string;
  /** Why it was refused, as a stable code (e.g. `UNKNOWN_APPROVAL`). */
  code: string;
  /** `CODE: message`, cut to `IGNORED_DECISION_LIMITS.reasonChars`. */
  reason: string;
  payload: PayloadDigest;
}

/** What a run keeps of a payload it refused: enough to recognise it, never the whole of it. */
export interface PayloadDigest {
  /** Size of the payload's JSON text in UTF-8 bytes. */
  bytes: number;
  /** SHA-256 of that JSON text (hex), to match it against what the sender logged. */
  sha256: string;
  /** The JSON text's first `IGNORED_DECISION_LIMITS.headChars` characters. */
  head: string;
  /** Whether `head` is shorter than the payload. */
  truncated: boolean;
}

/**
 * Bounds of the refused-signal record: how many digests a run keeps (the latest; `status` also
 * counts all of them in `ignoredDecisionCount`), how much of each payload and reason.
 */
export const IGNORED_DECISION_LIMITS = { kept: 20, headChars: 200, reasonChars: 1000 } as const;

// Questions -----------------------------------------------------------------------------------

/** Name of the built-in tool an agent with `askHuman: true` gets: the model asks a person a question. */
export const ASK_HUMAN_TOOL = 'ask_human';

/** Size bounds of a question and its answer, checked by the client, HTTP and the update's validator. */
export const QUESTION_LIMITS = { questionIdChars: 500, questionChars: 4000, answerChars: 8000, answeredByChars: 200 } as const;

/** A question the agent asked (an `ask_human` call) waiting for a person's answer. */
export interface PendingQuestion {
  /** The id of the `ask_human` tool call. */
  questionId: string;
  question: string;
  /** The model step that asked it. */
  step: number;
  /** ISO-8601 workflow time when it was asked. */
  askedAt: string;
  /** Agents from the top-level run to the sub-agent that asked it; absent for the run's own questions. */
  path?: string[];
  /** Where a sub-agent's question waits: that run and its question id there. */
  origin?: QuestionOrigin;
}

/** The run a sub-agent's question was asked in, and its id there. */
export interface QuestionOrigin {
  runId: string;
  questionId: string;
}

/** An answered question, as recorded in the run. */
export interface QuestionRecord extends PendingQuestion {
  answer: string;
  answeredBy?: string;
  answeredAt: string;
}

/** Why and when a question or client tool call was closed unanswered: the run ended. */
export interface ClosedWait {
  /** ISO-8601 workflow time when the run closed it. */
  closedAt: string;
  /** Why, e.g. `run cancelled`, `run failed: …`. */
  reason: string;
  /** The run's deadline (`limits.runTimeout`) ended it. */
  timedOut?: true;
}

/** A question the run closed unanswered when it ended. */
export interface ClosedQuestion extends PendingQuestion, ClosedWait {}

/** Payload of the `answerQuestion` update. */
export interface AnswerQuestionInput {
  questionId: string;
  /** The answer the model gets as the `ask_human` tool's result (at most `QUESTION_LIMITS.answerChars`). */
  answer: string;
  /** Who answered (recorded; over HTTP with authentication, the principal). */
  answeredBy?: string;
}

// Client tools --------------------------------------------------------------------------------

/** Size bound of a client tool's result: its JSON text in UTF-8 bytes. */
export const CLIENT_TOOL_LIMITS = { resultBytes: 64 * 1024, toolCallIdChars: 500, suppliedByChars: 200 } as const;

/** A call of a client tool (`tools.client` in the workspace) waiting for the caller's app to supply its result. */
export interface PendingToolCall {
  toolCallId: string;
  toolName: string;
  input: Record<string, unknown>;
  /** JSON Schema the result must match (the tool's `output` in the workspace), so an app can build a form. */
  outputSchema?: Record<string, unknown>;
  step: number;
  /** ISO-8601 workflow time when the model called it. */
  requestedAt: string;
}

/** A client tool call whose result was supplied, as recorded in the run. */
export interface SuppliedToolResult extends PendingToolCall {
  result: unknown;
  isError: boolean;
  suppliedBy?: string;
  suppliedAt: string;
}

/** A client tool call the run closed without a result when it ended. */
export interface ClosedToolCall extends PendingToolCall, ClosedWait {}

/** Payload of the `supplyToolResult` update. */
export interface SupplyToolResultInput {
  toolCallId: string;
  /** Any JSON value (checked against the tool's `output` schema when it has one); the model gets it as text. */
  result: unknown;
  /** The tool failed: the model is told so. Not checked against the output schema. */
  isError?: boolean;
  suppliedBy?: string;
}

// Messages ------------------------------------------------------------------------------------

/**
 * Fire-and-forget decision (works from `temporal workflow signal`). Signals cannot be refused, so
 * an invalid one is recorded in `status().ignoredDecisions` with the reason and changes nothing.
 */
export const approvalDecisionSignal = defineSignal<[ApprovalDecisionInput]>('approvalDecision');

/**
 * Synchronous decision. Its validator refuses unknown or already-decided approval ids and edits
 * that fail the tool's schema before anything enters history; the caller gets the reason. It
 * answers the recorded decision, or `ApprovalProgress` while an approval needs more approvers.
 */
export const decideApprovalUpdate = defineUpdate<DecisionResult, [ApprovalDecisionInput]>('decideApproval');

/**
 * Answers a pending `ask_human` question. An update, not a signal, so a wrong answer (unknown or
 * already-answered question, empty or oversized text) is refused by the validator before it enters
 * history, and the caller learns why.
 */
export const answerQuestionUpdate = defineUpdate<QuestionRecord, [AnswerQuestionInput]>('answerQuestion');

/**
 * Supplies the result of a pending client tool call. An update, so an unknown call, a result over
 * `CLIENT_TOOL_LIMITS.resultBytes` or one failing the tool's output schema is refused before it
 * enters history.
 */
export const supplyToolResultUpdate = defineUpdate<SuppliedToolResult, [SupplyToolResultInput]>('supplyToolResult');

/** The run's state, pending approvals, decisions, output or error. */
export const statusQuery = defineQuery<RunStatus>('status');

/** The run's context, agent state and files, read by tool-call activities (kept out of their inputs). */
export const toolContextQuery = defineQuery<ToolRunContext>('toolContext');

/** Input of the `storedEvents` query: events from this offset on. */
export interface EventLogQueryInput {
  fromOffset?: number;
}

/** What the `storedEvents` query answers: stored events (payloads base64-encoded, as the stream's poll returns them). */
export interface EventLog {
  items: { topic: string; data: string; offset: number }[];
  nextOffset: number;
}

/**
 * The run's event stream as stored. Subscribers long-poll the stream while the run is open; a
 * finished run cannot take polls, so its events are read here.
 */
// Named so the Web UI's Queries tab (which lists queries by name) opens on `status`, not on this.
export const eventLogQuery = defineQuery<EventLog, [EventLogQueryInput?]>('storedEvents');

/**
 * What each of the run's handlers does and takes, registered with it (`setHandler(…, { description })`)
 * so the Web UI's Queries tab and its "Send a Signal" / "Send an Update" dialogs document them.
 */
export const RUN_HANDLER_DESCRIPTIONS = {
  approvalDecision:
    'Decide a pending approval, fire and forget (a refused decision is recorded in status.ignoredDecisions and changes nothing). ' +
    'Payload: {"approvalId": "<id from status.pendingApprovals>", "decision": "approve" | "reject" | "edit", "approver"?: "<name>", "approverRoles"?: ["<role>"], "input"?: {…} (edit only: the replacement tool input), "reason"?: "<why>", "grant"?: {"scope": "thread" | "agent", "expiresInMs"?: number} (approve only)}. A tool with approvers needs a listed approver, or a listed role in approverRoles.',
  decideApproval:
    'Decide a pending approval and get the recorded decision back; a refused one (unknown or decided id, approver not allowed, ' +
    'edit that fails the tool schema) is an error and changes nothing. Payload: {"approvalId": "<id from status.pendingApprovals>", "decision": "approve" | "reject" | "edit", "approver"?: "<name>", "approverRoles"?: ["<role>"], "input"?: {…} (edit only: the replacement tool input), "reason"?: "<why>", "grant"?: {"scope": "thread" | "agent", "expiresInMs"?: number} (approve only)}. A tool with approvers needs a listed approver, or a listed role in approverRoles. ' +
    'An approval needing several approvers answers {"status": "pending", "quorum": …} until enough have approved.',
  status:
    "The run's state, step, pending approvals (who may decide each, its deadline), decisions, ignored decisions, usage, output or error. No argument.",
  toolContext: "The run's context, agent state and files, as tools see them (read by tool-call activities). No argument.",
  forkPoint:
    'Where a fork from a step of this run would start (read by `harness fork` and POST /runs/{id}/fork; changes nothing). Argument: {"step": number}.',
  eventLog: 'The run\'s stored event stream, base64-encoded, for clients replaying a finished run. Argument: {"fromOffset"?: number}.',
  transcript: 'The conversation so far (user, assistant and tool messages), read by model-call activities. Argument: {"from"?: number, "upTo"?: number}.',
  transcriptPage:
    'A page of the conversation for people and clients: big contents as previews with a contentRef (read them with GET /runs/{id}/blobs/{blobId}). ' +
    'Argument: {"offset"?: number, "limit"?: number (at most 500)}; follow nextOffset until it is absent.',
} as const;
