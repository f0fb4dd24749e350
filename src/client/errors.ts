/** Errors the client raises: each has a stable `code` to branch on and a message that says what to do. */

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
  | 'THREAD_BUSY'
  | 'INVALID_SCHEDULE'
  | 'SCHEDULE_NOT_FOUND'
  | 'SCHEDULE_ALREADY_EXISTS';

export class HarnessClientError extends Error {
  override readonly name: string = 'HarnessClientError';
  constructor(
    readonly code: HarnessClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A decision the run refused (unknown or decided approval id, bad edit input, finished run). */
export class DecisionRejectedError extends HarnessClientError {
  override readonly name = 'DecisionRejectedError';
}

/** `result()` of a run that failed or was cancelled; `message` is the run's own error. */
export class RunFailedError extends HarnessClientError {
  override readonly name = 'RunFailedError';
}

export function isHarnessClientError(err: unknown): err is HarnessClientError {
  return err instanceof HarnessClientError;
}
