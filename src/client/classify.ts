/**
 * The one place where Temporal SDK and gRPC failures become the client's coded errors. Every
 * client call passes what it caught through {@link classifyTemporalError}; the CLI and the HTTP
 * API then only map codes to exit lines and statuses. Recognition uses the SDK's own classes and
 * predicates (`WorkflowNotFoundError`, `ScheduleNotFoundError`, `isGrpcServiceError`…) and the
 * standard gRPC status codes; message text is only read where the SDK offers nothing else
 * (the channel's "Failed to connect before the deadline", a payload with an unknown encoding).
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  NamespaceNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { isCodecError } from '../codec/errors.js';
import { isHarnessError } from '../common/errors.js';
import {
  DecisionRejectedError,
  HarnessClientError,
  RunFailedError,
  ThreadError,
  type HarnessClientErrorCode,
} from './errors.js';

/** What a failed call was about, so the error can name it and pick the right code. */
export interface FailureSubject {
  /** The kind of thing the call was about. */
  kind: 'run' | 'thread' | 'schedule' | 'namespace' | 'server';
  /** Its id: run id, thread id, schedule id, namespace (listing calls), or the server address (connecting). */
  id: string;
  /**
   * What the call did: a query that times out means no worker answers; an update that times out
   * may or may not have been applied. @default 'other'
   */
  call?: 'query' | 'update' | 'other';
  /**
   * The call's deadline (`connection.withDeadline`), when it had one: grpc-js sometimes reports a
   * deadline that passed as CANCELLED ("Call cancelled") rather than DEADLINE_EXCEEDED.
   */
  deadline?: number | Date;
}

/** Standard gRPC status codes (grpc/doc/statuscodes.md) the classifier tells apart. */
const GRPC_STATUS = {
  INVALID_ARGUMENT: 3,
  CANCELLED: 1,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

/** What to do about a payload the server refused for its size (the same advice on every path). */
const SIZE_HINT =
  'The Temporal server caps each payload (limit.blobSize.error: 256 KiB on the embedded dev server, 2 MB on Temporal Cloud and by default) ' +
  'and each gRPC message at 4 MB. Send large data by reference instead: files by path or URL (RunFile), and keep a decision to an approval id, ' +
  'the decision, a short reason and an edited input under 64 KiB.';

/**
 * Turns what a Temporal call threw into the client's coded error, or returns `err` unchanged
 * when it is nothing the client knows (the caller rethrows it). Errors of this library pass
 * through as they are; a `CodecError` anywhere in the cause chain is returned itself.
 * @example
 * try {
 *   return await handle.query(statusQuery);
 * } catch (err) {
 *   throw classifyTemporalError(err, { kind: 'run', id: runId, call: 'query' });
 * }
 */
export function classifyTemporalError(err: unknown, subject: FailureSubject): unknown {
  if (isHarnessError(err)) return err;
  const codec = causes(err).find(isCodecError);
  if (codec) return codec;
  const known = fromSdkError(err, subject) ?? fromGrpcStatus(err, subject) ?? fromConnectionText(err, subject);
  if (known) return known;
  if (causes(err).some((e) => /Unknown encoding: binary\/encrypted/.test(e.message))) {
    return new HarnessClientError(
      'ENCRYPTION_KEY_REQUIRED',
      `The data of ${describe(subject)} is encrypted and no key is configured here: set HARNESS_ENCRYPTION_KEY (and HARNESS_ENCRYPTION_KEY_ID) ` +
        'or HARNESS_ENCRYPTION_KEYS to the keys the workers use.',
      { cause: err },
    );
  }
  return err;
}

function fromSdkError(err: unknown, s: FailureSubject): HarnessClientError | undefined {
  const what = describe(s);
  if (err instanceof WorkflowNotFoundError) {
    if (s.kind === 'thread') return new ThreadError('THREAD_NOT_FOUND', `No ${what}; send it a message first.`, { cause: err });
    return new HarnessClientError('RUN_NOT_FOUND', `No ${what}.`, { cause: err });
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    if (s.kind === 'thread') return new ThreadError('THREAD_ALREADY_EXISTS', `${cap(what)} already exists; pick another id or omit it.`, { cause: err });
    return new HarnessClientError('RUN_ALREADY_EXISTS', `A run with id "${s.id}" already exists; pick another id or omit it.`, { cause: err });
  }
  if (err instanceof ScheduleNotFoundError) return new HarnessClientError('SCHEDULE_NOT_FOUND', `No ${what} in this namespace.`, { cause: err });
  if (err instanceof ScheduleAlreadyRunning) {
    return new HarnessClientError('SCHEDULE_ALREADY_EXISTS', `A schedule with id "${s.id}" already exists; delete it first or pick another id.`, { cause: err });
  }
  if (err instanceof NamespaceNotFoundError) {
    return new HarnessClientError('NAMESPACE_NOT_FOUND', `Namespace "${err.namespace}" does not exist on the Temporal server.`, { cause: err });
  }
  if (err instanceof WorkflowFailedError) {
    const cancelled = err.cause instanceof CancelledFailure;
    return new RunFailedError(
      cancelled ? 'RUN_CANCELLED' : 'RUN_FAILED',
      cancelled ? `Run ${s.id} was cancelled` : `Run ${s.id} failed: ${err.cause?.message ?? err.message}`,
      { cause: err },
    );
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return refusedUpdate(err, err.cause, s);
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new HarnessClientError(
      'UPDATE_TIMEOUT',
      `${cap(what)} did not answer in time: no worker seems to serve its task queue. It may or may not have taken the update: read its status before retrying.`,
      { cause: err },
    );
  }
  return undefined;
}

/** An update the workflow's validator or handler refused: its failure type is our code. */
function refusedUpdate(err: Error, failure: ApplicationFailure, s: FailureSubject): HarnessClientError {
  const code = (failure.type ?? 'INVALID_DECISION_PAYLOAD') as HarnessClientErrorCode;
  if (s.kind === 'run') return new DecisionRejectedError(code, failure.message, { cause: err });
  if (code === 'INVALID_SUBMISSION') return new ThreadError(code, failure.message, { cause: err });
  return new HarnessClientError(code, failure.message, { cause: err });
}

function fromGrpcStatus(err: unknown, s: FailureSubject): HarnessClientError | undefined {
  const code = deadlinePassed(s) && grpcStatus(err) === GRPC_STATUS.CANCELLED ? GRPC_STATUS.DEADLINE_EXCEEDED : grpcStatus(err);
  const sizeRefusal = payloadSizeRefusal(err, code);
  if (sizeRefusal) {
    return new HarnessClientError('PAYLOAD_TOO_LARGE', `The Temporal server refused the call to ${describe(s)}: ${sizeRefusal}. Nothing was sent. ${SIZE_HINT}`, {
      cause: err,
    });
  }
  // Server 1.29 admits an update over the blob cap, then fails the workflow task that carries it.
  if (code === GRPC_STATUS.FAILED_PRECONDITION && s.call === 'update' && /unexpected workflow task failure/i.test(grpcDetail(err))) {
    return new HarnessClientError(
      'UPDATE_NOT_APPLIED',
      `The Temporal server could not deliver the update to ${describe(s)}: the workflow task carrying it failed, which most often means ` +
        `its payload is over the server's blob size limit. The update was not applied; the run is unchanged. ${SIZE_HINT}`,
      { cause: err },
    );
  }
  if (code === GRPC_STATUS.DEADLINE_EXCEEDED) {
    if (s.call === 'query') {
      return new HarnessClientError('QUERY_TIMEOUT', `${cap(describe(s))} did not answer in time: no worker seems to serve its task queue. Start one, then retry.`, {
        cause: err,
      });
    }
    return new HarnessClientError('TEMPORAL_TIMEOUT', `The Temporal server did not answer in time (${describe(s)}); retry.`, { cause: err });
  }
  if (code === GRPC_STATUS.UNAVAILABLE) {
    return new HarnessClientError('TEMPORAL_UNAVAILABLE', `The Temporal server is unreachable (${grpcDetail(err)}); retry once it is back.`, { cause: err });
  }
  if (code === GRPC_STATUS.PERMISSION_DENIED || code === GRPC_STATUS.UNAUTHENTICATED) {
    return new HarnessClientError(
      'TEMPORAL_ACCESS_DENIED',
      `The Temporal server refused the call (${grpcDetail(err)}): check the API key or client certificate (TEMPORAL_API_KEY, TEMPORAL_TLS_*) and the namespace.`,
      { cause: err },
    );
  }
  return undefined;
}

/** Whether the call had a deadline and it has passed (so a CANCELLED status was the deadline). */
function deadlinePassed(s: FailureSubject): boolean {
  return s.deadline !== undefined && Date.now() >= new Date(s.deadline).getTime();
}

/** Connection failures that reach us before any gRPC status exists. */
function fromConnectionText(err: unknown, s: FailureSubject): HarnessClientError | undefined {
  for (const e of causes(err)) {
    const problem = connectionProblem(e);
    if (problem) {
      const where = s.kind === 'server' ? ` at ${s.id}` : '';
      return new HarnessClientError('TEMPORAL_UNAVAILABLE', `Cannot reach the Temporal server${where} (${problem}).`, { cause: err });
    }
  }
  return undefined;
}

/**
 * Recognises the ways the SDKs say "nothing answers at that address": the client's channel
 * (`waitForReady`) and the worker's native connection (`TransportError`) carry no gRPC status.
 */
function connectionProblem(err: Error): string | undefined {
  const text = `${err.name} ${err.message}`;
  if (/Connection refused|ECONNREFUSED/.test(text)) return 'connection refused';
  if (/dns error|ENOTFOUND|Name or service not known/.test(text)) return 'host not found';
  if (/Failed to connect before the deadline/i.test(text)) return 'no answer before the connect timeout';
  if (/tcp connect error|TransportError/i.test(text)) return 'transport error';
  return undefined;
}

/**
 * The gRPC status of `err` or of the first cause that has one (the SDK wraps them in `ServiceError`).
 * Like the SDK's `isGrpcDeadlineError`, but over a bounded chain: that one loops forever on a cyclic cause.
 */
function grpcStatus(err: unknown): number | undefined {
  return causes(err).find(isGrpcServiceError)?.code;
}

/**
 * The server's size refusals: the blob cap (INVALID_ARGUMENT "Blob data size exceeds limit") and
 * the gRPC message limit (RESOURCE_EXHAUSTED "received message larger than max"). The status
 * codes alone say too little (both have other meanings), so the detail text decides.
 */
function payloadSizeRefusal(err: unknown, code: number | undefined): string | undefined {
  const detail = grpcDetail(err);
  if (code === GRPC_STATUS.INVALID_ARGUMENT && /size exceeds limit/i.test(detail)) return `a payload is over its blob size limit ("${detail}")`;
  if (code === GRPC_STATUS.RESOURCE_EXHAUSTED && /larger than max/i.test(detail)) return `the message is over the 4 MB gRPC limit ("${detail}")`;
  return undefined;
}

function grpcDetail(err: unknown): string {
  const grpc = causes(err).find(isGrpcServiceError);
  return grpc?.details || (err instanceof ServiceError ? err.message : 'no detail');
}

/** `err` and its causes, outermost first (bounded: cause chains can be cyclic). */
function causes(err: unknown): Error[] {
  const chain: Error[] = [];
  for (let e: unknown = err; e instanceof Error && chain.length < 8 && !chain.includes(e); e = e.cause) chain.push(e);
  return chain;
}

function describe(s: FailureSubject): string {
  return s.kind === 'server' ? `the Temporal server at ${s.id}` : `${s.kind} "${s.id}"`;
}

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
