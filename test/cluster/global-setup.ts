/**
 * Once per `npm run test:cluster`: build (or find) the Temporal server binaries, so the first test
 * file's cluster does not spend its hook timeout on a Go build, and bundle the workflow code.
 * Each test file then starts a cluster of its own (test/cluster/support.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureServerBinaries } from '../../src/cluster/index.js';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'harness-cluster-test-'));
  const [, bundle] = await Promise.all([
    ensureServerBinaries({ log: (line) => console.error(`[cluster] ${line}`) }),
    bundleHarnessWorkflows(),
  ]);
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);
  return () => rmSync(dir, { recursive: true, force: true });
}
