/**
 * Input and result of the `runGraph` activity (one segment of a graph agent's run), and the
 * approvals and resumes it exchanges with the workflow. Plain JSON: they live in history.
 */
import type { Decision } from '../../workflows/run/contract.js';
import type { TranscriptRef } from '../../workflows/shared/conversation.js';
import type { TokenUsage } from '../../workflows/shared/usage.js';

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
