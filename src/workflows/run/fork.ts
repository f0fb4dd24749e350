/**
 * The contract of forking a run: a new run that starts where step N of another run ended (the
 * model's message of that step, with its tool calls' inputs edited or decided differently), and
 * goes on from there on its own. The original is only read (the `stepForkPoint` query), never written
 * to; the fork reads the original's earlier messages by reference (`TranscriptRef`), so nothing of
 * them is copied into its history. Plain TypeScript: the workflow bundle includes this file.
 */
import { defineQuery } from '@temporalio/workflow';
import type { ApprovalDecisionInput, RunFile } from './contract.js';
import type { ToolCall, TranscriptMessage, TranscriptRef } from '../shared/conversation.js';

/** Which run a fork was made from, and at which step (`RunStatus.forkOf`, the run's memo `forkOf`). */
export interface ForkOf {
  /** The original's run id (workflow id). */
  workflowId: string;
  /** The Temporal run id of the original execution that was read, when known. */
  runId?: string;
  /** The original's step the fork starts after: its model message is the fork's first message. */
  step: number;
}

/** The model's message of a step, as a fork starts from it. */
export type StepMessage = Extract<TranscriptMessage, { role: 'assistant' }>;

/** What `AgentRunInput.fork` holds: set by `HarnessClient.fork`, never by hand. */
export interface ForkInput {
  of: ForkOf;
  /** The step's model message with the edited tool inputs applied: the fork's first message. */
  message: StepMessage;
  /** Ids of the tool calls whose input the fork edited (checked against the fork's tool schemas). */
  edited: string[];
  /** Decisions for the step's calls that need approval, applied as soon as the fork asks for them. */
  decisions?: ApprovalDecisionInput[];
}

/** A change to one tool call of the step a fork starts from. */
export interface ForkToolCallChange {
  /** The tool call's id (as `status`, events and `harness steps` show it). */
  id: string;
  /** The call's new input: the model's call as the fork has it (checked against the tool's schema). */
  input?: Record<string, unknown>;
  /** For a call that needs approval: decide it at once instead of asking (refused if the tool needs none). */
  decision?: 'approve' | 'reject';
  /** Why (recorded with the decision; on reject the model is told). */
  reason?: string;
}

/** What a caller asks of a fork (`HarnessClient.fork`, `POST /runs/:id/fork`, `harness fork`). */
export interface ForkRequest {
  /** The step of the original the fork starts after (1 = the first model call). */
  fromStep: number;
  /** Changes to that step's tool calls; none = the calls as the model made them, asked again. */
  toolCalls?: ForkToolCallChange[];
  /** Who decides (recorded with every `decision`; checked against the tools' approvers). */
  approver?: string;
  /** Roles the approver holds, for tools whose approvers list `role:<name>`. */
  approverRoles?: string[];
}

/**
 * Bounds of a fork: a request's JSON text (edited inputs included) in UTF-8 bytes, the step's
 * message as the fork carries it, and how many changes one request may hold.
 */
export const FORK_LIMITS = { requestBytes: 64 * 1024, messageBytes: 256 * 1024, toolCalls: 100 } as const;

/** Input of the `stepForkPoint` query: the step to fork from. */
export interface ForkPointQueryInput {
  step: number;
}

/** A step's tool, as the original run knew it: enough to check a fork's edits and decisions. */
export interface ForkPointTool {
  name: string;
  inputSchema: Record<string, unknown>;
  requiresApproval: boolean;
}

/** What a fork from one step of a run starts with: everything read from the original, once. */
export interface ForkPoint {
  /** The original's run id. */
  workflowId: string;
  /** The agent the original ran (the fork runs it too). */
  agentId: string;
  step: number;
  /** The original's steps so far. */
  steps: number;
  /** The original's first message (its preview when kept by reference): planning and policies read it. */
  input: string;
  context?: Record<string, unknown>;
  /** The agent state the original started with (tools' later updates are not replayed). */
  state?: Record<string, unknown>;
  files?: RunFile[];
  /** The messages before the step's model message, by reference. */
  history?: TranscriptRef;
  message: StepMessage;
  /** The step's tools, by name. */
  tools: ForkPointTool[];
}

/** Stable codes of a fork that cannot be made, as `ForkError.code` and HTTP problem codes. */
export type ForkErrorCode =
  | 'STEP_OUT_OF_RANGE'
  | 'STEP_IN_PROGRESS'
  | 'STEP_WITHOUT_TOOL_CALLS'
  | 'STEP_IN_ORIGINAL'
  | 'FORK_NOT_SUPPORTED'
  | 'UNKNOWN_TOOL_CALL'
  | 'INVALID_FORK_INPUT'
  | 'DECISION_NOT_NEEDED'
  | 'INVALID_FORK_REQUEST'
  | 'FORK_TOO_LARGE';

/** Why a fork cannot be made. */
export interface ForkProblem {
  code: ForkErrorCode;
  message: string;
}

/** What the `stepForkPoint` query answers: the point, or why there is none at that step. */
export type ForkPointReply = { ok: true; point: ForkPoint } | { ok: false; problem: ForkProblem };

/**
 * Where a fork from a step starts, read from the run without changing it (a query: the original
 * stays untouched, and may be closed).
 */
// Named to sort after `status`: the Web UI's Queries tab opens on the first query by name, and it
// should open on the run's status.
export const forkPointQuery = defineQuery<ForkPointReply, [ForkPointQueryInput]>('stepForkPoint');

/** One tool call of a step as `ForkPoint.message` has it. */
export type ForkToolCall = ToolCall;
