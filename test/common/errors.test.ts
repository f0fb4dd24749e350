/** The one error model: a shared base with a stable code, the cause, the class name, and guards. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import {
  ConnectionConfigError,
  DecisionRejectedError,
  HarnessClientError,
  RunFailedError,
  ThreadError,
  isConnectionConfigError,
  isHarnessClientError,
} from '../../src/client/errors.js';
import { CodecError, isCodecError } from '../../src/codec/errors.js';
import { PayloadStoreError } from '../../src/payloads/errors.js';
import { HarnessError, InvalidDurationError, isHarnessError } from '../../src/common/errors.js';
import { DevServerStartError, TemporalBinaryNotFoundError } from '../../src/devserver/errors.js';
import { HttpError } from '../../src/http/errors.js';
import { MemoryError, isMemoryError } from '../../src/memory/errors.js';
import { ModelConfigError, ScriptExhaustedError } from '../../src/models/errors.js';
import { WorkspaceError, isWorkspaceError } from '../../src/workspace/errors.js';

describe('HarnessError', () => {
  it('carries the code, the message, the cause and its class name', () => {
    const cause = new Error('socket closed');
    const err = new HarnessError('SOMETHING_BROKE', 'It broke; do this to fix it.', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe('SOMETHING_BROKE');
    expect(err.message).toBe('It broke; do this to fix it.');
    expect(err.cause).toBe(cause);
    expect(err.name).toBe('HarnessError');
    expect(String(err)).toBe('HarnessError: It broke; do this to fix it.');
    expect(err.stack).toContain('errors.test.ts');
  });

  it('has no own cause property when none is given', () => {
    expect(Object.hasOwn(new HarnessError('X', 'x'), 'cause')).toBe(false);
  });

  it('isHarnessError tells library errors from others, by code when codes are given', () => {
    const err = new HarnessClientError('RUN_NOT_FOUND', 'No run "r".');
    expect(isHarnessError(err)).toBe(true);
    expect(isHarnessError(err, 'RUN_NOT_FOUND', 'THREAD_NOT_FOUND')).toBe(true);
    expect(isHarnessError(err, 'THREAD_NOT_FOUND')).toBe(false);
    expect(isHarnessError(Object.assign(new Error('x'), { code: 'RUN_NOT_FOUND' }))).toBe(false);
    expect(isHarnessError('RUN_NOT_FOUND')).toBe(false);
  });
});

describe('every layer extends it', () => {
  const cause = new Error('root');
  const cases: [HarnessError, string, string][] = [
    [new HarnessClientError('RUN_NOT_FOUND', 'm', { cause }), 'HarnessClientError', 'RUN_NOT_FOUND'],
    [new DecisionRejectedError('UNKNOWN_APPROVAL', 'm', { cause }), 'DecisionRejectedError', 'UNKNOWN_APPROVAL'],
    [new RunFailedError('RUN_FAILED', 'm', { cause }), 'RunFailedError', 'RUN_FAILED'],
    [new ThreadError('THREAD_NOT_FOUND', 'm', { cause }), 'ThreadError', 'THREAD_NOT_FOUND'],
    [new ConnectionConfigError('TLS_INCOMPLETE', 'm', { cause }), 'ConnectionConfigError', 'TLS_INCOMPLETE'],
    [new CliError('INVALID_JSON', 'm', { cause }), 'CliError', 'INVALID_JSON'],
    [new HttpError(400, 'INVALID_REQUEST', 'm', undefined, { cause }), 'HttpError', 'INVALID_REQUEST'],
    [new CodecError('DECRYPTION_FAILED', 'm', { cause }), 'CodecError', 'DECRYPTION_FAILED'],
    [new PayloadStoreError('BLOB_NOT_FOUND', 'm', { cause }), 'PayloadStoreError', 'BLOB_NOT_FOUND'],
    [new WorkspaceError('WORKSPACE_INVALID', 'h.yaml', [{ path: 'agents', message: 'm' }], { cause }), 'WorkspaceError', 'WORKSPACE_INVALID'],
    [new MemoryError('MEMORY_CONFIG', 'm', { cause }), 'MemoryError', 'MEMORY_CONFIG'],
    [new ModelConfigError('MODEL_CONFIG', 'm', { cause }), 'ModelConfigError', 'MODEL_CONFIG'],
    [new ScriptExhaustedError('SCRIPT_EXHAUSTED', 'm', { cause }), 'ScriptExhaustedError', 'SCRIPT_EXHAUSTED'],
    [new TemporalBinaryNotFoundError('TEMPORAL_BINARY_NOT_FOUND', 'm', { cause }), 'TemporalBinaryNotFoundError', 'TEMPORAL_BINARY_NOT_FOUND'],
    [new DevServerStartError('DEV_SERVER_START_FAILED', 'm', { cause }), 'DevServerStartError', 'DEV_SERVER_START_FAILED'],
    [new InvalidDurationError('INVALID_DURATION', 'm', { cause }), 'InvalidDurationError', 'INVALID_DURATION'],
  ];

  it.each(cases)('%s', (err, name, code) => {
    expect(err).toBeInstanceOf(HarnessError);
    expect(err.name).toBe(name);
    expect(err.constructor.name).toBe(name);
    expect(err.code).toBe(code);
    expect(err.cause).toBe(cause);
  });

  it('client subclasses stay client errors, and each guard accepts only its own class', () => {
    expect(isHarnessClientError(new ThreadError('INVALID_THREAD_ID', 'm'))).toBe(true);
    expect(isHarnessClientError(new CodecError('DECRYPTION_FAILED', 'm'))).toBe(false);
    expect(isCodecError(new CodecError('DECRYPTION_FAILED', 'm'))).toBe(true);
    expect(isCodecError(new MemoryError('MEMORY_CONFIG', 'm'))).toBe(false);
    expect(isMemoryError(new MemoryError('MEMORY_CONFIG', 'm'))).toBe(true);
    expect(isWorkspaceError(new WorkspaceError('WORKSPACE_NOT_FOUND', 'f', []))).toBe(true);
    expect(isConnectionConfigError(new ConnectionConfigError('INVALID_TLS_FLAG', 'm'))).toBe(true);
    expect(isConnectionConfigError(new HarnessClientError('RUN_NOT_FOUND', 'm'))).toBe(false);
  });

  it('keeps layer-specific fields', () => {
    expect(new MemoryError('MEMORY_STORE_UNAVAILABLE', 'm').retryable).toBe(true);
    expect(new MemoryError('MEMORY_CONFIG', 'm').retryable).toBe(false);
    expect(new DevServerStartError('DEV_SERVER_START_FAILED', 'm', { portInUse: true }).portInUse).toBe(true);
    expect(new DevServerStartError('DEV_SERVER_START_FAILED', 'm').portInUse).toBe(false);
    const ws = new WorkspaceError('WORKSPACE_INVALID', 'h.yaml', [{ path: 'agents[0]', message: 'unknown tool' }]);
    expect(ws.message).toBe('Invalid workspace file h.yaml:\n  - agents[0]: unknown tool');
    expect(new HttpError(409, 'RUN_NOT_ACTIVE', 'done').toBody()).toEqual({ error: { code: 'RUN_NOT_ACTIVE', message: 'done' } });
  });
});
