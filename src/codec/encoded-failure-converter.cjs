'use strict';
/**
 * The failure converter used when payloads are encrypted: Temporal's default one with
 * `encodeCommonAttributes`, so a failure's message and stack trace travel as an (encrypted)
 * payload instead of plain text in history, `describe` and the Web UI.
 *
 * Plain CommonJS on purpose: Temporal loads it by path twice, through webpack into the workflow
 * bundle (`bundleHarnessWorkflows({ encodeFailures: true })`) and with Node's `require()` in
 * workers and clients (`DataConverter.failureConverterPath`), from the sources and from dist alike.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DefaultFailureConverter } = require('@temporalio/common');

/** Found in a workflow bundle built with this converter (the worker checks before it starts). */
exports.ENCODED_FAILURES_MARKER = 'temporal-harness:encoded-failure-converter:v1';
exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
