/** The HTTP layer only maps the library's codes to statuses; the client has classified Temporal's failures. */
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError, HarnessClientError, RunFailedError } from '../../src/client/errors.js';
import { CodecError } from '../../src/codec/errors.js';
import { HttpError, toHttpError } from '../../src/http/errors.js';

describe('toHttpError', () => {
  it.each([
    [new HarnessClientError('RUN_NOT_FOUND', 'No run "r".'), 404],
    [new HarnessClientError('UNKNOWN_AGENT', 'Unknown agent "x".'), 400],
    [new RunFailedError('RUN_CANCELLED', 'Run r was cancelled'), 409],
    [new DecisionRejectedError('UNKNOWN_APPROVAL', 'No approval "a".'), 409],
    [new DecisionRejectedError('INVALID_DECISION_PAYLOAD', 'decision must be approve, reject or edit'), 400],
    [new HarnessClientError('QUERY_TIMEOUT', 'Run "r" did not answer in time.'), 504],
    [new HarnessClientError('UPDATE_TIMEOUT', 'Run "r" did not answer in time.'), 504],
    [new HarnessClientError('TEMPORAL_UNAVAILABLE', 'The Temporal server is unreachable.'), 503],
    [new HarnessClientError('NAMESPACE_NOT_FOUND', 'Namespace "n" does not exist.'), 500],
    [new CodecError('UNKNOWN_ENCRYPTION_KEY', 'Payload key id k2 is not configured here.'), 500],
  ] as const)('%s → %i with its code and message', (err, status) => {
    const http = toHttpError(err);
    expect(http).toBeInstanceOf(HttpError);
    expect(http.status).toBe(status);
    expect(http.toBody()).toEqual({ error: { code: err.code, message: err.message } });
    expect(http.cause).toBe(err);
  });

  it('anything unclassified is a 500 INTERNAL; an HttpError passes as it is', () => {
    expect(toHttpError(new TypeError('x is undefined')).toBody()).toEqual({ error: { code: 'INTERNAL', message: 'Unexpected error: x is undefined' } });
    const own = new HttpError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large.');
    expect(toHttpError(own)).toBe(own);
  });
});
