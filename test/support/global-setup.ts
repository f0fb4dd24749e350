/**
 * Starts one real Temporal dev server and bundles the workflow code once for the whole
 * integration run; tests reach both through `inject()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../../src/devserver/index.js';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
    /** The same workflows bundled with the failure converter that encodes messages (for encrypting workers). */
    encodedFailuresBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'harness-test-'));
  // Stored payloads of every test process (they inherit this environment) stay in the run's temp dir.
  process.env.HARNESS_PAYLOAD_DIR = join(dir, 'payloads');
  const [server, bundle, encodedFailures] = await Promise.all([
    startDevServer({ dbFile: join(dir, 'temporal.db') }),
    bundleHarnessWorkflows(),
    bundleHarnessWorkflows({ encodeFailures: true }),
  ]);
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  const encodedFailuresPath = join(dir, 'workflow-bundle-encoded-failures.js');
  writeFileSync(encodedFailuresPath, encodedFailures.code);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', bundlePath);
  project.provide('encodedFailuresBundlePath', encodedFailuresPath);
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
