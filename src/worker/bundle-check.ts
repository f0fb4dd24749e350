/** Refuses a pre-built workflow bundle that would write failure messages in clear under encryption. */
import { readFile } from 'node:fs/promises';
import type { WorkerOptions } from '@temporalio/worker';
import { ENCODED_FAILURES_MARKER } from '../codec/data-converter.js';
import { CodecError } from '../codec/errors.js';

/**
 * @throws {CodecError} `UNENCRYPTED_FAILURES_BUNDLE` when the bundle lacks the encoded failure converter.
 */
export async function checkBundleEncodesFailures(bundle: NonNullable<WorkerOptions['workflowBundle']>): Promise<void> {
  const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
  if (!code.includes(ENCODED_FAILURES_MARKER)) {
    throw new CodecError(
      'UNENCRYPTED_FAILURES_BUNDLE',
      'Payloads are encrypted, but the workflow bundle was built without the failure converter that encrypts failure messages, ' +
        'so workflow errors would reach history in clear. Build it with bundleHarnessWorkflows({ encodeFailures: true }), or let the worker bundle on start.',
    );
  }
}
