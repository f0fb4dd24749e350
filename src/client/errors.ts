/**
 * Errors the client raises: each has a stable `code` to branch on and a message that says what
 * to do, without naming any CLI flag (the CLI adds its own hints). SDK and gRPC failures become
 * these errors in one place, `classify.ts`; the CLI and the HTTP API only map codes to output.
 */
import { HarnessError } from '../common/errors.js';
import type { ForkErrorCode } from '../workflows/run/fork.js';

/** Every code a {@link HarnessClientError} (or a subclass) carries. */
export type HarnessClientErrorCode =
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_ACTIVE'
  | 'RUN_ALREADY_EXISTS'
  | 'UNKNOWN_AGENT'
  | 'RUN_FAILED'
  | 'RUN_CANCELLED'
  | 'NO_PENDING_APPROVAL'
  | 'AMBIGUOUS_APPROVAL'
  | 'WAIT_TIMEOUT'
  | 'INVALID_THREAD_ID'
  | 'INVALID_SUBMISSION'
  | 'THREAD_NOT_FOUND'
  | 'THREAD_ALREADY_EXISTS'
  | 'FILE_TOO_LARGE'
  | 'INVALID_FILE'
  | 'INVALID_DECISION_PAYLOAD'
  | 'DECISION_TOO_LARGE'
  | 'UNKNOWN_APPROVAL'
  | 'APPROVAL_ALREADY_DECIDED'
  | 'INVALID_EDIT_INPUT'
  | 'APPROVER_NOT_ALLOWED'
  /** The approval needs several distinct approvers and this one already approved it. */
  | 'APPROVER_ALREADY_VOTED'
  /** `answer`: no such pending `ask_human` question in the run. */
  | 'UNKNOWN_QUESTION'
  | 'QUESTION_ALREADY_ANSWERED'
  /** `answer`: the run ended (cancelled, failed, timed out) and closed the question unanswered. */
  | 'QUESTION_CLOSED'
  /** `answer`: empty or oversized answer, or a malformed payload. */
  | 'INVALID_ANSWER'
  /** `supplyToolResult`: no such pending client tool call, or it has its result already. */
  | 'UNKNOWN_TOOL_CALL'
  | 'TOOL_RESULT_ALREADY_SUPPLIED'
  /** `supplyToolResult`: the run ended and closed the call without a result. */
  | 'TOOL_CALL_CLOSED'
  /** `supplyToolResult`: a malformed result, or one failing the tool's output schema. */
  | 'INVALID_TOOL_RESULT'
  /** `supplyToolResult`: the result is over `CLIENT_TOOL_LIMITS.resultBytes` as JSON. */
  | 'TOOL_RESULT_TOO_LARGE'
  /** No such grant of that agent (`AgentGrants.revoke`). */
  | 'GRANT_NOT_FOUND'
  | 'THREAD_BUSY'
  | 'INVALID_SCHEDULE'
  | 'SCHEDULE_NOT_FOUND'
  | 'SCHEDULE_ALREADY_EXISTS'
  /** A query got no answer in time: no worker seems to serve the run's task queue. */
  | 'QUERY_TIMEOUT'
  /** An update got no answer in time; it may or may not have been applied (read the status). */
  | 'UPDATE_TIMEOUT'
  /** Another call to Temporal ran out of time. */
  | 'TEMPORAL_TIMEOUT'
  /** The Temporal server cannot be reached (refused, unknown host, gone away). */
  | 'TEMPORAL_UNAVAILABLE'
  /** The Temporal server refused the credentials (API key, client certificate) or the namespace access. */
  | 'TEMPORAL_ACCESS_DENIED'
  /** The namespace does not exist on the server. */
  | 'NAMESPACE_NOT_FOUND'
  /** Payloads are encrypted and this process has no key configured. */
  | 'ENCRYPTION_KEY_REQUIRED'
  /**
   * The Temporal server refused a payload over its size limits (its blob cap, `limit.blobSize.error`,
   * or the 4 MB gRPC message limit); nothing was sent to the run.
   */
  | 'PAYLOAD_TOO_LARGE'
  /**
   * The server took an update but the workflow task carrying it failed (most often: its payload is
   * over the blob cap); the update was not applied.
   */
  | 'UPDATE_NOT_APPLIED'
  /** A content kept by reference was asked for, but this process has no payload store configured. */
  | 'PAYLOAD_STORE_REQUIRED'
  /** The run references no content with that blob id. */
  | 'CONTENT_NOT_FOUND'
  /** A fork that cannot be made (see {@link ForkError}). */
  | ForkErrorCode;

/**
 * A client call that failed in a way callers are expected to handle; branch on `code`.
 * @example
 * try {
 *   await harness.getRun(id).status();
 * } catch (e) {
 *   if (isHarnessClientError(e) && e.code === 'RUN_NOT_FOUND') return null;
 *   throw e;
 * }
 */
export class HarnessClientError<Code extends HarnessClientErrorCode = HarnessClientErrorCode> extends HarnessError<Code> {
  override readonly name: string = 'HarnessClientError';
}

/**
 * A decision the run refused: `UNKNOWN_APPROVAL`, `APPROVAL_ALREADY_DECIDED`, `INVALID_EDIT_INPUT`,
 * `APPROVER_NOT_ALLOWED`, `APPROVER_ALREADY_VOTED`, `INVALID_DECISION_PAYLOAD`, or `RUN_NOT_ACTIVE` for a finished run.
 * Also an answer (`UNKNOWN_QUESTION`, `QUESTION_ALREADY_ANSWERED`, `QUESTION_CLOSED`, `INVALID_ANSWER`) or a client tool
 * result (`UNKNOWN_TOOL_CALL`, `TOOL_RESULT_ALREADY_SUPPLIED`, `TOOL_CALL_CLOSED`, `INVALID_TOOL_RESULT`, `TOOL_RESULT_TOO_LARGE`) it refused.
 */
export class DecisionRejectedError extends HarnessClientError {
  override readonly name = 'DecisionRejectedError';
}

/**
 * A fork refused before anything started: a step the original does not have (`STEP_OUT_OF_RANGE`),
 * one still calling the model (`STEP_IN_PROGRESS`) or without tool calls (`STEP_WITHOUT_TOOL_CALLS`),
 * a step that belongs to the run a fork was made from (`STEP_IN_ORIGINAL`), a graph run
 * (`FORK_NOT_SUPPORTED`), a change to a call the step lacks (`UNKNOWN_TOOL_CALL`), an edited input
 * failing the tool's schema (`INVALID_FORK_INPUT`), a decision for a call needing no approval
 * (`DECISION_NOT_NEEDED`), a malformed or oversized request (`INVALID_FORK_REQUEST`, `FORK_TOO_LARGE`).
 * A missing original is a `HarnessClientError` `RUN_NOT_FOUND`.
 */
export class ForkError extends HarnessClientError<ForkErrorCode> {
  override readonly name = 'ForkError';
}

/** `result()` of a run that failed (`RUN_FAILED`) or was cancelled (`RUN_CANCELLED`); `message` is the run's own error. */
export class RunFailedError extends HarnessClientError {
  override readonly name = 'RunFailedError';
}

/** Codes of {@link ThreadError}. */
export type ThreadErrorCode = 'INVALID_THREAD_ID' | 'INVALID_SUBMISSION' | 'THREAD_NOT_FOUND' | 'THREAD_ALREADY_EXISTS';

/**
 * A thread call refused before or by the server: a malformed thread id or message, a thread that
 * does not exist, or a restart onto an id already taken. (A busy thread is a `HarnessClientError`
 * with code `THREAD_BUSY`; an unknown agent or a reused run id keep their `HarnessClientError` codes.)
 */
export class ThreadError extends HarnessClientError<ThreadErrorCode> {
  override readonly name = 'ThreadError';
}

/** Codes of {@link ConnectionConfigError}. */
export type ConnectionConfigErrorCode = 'TLS_FILE_NOT_FOUND' | 'TLS_INCOMPLETE' | 'INVALID_TLS_FLAG';

/** A connection setting in the environment is unusable; the message names the variable (never its value). */
export class ConnectionConfigError extends HarnessError<ConnectionConfigErrorCode> {
  override readonly name = 'ConnectionConfigError';
}

/** Codes of {@link DecisionLinkError}. */
export type DecisionLinkErrorCode = 'LINK_SECRET_MISSING' | 'INVALID_LINK_OPTIONS' | 'LINK_MALFORMED' | 'LINK_TAMPERED' | 'LINK_EXPIRED';

/**
 * A decision link that cannot be made or used: no signing secret, bad minting options, or a link
 * that is not one of ours (`LINK_MALFORMED`), was altered (`LINK_TAMPERED`) or has expired
 * (`LINK_EXPIRED`). A used link is refused by the run itself (`APPROVAL_ALREADY_DECIDED`,
 * `APPROVER_ALREADY_VOTED`) as a {@link DecisionRejectedError}.
 */
export class DecisionLinkError extends HarnessError<DecisionLinkErrorCode> {
  override readonly name = 'DecisionLinkError';
}

/** Whether `err` is a {@link DecisionLinkError}. */
export function isDecisionLinkError(err: unknown): err is DecisionLinkError {
  return err instanceof DecisionLinkError;
}

/** Whether `err` is a {@link HarnessClientError} (or a subclass: decisions, failed runs, threads). */
export function isHarnessClientError(err: unknown): err is HarnessClientError {
  return err instanceof HarnessClientError;
}

/** Whether `err` is a {@link ConnectionConfigError}. */
export function isConnectionConfigError(err: unknown): err is ConnectionConfigError {
  return err instanceof ConnectionConfigError;
}
