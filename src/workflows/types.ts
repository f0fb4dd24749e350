/**
 * Payload types that cross the workflow boundary (workflow input/result, signals, updates,
 * queries, activity inputs/results). Plain JSON only: they live in Temporal history.
 */

/** Lifecycle of a run, mirrored into the `HarnessRunState` search attribute. */
export type RunState = 'queued' | 'running' | 'waiting_for_approval' | 'completed' | 'failed' | 'cancelled';

export const RUN_STATES: readonly RunState[] = [
  'queued',
  'running',
  'waiting_for_approval',
  'completed',
  'failed',
  'cancelled',
];

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
   * Earlier messages this run continues from (a thread's conversation): the first `upTo`
   * messages of the `transcript` query of workflow `workflowId`. A reference, not the messages,
   * so a long thread does not copy its whole conversation into every run's history.
   */
  history?: TranscriptRef;
  /** Initial agent state: tools read it and may update it; the run returns it updated. */
  state?: Record<string, unknown>;
  /** Files for the run: small inline text, or references (path/URL with size and hash). */
  files?: RunFile[];
  /** Set when this run is a sub-agent call of another run (see `ParentRunRef`). */
  parent?: ParentRunRef;
  /**
   * Set only by the run itself when it continues as new (a long run whose history got long):
   * everything the next run of the chain goes on with. Callers never set it.
   */
  carried?: CarriedRun;
}

/** What one run of a continued run chain hands the next. */
export interface CarriedRun {
  run: CarriedRunState;
  /** The event stream's log and publisher dedup state (`@temporalio/workflow-streams`). */
  stream: unknown;
  /** When the first run of the chain started (ms since epoch), for `limits.runTimeout`. */
  startedAtMs: number;
  /** Whether the chain holds a slot of `limits.maxConcurrentRuns`. */
  slotHeld: boolean;
  /** How many times the run has continued as new. */
  continuations: number;
  /** Decided approvals of the run's sub-agents (its own are in `run.approvals`). */
  delegatedApprovals?: ApprovalRecord[];
}

export interface CarriedRunState {
  agentId: string;
  step: number;
  transcript: TranscriptMessage[];
  usage: TokenUsage;
  agentState: Record<string, unknown>;
  routing: RoutingDecision;
  policy: PolicyOutcome;
  plan: AgentPlan;
  approvals: ApprovalRecord[];
  ignoredDecisions: IgnoredDecision[];
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
  path?: string;
  url?: string;
  /** Size in bytes of the content or of the referenced file. */
  size: number;
  sha256?: string;
}

/** What a tool sees of its run besides its input (`config.configurable`). */
export interface ToolRunContext {
  context: Record<string, unknown>;
  state: Record<string, unknown>;
  files: RunFile[];
}

export interface TranscriptRef {
  workflowId: string;
  upTo: number;
}

/** A tool call the model asked for. Its id doubles as the approval id when it needs approval. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Set when the model's call could not be parsed (e.g. arguments that are not JSON): why. */
  invalid?: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** In US dollars, when the model's `pricing` is set in the workspace. */
  costUsd?: number;
}

/** A model's prices, from the workspace, for cost accounting. */
export interface ModelPricing {
  inputPerMillionTokens: number;
  outputPerMillionTokens: number;
}

export type TranscriptMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError: boolean };

export type Decision = 'approve' | 'reject' | 'edit';

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
}

export interface PendingApproval {
  approvalId: string;
  toolName: string;
  input: Record<string, unknown>;
  /** Set for approvals raised by a graph agent's `interrupt()` (absent = a tool call). */
  interrupt?: { interruptId: string; kind: 'interrupt' | 'hitl'; node: string; description?: string; allowedDecisions: Decision[] };
  /** ISO-8601 workflow time when the approval was requested. */
  requestedAt: string;
  /** The model step whose tool call this is. */
  step: number;
  /** Agents from the top-level run to the sub-agent that raised it; absent for the run's own approvals. */
  path?: string[];
  /** Where a sub-agent's approval waits: that run and its approval id there. */
  origin?: ApprovalOrigin;
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
  /** How the decision came: a person (signal/update), the approval's deadline, or the run ending. */
  via: 'signal' | 'update' | 'timeout' | 'cancel';
  /** For a sub-agent's approval: the agents from the top-level run to the one that raised it. */
  path?: string[];
  origin?: ApprovalOrigin;
}

/** A decision that arrived by signal and was refused; signals cannot be rejected, so we keep a record. */
export interface IgnoredDecision {
  receivedAt: string;
  payload: unknown;
  reason: string;
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

export interface PlanRunInput {
  requestedAgentId?: string;
  input: string;
  context?: Record<string, unknown>;
  /** Sizes of the run's files, for the inline-size limit. */
  files?: { name: string; size: number; inline: boolean }[];
}

/** Routing and policy for a run; `plan` is absent when a policy refused it. */
export interface RunPlan {
  routing: RoutingDecision;
  policy: PolicyOutcome;
  plan?: AgentPlan;
  /**
   * How long planning took, on the activity's own clock. Recorded with the plan, so the workflow
   * can time the events it publishes on the plan's arrival the same way live and on replay.
   */
  tookMs: number;
}

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
  ignoredDecisions: IgnoredDecision[];
  usage: TokenUsage;
  /** The agent state as tools have updated it so far. */
  agentState: Record<string, unknown>;
  output?: string;
  error?: string;
  /** Set when this run is a sub-agent call: its approvals are also decided through the top-level run. */
  parent?: ParentRunRef;
}

/** What a completed `agentRun` returns. */
export interface AgentRunResult {
  runId: string;
  agentId: string;
  output: string;
  /** This run's own messages (its input, the model's turns, tool results), for a thread to append. */
  messages: TranscriptMessage[];
  steps: number;
  approvals: ApprovalRecord[];
  usage: TokenUsage;
  /** The agent state after the run (the initial `state` with every tool update applied). */
  agentState: Record<string, unknown>;
}

/** A tool as the workflow sees it: name and JSON schema only (the code stays in activities). */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input, used to validate edited inputs in the update validator. */
  inputSchema: Record<string, unknown>;
  requiresApproval: boolean;
  /** How long a person has to decide; absent = no deadline. */
  approvalTimeoutMs?: number;
  /** What the run does when the deadline passes. */
  onApprovalTimeout?: 'reject' | 'approve' | 'fail';
  /**
   * Who may decide: names and `role:<role>` entries. Absent = anyone. Decisions by the deadline
   * (`onApprovalTimeout`) are not subject to it.
   */
  approvers?: string[];
  /** Set when the "tool" is another agent: a call starts a child run of it. */
  subAgent?: { agentId: string };
}

/** Everything the workflow needs to know about an agent, fixed for the run at its start. */
export interface AgentPlan {
  agentId: string;
  modelId: string;
  pricing?: ModelPricing;
  tools: ToolSpec[];
  limits: RunLimits;
  /** `graph`: the run executes the agent's LangGraph graph; absent = the built-in model/tool loop. */
  execution?: 'graph';
  /** How a graph agent's interrupts are decided (deadline, who may decide). */
  graph?: GraphApprovalSettings;
}

export interface GraphApprovalSettings {
  approvalTimeoutMs?: number;
  onApprovalTimeout?: 'reject' | 'approve' | 'fail';
  approvers?: string[];
}

/**
 * One approval a graph segment raised: a plain `interrupt()`, or one action of a
 * `humanInTheLoopMiddleware` interrupt (which asks about every gated tool call of a model turn).
 */
export interface GraphApprovalRequest {
  /** The interrupt id; `<interrupt id>.<n>` for the n-th action of a multi-action HITL interrupt. */
  approvalId: string;
  interruptId: string;
  kind: 'interrupt' | 'hitl';
  /** The position of the action in a HITL interrupt's `actionRequests`. */
  actionIndex?: number;
  /** The graph node that raised it. */
  node: string;
  /** HITL: the tool the model wants to call; plain interrupt: the node. */
  toolName: string;
  /** HITL: the tool call's arguments; plain interrupt: its value (wrapped as `{ value }` unless an object). */
  input: Record<string, unknown>;
  description?: string;
  /** What an edit must match: the HITL action's `argsSchema`, or the interrupt's `responseSchema`. */
  inputSchema?: Record<string, unknown>;
  /** The decisions this approval accepts (HITL review configs may forbid edit or reject). */
  allowedDecisions: Decision[];
}

/** The decisions for one interrupt, for the next graph segment to resume with. */
export interface GraphResume {
  interruptId: string;
  kind: 'interrupt' | 'hitl';
  decisions: { actionIndex?: number; toolName: string; decision: Decision; input?: Record<string, unknown>; approver?: string; reason?: string }[];
}

export interface RunGraphInput {
  agentId: string;
  /** The segment number (1 = the first), as `step` in events. */
  step: number;
  /** The serialized checkpoint the previous segment ended with; absent for the first segment. */
  checkpoint?: string;
  /** Answers to the previous segment's interrupts. */
  resume?: GraphResume[];
  /** Earlier conversation to put before the run's input (a thread's conversation). */
  history?: TranscriptRef;
}

export interface RunGraphResult {
  status: 'completed' | 'interrupted';
  /** The serialized checkpoint to resume from (the saver's own serializer, base64 in JSON). */
  checkpoint: string;
  /** Completed: the graph's answer (the last AI message, or its output). */
  output?: string;
  /** Interrupted: what the graph asks people to decide. */
  approvals: GraphApprovalRequest[];
  usage?: TokenUsage;
  /** Graph steps (supersteps) this segment ran. */
  graphSteps: number;
}

export interface RunLimits {
  maxSteps: number;
  modelCallTimeoutMs: number;
  toolCallTimeoutMs: number;
  /** A tool or model call that sends no heartbeat this long is presumed dead and retried elsewhere. */
  heartbeatTimeoutMs: number;
  /** The whole run; absent = no limit. */
  runTimeoutMs?: number;
  /** One graph segment (a graph agent's run up to its next interrupts); absent = 30 minutes. */
  graphSegmentTimeoutMs?: number;
  /**
   * Continue as new (between steps) once the run's history has this many events; absent = when
   * the server suggests it. Keeps long runs, and the polls of whoever follows them, under the
   * history limits.
   */
  continueAsNewAfterEvents?: number;
  /** Cap on runs executing at once across all workers of the task queue; absent = no cap. */
  maxConcurrentRuns?: number;
  /** Sub-agent runs nest at most this deep below the top-level run. */
  maxAgentDepth: number;
  modelRetry: RetrySettings;
  toolRetry: RetrySettings;
}

export interface RetrySettings {
  maximumAttempts: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
}

export interface CallModelInput {
  agentId: string;
  step: number;
  /** How many transcript messages the model sees; the activity reads them from the run by query. */
  transcriptLength: number;
  /** Earlier conversation to put before the run's own transcript. */
  history?: TranscriptRef;
}

export interface ModelTurn {
  content: string;
  toolCalls: ToolCall[];
  usage?: TokenUsage;
  /**
   * Set when the model answered before the activity's first batch of deltas was due, so it
   * published none: the workflow publishes `content` (and this reasoning) as one delta each.
   */
  deferredDeltas?: { attempt: number; reasoning?: string };
}

export interface CallToolInput {
  agentId: string;
  toolName: string;
  toolCallId: string;
  input: Record<string, unknown>;
  /**
   * Set when the run has no context, no agent state and no files: the activity then skips the
   * `toolContext` query (a round trip through the server before the tool starts).
   */
  noRunContext?: true;
}

export interface ToolResult {
  content: string;
  isError: boolean;
  /** Keys to set in the run's agent state (shallow merge), from `toolResult(…, { state })`. */
  stateUpdate?: Record<string, unknown>;
}

export interface TranscriptQueryInput {
  /** Return messages `[from, upTo)`; from the first when omitted (an agentRun answers `from`, a thread ignores it). */
  from?: number;
  /** Return messages `[0, upTo)`; all when omitted. */
  upTo?: number;
}

// Sub-agents

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

/** The run where a sub-agent's approval waits, and its id there (where it can be decided directly too). */
export interface ApprovalOrigin {
  runId: string;
  approvalId: string;
}
