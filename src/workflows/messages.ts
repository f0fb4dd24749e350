/**
 * Every signal, update and query of `agentRun`, declared once and imported everywhere (workflow,
 * client, CLI, tests) so nothing refers to a handler by a string literal. The names are the
 * public contract: `temporal workflow signal --name approvalDecision` must keep working.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  ApprovalDecisionInput,
  ApprovalRecord,
  RunStatus,
  ToolRunContext,
  TranscriptMessage,
  TranscriptQueryInput,
} from './types.js';

/** Default task queue for workers and clients. */
export const DEFAULT_TASK_QUEUE = 'harness';

/** Workflow type name of a run. */
export const AGENT_RUN_WORKFLOW = 'agentRun';

/**
 * Fire-and-forget decision (works from `temporal workflow signal`). Signals cannot be refused, so
 * an invalid one is recorded in `status().ignoredDecisions` with the reason and changes nothing.
 */
export const approvalDecisionSignal = defineSignal<[ApprovalDecisionInput]>('approvalDecision');

/**
 * Synchronous decision. Its validator refuses unknown or already-decided approval ids and edits
 * that fail the tool's schema before anything enters history; the caller gets the reason.
 */
export const decideApprovalUpdate = defineUpdate<ApprovalRecord, [ApprovalDecisionInput]>(
  'decideApproval',
);

/** The run's state, pending approvals, decisions, output or error. */
export const statusQuery = defineQuery<RunStatus>('status');

/** The conversation so far. Model-call activities read it here instead of carrying it in history. */
export const transcriptQuery = defineQuery<TranscriptMessage[], [TranscriptQueryInput?]>('transcript');

/** The run's context, agent state and files, read by tool-call activities (kept out of their inputs). */
export const toolContextQuery = defineQuery<ToolRunContext>('toolContext');

/** Input of `eventLog`: events from this offset on. */
export interface EventLogQueryInput {
  fromOffset?: number;
}

/**
 * The run's event stream as stored (payloads base64-encoded, as the stream's poll returns them).
 * Subscribers long-poll the stream while the run is open; a finished run cannot take polls, so
 * its events are read here.
 */
export const eventLogQuery = defineQuery<{ items: { topic: string; data: string; offset: number }[]; nextOffset: number }, [EventLogQueryInput?]>(
  'eventLog',
);
