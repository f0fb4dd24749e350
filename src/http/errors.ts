/**
 * Errors of the HTTP API: one JSON shape for every 4xx/5xx (`{ error: { code, message, issues? } }`),
 * the client's stable codes mapped to statuses, and zod problems turned into issues with paths.
 */
import type { ZodError } from 'zod';
import { DecisionRejectedError, HarnessClientError } from '../client/errors.js';

/** HTTP statuses this API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503 | 504;

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
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly issues?: ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The JSON body of the response. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues && { issues: this.issues }) } };
  }
}

/** Client error codes whose status is not 400. */
const STATUS_BY_CODE: Readonly<Record<string, ErrorStatus>> = {
  RUN_NOT_FOUND: 404,
  THREAD_NOT_FOUND: 404,
  RUN_ALREADY_EXISTS: 409,
  THREAD_ALREADY_EXISTS: 409,
  THREAD_BUSY: 409,
  RUN_NOT_ACTIVE: 409,
  NO_PENDING_APPROVAL: 409,
  AMBIGUOUS_APPROVAL: 409,
  RUN_FAILED: 409,
  RUN_CANCELLED: 409,
  FILE_TOO_LARGE: 413,
  WAIT_TIMEOUT: 504,
};

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * The HTTP error for anything a handler throws: client errors keep their code (a refused decision
 * is a 409 with the run's reason), a query no worker answered is a 504, anything else a 500.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DecisionRejectedError) {
    // The body is validated like the update first, so this is the run refusing the decision.
    return new HttpError(err.code === 'INVALID_DECISION_PAYLOAD' ? 400 : 409, err.code, err.message, undefined, { cause: err });
  }
  if (err instanceof HarnessClientError) return new HttpError(STATUS_BY_CODE[err.code] ?? 400, err.code, err.message, undefined, { cause: err });
  if (err instanceof Error && err.name === 'WorkflowNotFoundError') {
    return new HttpError(404, 'RUN_NOT_FOUND', `No such run (${err.message}).`, undefined, { cause: err });
  }
  const grpc = grpcCode(err);
  if (grpc === GRPC_DEADLINE_EXCEEDED) {
    return new HttpError(
      504,
      'QUERY_TIMEOUT',
      'The run did not answer in time: no worker seems to serve its task queue. Start one with `harness worker` (or `harness dev`), then retry.',
      undefined,
      { cause: err },
    );
  }
  if (grpc === GRPC_UNAVAILABLE) {
    return new HttpError(503, 'TEMPORAL_UNAVAILABLE', 'The Temporal server is unreachable; retry once it is back.', undefined, { cause: err });
  }
  const detail = err instanceof Error ? err.message || err.name : String(err);
  return new HttpError(500, 'INTERNAL', `Unexpected error: ${detail}`, undefined, { cause: err });
}

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
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
