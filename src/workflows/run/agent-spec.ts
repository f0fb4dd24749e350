/**
 * What a run knows about its agent, fixed at its start: the agent spec that planning returns with
 * its verdict (`RunPlan.agent`), built by the worker from the workspace file. Plain JSON: it is
 * recorded in history and carried across continue-as-new.
 */
import type { ModelPricing } from '../shared/usage.js';
import type { GrantScope } from '../grants/contract.js';
import type { ApprovalRuleSpec } from './approval-rules.js';

/** Everything the workflow needs to know about an agent, fixed for the run at its start. */
export interface AgentSpec {
  agentId: string;
  modelId: string;
  pricing?: ModelPricing;
  /**
   * Set for a model declared local (`models.<id>.local`): each model call runs as a Temporal local
   * activity, within `timeoutMs` per attempt (`models.<id>.timeout`).
   */
  modelCall?: { execution: 'local'; timeoutMs: number };
  tools: ToolSpec[];
  limits: RunLimits;
  /** `graph`: the run executes the agent's LangGraph graph; absent = the built-in model/tool loop. */
  execution?: 'graph';
  /** How a graph agent's interrupts are decided (deadline, who may decide). */
  graph?: GraphApprovalSettings;
  /** Webhooks for every approval of the agent (a tool's own `ToolSpec.notify` come on top). */
  notify?: NotifyTarget[];
}

/** Which approval moments a webhook hears about. */
export type NotifyEvent = 'requested' | 'decided' | 'timed_out';

/**
 * One approval webhook, as the workflow carries it: names only (the URL when it is not secret,
 * or the env var holding it; the env var holding the signing secret), never a secret itself.
 */
export interface NotifyTarget {
  /** How the run's `notification.*` events name it (the URL's host, or `urlEnv`). */
  name: string;
  url?: string;
  urlEnv?: string;
  events: NotifyEvent[];
  format: 'json' | 'slack';
  /** Slack only: Approve / Reject buttons on `approval.requested` (answered at `POST /slack/actions`). */
  buttons?: boolean;
  secretEnv?: string;
  retry: RetrySettings;
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
  /**
   * Rules on the call's arguments, tried in order before anyone is asked (first match wins): approve
   * or reject automatically, or ask `approvals` distinct people. No match = ask the tool's approvers.
   */
  approvalRules?: ApprovalRuleSpec[];
  /** Which grants a decision on this tool may give (absent = none): see `ApprovalDecisionInput.grant`. */
  grantScopes?: GrantScope[];
  /**
   * A model that looks at a call no rule decided and no grant covers before a person is asked: it
   * may approve it or escalate it to the people, never reject it (see `gate.ts`).
   */
  judge?: JudgeSettings;
  /** Webhooks for this tool's approvals, from its approval rule (on top of `AgentSpec.notify`). */
  notify?: NotifyTarget[];
  /** Set for a tool the harness provides: `ask_human` parks the run until a person answers. */
  builtin?: 'ask_human';
  /**
   * `client`: the caller's app supplies the result (the `supplyToolResult` update); no activity runs.
   * `local`: each call runs as a Temporal local activity, within `timeoutMs` per attempt.
   */
  execution?: 'client' | 'local';
  /** A local tool's start-to-close timeout per attempt (`tools.perTool.<name>.timeout`). */
  timeoutMs?: number;
  /** JSON Schema a client tool's supplied result must match, when the workspace gives one. */
  outputSchema?: Record<string, unknown>;
  /** Set when the "tool" is another agent: a call starts a child run of it. */
  subAgent?: { agentId: string };
}

/** A tool's model judge as the workflow runs it; its instructions stay in the workspace (the activity reads them). */
export interface JudgeSettings {
  /** The workspace model that judges (`models.<name>`). */
  model: string;
  /** The whole judging, all attempts included: past it the call is escalated to a person. */
  timeoutMs: number;
  /** Attempts at a judge call that fails (a model error, a timeout) before the call is escalated. */
  maxAttempts: number;
  /** Whether the judge sees the run's latest user message besides the call. */
  includeUserMessage: boolean;
  /** The judge model's prices, so its tokens count in the run's cost. */
  pricing?: ModelPricing;
}

export interface GraphApprovalSettings {
  approvalTimeoutMs?: number;
  onApprovalTimeout?: 'reject' | 'approve' | 'fail';
  approvers?: string[];
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
