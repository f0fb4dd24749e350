/**
 * Shared integration-test plumbing: one dev server and one workflow bundle per `npm test`
 * (from global-setup), a fresh worker per test on its own task queue, unique ids everywhere.
 * The SDK's log is buffered per test by test-log.ts (the integration project's setup file).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { closeConnection, connectClosable } from '../../src/client/closable-connection.js';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { connectMcpServers } from '../../src/mcp/attach.js';
import { HarnessClient } from '../../src/client/index.js';
import { loadWorkspace, type Workspace } from '../../src/workspace/index.js';
import { TEST_TOOLS, tempDir } from './paths.js';

export { TEST_TOOLS, tempDir };

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Writes a workspace file whose tools module is the test tools; returns its path. */
export function writeWorkspace(dir: string, yaml: string, tools = ''): string {
  const file = join(dir, 'harness.yaml');
  writeFileSync(file, `tools:\n  module: ${JSON.stringify(TEST_TOOLS)}\n${tools}${yaml}`);
  return file;
}

/**
 * A workspace whose scripted model asks once for `record_effect` (label `refund`, amount 42, one
 * line appended to `effects` per execution), then answers `final: <the tool's result>`. `agents`
 * is the YAML of the `agents:` list that uses model `m`.
 */
export function refundWorkspace(effects: string, agents: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
${agents}`,
  );
}

export interface TestEnv {
  client: HarnessClient;
  taskQueue: string;
  workspace: Workspace;
}

/**
 * Runs `body` while a worker for `workspace` polls a task queue of its own, then shuts the worker
 * down. The harness client given to the body targets that queue. `enableNonLocalActivities: false`
 * makes a worker that runs workflows and local activities only (no activity task is picked up).
 */
export async function withWorker<T>(
  workspace: Workspace | string,
  body: (env: TestEnv) => Promise<T>,
  options: { taskQueue?: string; enableNonLocalActivities?: boolean } = {},
): Promise<T> {
  const mcp = await connectMcpServers(typeof workspace === 'string' ? await loadWorkspace(workspace) : workspace);
  const ws = mcp.workspace;
  const taskQueue = options.taskQueue ?? uniqueId('tq');
  const address = temporalAddress();
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await connectClosable({ address });
  const temporal = new Client({ connection });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ workspace: ws, client: temporal }),
    ...(options.enableNonLocalActivities !== undefined && { enableNonLocalActivities: options.enableNonLocalActivities }),
  });
  const client = new HarnessClient(temporal, { taskQueue });
  try {
    return await worker.runUntil(body({ client, taskQueue, workspace: ws }));
  } finally {
    await closeConnection(connection);
    await nativeConnection.close();
    await mcp.close();
  }
}

/** A client on the test server without a worker (for runs a worker in another process serves). */
export async function connectClient(taskQueue: string): Promise<HarnessClient> {
  return HarnessClient.connect({ address: temporalAddress(), taskQueue });
}

/** The non-empty lines of a file the test tools append to (empty when it does not exist yet). */
export function fileLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];
}
