/** The CLI only maps the library's codes to output: one line, the code, and its own hints. */
import { describe, expect, it } from 'vitest';
import { CliError, describeError } from '../../src/cli/errors.js';
import { HarnessClientError } from '../../src/client/errors.js';
import { CodecError } from '../../src/codec/errors.js';
import { WorkspaceError } from '../../src/workspace/errors.js';

const ctx = { address: 'temporal.internal:7233' };

describe('describeError', () => {
  it('prints the code and the library message, then the CLI hint for that code', () => {
    expect(describeError(new HarnessClientError('RUN_NOT_FOUND', 'No run "r1".'), ctx)).toEqual({
      text: 'error [RUN_NOT_FOUND]: No run "r1". Check the id with `harness list`.',
      expected: true,
    });
    expect(describeError(new HarnessClientError('AMBIGUOUS_APPROVAL', 'Run r1 has 2 pending approvals (a, b); name the one to decide.'), ctx).text).toBe(
      'error [AMBIGUOUS_APPROVAL]: Run r1 has 2 pending approvals (a, b); name the one to decide. Name one with --approval <id>.',
    );
    expect(describeError(new HarnessClientError('TEMPORAL_UNAVAILABLE', 'The Temporal server is unreachable (x); retry once it is back.'), ctx).text).toMatch(
      /unreachable \(x\); retry once it is back\. Start a local one with `harness dev`, or point --address \/ TEMPORAL_ADDRESS at yours \(now temporal\.internal:7233\)\.$/,
    );
  });

  it('puts the hint on its own line under a multi-line message', () => {
    const err = new WorkspaceError('WORKSPACE_NOT_FOUND', '/tmp/harness.yaml', [{ path: '', message: 'file not found.' }]);
    expect(describeError(err, ctx).text).toBe(
      'error [WORKSPACE_NOT_FOUND]: Invalid workspace file /tmp/harness.yaml:\n  - file not found.\nPass --workspace <file>, or set HARNESS_WORKSPACE.',
    );
  });

  it('prints codes without a hint, and CLI errors, as they are', () => {
    expect(describeError(new CodecError('INVALID_ENCRYPTION_KEY', 'HARNESS_ENCRYPTION_KEY is not valid base64.'), ctx).text).toBe(
      'error [INVALID_ENCRYPTION_KEY]: HARNESS_ENCRYPTION_KEY is not valid base64.',
    );
    // A CliError is already worded for the CLI: no second hint even when the code has one.
    expect(describeError(new CliError('TEMPORAL_UNAVAILABLE', 'Cannot reach the Temporal server at h:1 (connection refused).'), ctx).text).toBe(
      'error [TEMPORAL_UNAVAILABLE]: Cannot reach the Temporal server at h:1 (connection refused).',
    );
  });

  it('marks other errors unexpected', () => {
    expect(describeError(new TypeError('x is undefined'), ctx)).toEqual({ text: 'error: x is undefined', expected: false });
    expect(describeError('plain', ctx)).toEqual({ text: 'error: plain', expected: false });
  });
});
