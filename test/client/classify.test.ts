/**
 * The client's one classifier, fed the SDK's own error objects (as the SDK builds them) and
 * gRPC errors shaped as @grpc/grpc-js builds them (code, details, metadata).
 */
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ServiceError,
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import {
  ApplicationFailure,
  CancelledFailure,
  NamespaceNotFoundError,
  RetryState,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { classifyTemporalError, type FailureSubject } from '../../src/client/classify.js';
import { DecisionRejectedError, HarnessClientError, RunFailedError, ThreadError } from '../../src/client/errors.js';
import { CodecError } from '../../src/codec/errors.js';

const run: FailureSubject = { kind: 'run', id: 'run-1' };
const thread: FailureSubject = { kind: 'thread', id: 'support-42' };

/** A gRPC status error as @grpc/grpc-js's `callErrorFromStatus` builds it. */
function grpcError(code: number, name: string, details: string): Error {
  return Object.assign(new Error(`${code} ${name}: ${details}`), { code, details, metadata: { internalRepr: new Map() } });
}

function classified(err: unknown, subject: FailureSubject) {
  const out = classifyTemporalError(err, subject);
  expect(out).toBeInstanceOf(HarnessClientError);
  const e = out as HarnessClientError;
  // The SDK error stays reachable for debugging.
  expect(e.cause).toBe(err);
  return e;
}

describe('classifyTemporalError', () => {
  it('WorkflowNotFoundError: RUN_NOT_FOUND for a run, ThreadError THREAD_NOT_FOUND for a thread', () => {
    const notFound = new WorkflowNotFoundError('workflow not found for ID: run-1', 'run-1', undefined);
    const e = classified(notFound, run);
    expect(e.code).toBe('RUN_NOT_FOUND');
    expect(e.message).toBe('No run "run-1".');
    expect(e.cause).toBe(notFound);
    const t = classified(new WorkflowNotFoundError('not found', 'thread-support-42', undefined), thread);
    expect(t).toBeInstanceOf(ThreadError);
    expect(t.code).toBe('THREAD_NOT_FOUND');
    expect(t.message).toBe('No thread "support-42"; send it a message first.');
  });

  it('WorkflowExecutionAlreadyStartedError: RUN_ALREADY_EXISTS / THREAD_ALREADY_EXISTS', () => {
    const started = new WorkflowExecutionAlreadyStartedError('Workflow execution already started', 'run-1', 'agentRun');
    expect(classified(started, run).code).toBe('RUN_ALREADY_EXISTS');
    const t = classified(started, thread);
    expect(t).toBeInstanceOf(ThreadError);
    expect(t.code).toBe('THREAD_ALREADY_EXISTS');
  });

  it('schedule errors: SCHEDULE_NOT_FOUND / SCHEDULE_ALREADY_EXISTS', () => {
    const schedule: FailureSubject = { kind: 'schedule', id: 'nightly' };
    expect(classified(new ScheduleNotFoundError('Schedule not found', 'nightly'), schedule)).toMatchObject({
      code: 'SCHEDULE_NOT_FOUND',
      message: 'No schedule "nightly" in this namespace.',
    });
    expect(classified(new ScheduleAlreadyRunning('Schedule already exists and is running', 'nightly'), schedule).code).toBe('SCHEDULE_ALREADY_EXISTS');
  });

  it('NamespaceNotFoundError: NAMESPACE_NOT_FOUND naming the namespace', () => {
    const e = classified(new NamespaceNotFoundError('tenant-a'), { kind: 'namespace', id: 'tenant-a' });
    expect(e.code).toBe('NAMESPACE_NOT_FOUND');
    expect(e.message).toBe('Namespace "tenant-a" does not exist on the Temporal server.');
  });

  it('WorkflowFailedError: RunFailedError RUN_FAILED with the run error, RUN_CANCELLED for a cancellation', () => {
    const failed = new WorkflowFailedError('Workflow execution failed', ApplicationFailure.create({ message: 'Tool refund crashed' }), RetryState.NON_RETRYABLE_FAILURE);
    const e = classified(failed, run);
    expect(e).toBeInstanceOf(RunFailedError);
    expect(e).toMatchObject({ code: 'RUN_FAILED', message: 'Run run-1 failed: Tool refund crashed' });
    const cancelled = new WorkflowFailedError('Workflow execution cancelled', new CancelledFailure('cancelled'), RetryState.NON_RETRYABLE_FAILURE);
    expect(classified(cancelled, run)).toMatchObject({ code: 'RUN_CANCELLED', message: 'Run run-1 was cancelled' });
  });

  it('WorkflowUpdateFailedError: the failure type is the code (a refused decision, or a refused thread submission)', () => {
    const refused = (type: string) =>
      new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message: `refused: ${type}`, nonRetryable: true }));
    const decision = classified(refused('UNKNOWN_APPROVAL'), run);
    expect(decision).toBeInstanceOf(DecisionRejectedError);
    expect(decision).toMatchObject({ code: 'UNKNOWN_APPROVAL', message: 'refused: UNKNOWN_APPROVAL' });
    const busy = classified(refused('THREAD_BUSY'), thread);
    expect(busy).not.toBeInstanceOf(ThreadError);
    expect(busy.code).toBe('THREAD_BUSY');
    expect(classified(refused('INVALID_SUBMISSION'), thread)).toBeInstanceOf(ThreadError);
  });

  it('WorkflowUpdateRPCTimeoutOrCancelledError: UPDATE_TIMEOUT, saying the update may have been applied', () => {
    const timeout = new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled', {
      cause: grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded'),
    });
    const e = classified(timeout, run);
    expect(e.code).toBe('UPDATE_TIMEOUT');
    expect(e.message).toMatch(/^Run "run-1" did not answer in time: no worker seems to serve its task queue\. It may or may not have taken the update/);
  });

  it('DEADLINE_EXCEEDED: QUERY_TIMEOUT for a query, TEMPORAL_TIMEOUT for other calls', () => {
    const deadline = new ServiceError('Failed to query Workflow', { cause: grpcError(4, 'DEADLINE_EXCEEDED', 'Deadline exceeded') });
    expect(classified(deadline, { ...run, call: 'query' }).code).toBe('QUERY_TIMEOUT');
    expect(classified(deadline, run).code).toBe('TEMPORAL_TIMEOUT');
  });

  it('CANCELLED after the call\'s deadline passed is that deadline (grpc-js reports some so); before it, or without one, it is not', () => {
    const cancelled = new ServiceError('Failed to query Workflow', { cause: grpcError(1, 'CANCELLED', 'Call cancelled') });
    expect(classified(cancelled, { ...run, call: 'query', deadline: Date.now() - 1 }).code).toBe('QUERY_TIMEOUT');
    expect(classifyTemporalError(cancelled, { ...run, call: 'query', deadline: new Date(Date.now() + 60_000) })).toBe(cancelled);
    expect(classifyTemporalError(cancelled, { ...run, call: 'query' })).toBe(cancelled);
  });

  it('UNAVAILABLE: TEMPORAL_UNAVAILABLE; PERMISSION_DENIED and UNAUTHENTICATED: TEMPORAL_ACCESS_DENIED', () => {
    const unavailable = new ServiceError('Failed to query Workflow', { cause: grpcError(14, 'UNAVAILABLE', 'No connection established') });
    expect(classified(unavailable, run)).toMatchObject({
      code: 'TEMPORAL_UNAVAILABLE',
      message: 'The Temporal server is unreachable (No connection established); retry once it is back.',
    });
    expect(classified(grpcError(7, 'PERMISSION_DENIED', 'Request unauthorized.'), run).code).toBe('TEMPORAL_ACCESS_DENIED');
    expect(classified(new ServiceError('Failed to start', { cause: grpcError(16, 'UNAUTHENTICATED', 'bad key') }), run).code).toBe('TEMPORAL_ACCESS_DENIED');
  });

  it('a connection that never came up: TEMPORAL_UNAVAILABLE with what went wrong', () => {
    const server: FailureSubject = { kind: 'server', id: '127.0.0.1:1' };
    // What @grpc/grpc-js's waitForReady rejects with.
    expect(classified(new Error('Failed to connect before the deadline'), server).message).toBe(
      'Cannot reach the Temporal server at 127.0.0.1:1 (no answer before the connect timeout).',
    );
    // What the worker's native connection throws.
    const transport = Object.assign(new Error('tcp connect error: Connection refused (os error 111)'), { name: 'TransportError' });
    expect(classified(transport, server).message).toBe('Cannot reach the Temporal server at 127.0.0.1:1 (connection refused).');
  });

  it('an encrypted payload without a key: ENCRYPTION_KEY_REQUIRED; a CodecError in the chain is returned itself', () => {
    const unknown = new Error('Unknown encoding: binary/encrypted');
    expect(classified(new ServiceError('Failed to query Workflow', { cause: unknown }), run)).toMatchObject({ code: 'ENCRYPTION_KEY_REQUIRED' });
    const codec = new CodecError('UNKNOWN_ENCRYPTION_KEY', 'Payload key id k2 is not configured here.');
    expect(classifyTemporalError(new Error('decode failed', { cause: codec }), run)).toBe(codec);
  });

  it("returns the library's own errors and anything unknown unchanged", () => {
    const own = new HarnessClientError('WAIT_TIMEOUT', 'late');
    expect(classifyTemporalError(own, run)).toBe(own);
    const unknown = new TypeError('boom');
    expect(classifyTemporalError(unknown, run)).toBe(unknown);
    expect(classifyTemporalError('text', run)).toBe('text');
    const cyclic = new Error('a');
    (cyclic as { cause?: unknown }).cause = cyclic;
    expect(classifyTemporalError(cyclic, run)).toBe(cyclic);
  });
});
