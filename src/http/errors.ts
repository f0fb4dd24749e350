/**
 * Errors of the HTTP API: one JSON shape for every 4xx/5xx (`{ error: { code, message, issues? } }`),
 * the client's stable codes mapped to statuses, and zod problems turned into issues with paths.
 */
import type { ZodError } from 'zod';
import { DecisionRejectedError, HarnessClientError } from '../client/errors.js';
import { HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/** HTTP statuses this API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 500 | 501 | 503 | 504;

/** Where in the request a validation problem is. */
export type IssueLocation = 'body' | 'query' | 'header' | 'path';

/** One validation problem: where it is and what is expected. */
export interface ValidationIssue {
  in: IssueLocation;
  /** Path inside that part of the request, e.g. `["context", "tenant"]`; `[]` = the part itself. */
  path: (string | number)[];
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    /** Stable: the client's codes (`RUN_NOT_FOUND`, `UNKNOWN_APPROVAL`…) or this layer's (`INVALID_REQUEST`…). */
    code: string;
    message: string;
    /** With `INVALID_REQUEST`: every problem found, each with its path. */
    issues?: ValidationIssue[];
  };
}

/** An error with the HTTP status and code to answer with. */
export class HttpError extends HarnessError {
  override readonly name = 'HttpError';
  /**
   * @param status - the response status.
   * @param code - stable: the client's code or this layer's (`INVALID_REQUEST`, `NOT_FOUND`…).
   * @param issues - with `INVALID_REQUEST`: every validation problem, each with its path.
   */
  constructor(
    readonly status: ErrorStatus,
    code: string,
    message: string,
    readonly issues?: ValidationIssue[],
    options?: HarnessErrorOptions,
  ) {
    super(code, message, options);
  }

  /** The JSON body of the response. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues && { issues: this.issues }) } };
  }
}

/**
 * Statuses of the library's codes that are not 400. Client errors not listed are the caller's
 * input (400); the library's other errors (codec, workspace, memory…) are the server's (500).
 */
const STATUS_BY_CODE: Readonly<Record<string, ErrorStatus>> = {
  RUN_NOT_FOUND: 404,
  CONTENT_NOT_FOUND: 404,
  THREAD_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  GRANT_NOT_FOUND: 404,
  RUN_ALREADY_EXISTS: 409,
  THREAD_ALREADY_EXISTS: 409,
  THREAD_BUSY: 409,
  RUN_NOT_ACTIVE: 409,
  NO_PENDING_APPROVAL: 409,
  AMBIGUOUS_APPROVAL: 409,
  RUN_FAILED: 409,
  RUN_CANCELLED: 409,
  STEP_IN_PROGRESS: 409,
  FILE_TOO_LARGE: 413,
  FORK_TOO_LARGE: 413,
  PAYLOAD_TOO_LARGE: 413,
  UPDATE_NOT_APPLIED: 413,
  LINK_MALFORMED: 400,
  INVALID_LINK_OPTIONS: 400,
  LINK_TAMPERED: 403,
  LINK_EXPIRED: 410,
  LINK_SECRET_MISSING: 501,
  WAIT_TIMEOUT: 504,
  QUERY_TIMEOUT: 504,
  UPDATE_TIMEOUT: 504,
  TEMPORAL_TIMEOUT: 504,
  TEMPORAL_UNAVAILABLE: 503,
  TEMPORAL_ACCESS_DENIED: 500,
  NAMESPACE_NOT_FOUND: 500,
  ENCRYPTION_KEY_REQUIRED: 500,
  PAYLOAD_STORE_REQUIRED: 500,
};

/**
 * The HTTP error for anything a handler throws. The client has already classified Temporal's
 * failures into coded errors, so this only maps codes to statuses: a refused decision is a 409
 * with the run's reason (400 for a malformed one), a query no worker answered a 504, an
 * unreachable server a 503, anything unknown a 500.
 */
/** Refusals that are the request's fault (its shape or content), not the run's state. */
const BAD_REQUEST_CODES: ReadonlySet<string> = new Set(['INVALID_DECISION_PAYLOAD', 'INVALID_ANSWER', 'INVALID_TOOL_RESULT']);

export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DecisionRejectedError) {
    // The body is validated like the update first, so this is the run refusing the decision.
    const status = BAD_REQUEST_CODES.has(err.code) ? 400 : err.code === 'DECISION_TOO_LARGE' || err.code === 'TOOL_RESULT_TOO_LARGE' ? 413 : 409;
    return new HttpError(status, err.code, err.message, undefined, { cause: err });
  }
  if (err instanceof HarnessError) {
    const fallback = err instanceof HarnessClientError ? 400 : 500;
    return new HttpError(STATUS_BY_CODE[err.code] ?? fallback, err.code, err.message, undefined, { cause: err });
  }
  const detail = err instanceof Error ? err.message || err.name : String(err);
  return new HttpError(500, 'INTERNAL', `Unexpected error: ${detail}`, undefined, { cause: err });
}

/** Turns a zod error into issues; an unknown field gets one issue with its own path. */
export function issuesFrom(error: ZodError, location: IssueLocation): ValidationIssue[] {
  return error.issues.flatMap((issue): ValidationIssue[] => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ in: location, path: [...path, key], message: 'unknown field' }));
    }
    return [{ in: location, path, message: issue.message }];
  });
}

/** A 400 `INVALID_REQUEST` listing every issue (its message names each path). */
export function invalidRequest(issues: ValidationIssue[]): HttpError {
  const summary = issues.map((i) => `${[i.in, ...i.path].join('.')}: ${i.message}`).join('; ');
  return new HttpError(400, 'INVALID_REQUEST', `Invalid request: ${summary}`, issues);
}

/** Stable codes of token configuration errors. */
export type ApiTokensErrorCode = 'INVALID_API_TOKENS';

/** The token configuration cannot be used; the message names the entry (never the token). */
export class ApiTokensError extends HarnessError<ApiTokensErrorCode> {
  override readonly name = 'ApiTokensError';
  constructor(message: string, options?: HarnessErrorOptions) {
    super('INVALID_API_TOKENS', message, options);
  }
}
