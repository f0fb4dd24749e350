/**
 * Plumbing of the cluster tests: a cluster per test file (so a file may kill and restart its
 * services), an in-process worker on it, and polling helpers.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { startCluster, type LocalCluster } from '../../src/cluster/index.js';
import { HarnessClient } from '../../src/client/index.js';
import { loadWorkspace } from '../../src/workspace/index.js';

// Tests kill servers on purpose; the worker's WARN lines about it would drown real errors.
Runtime.install({ logger: new DefaultLogger('ERROR') });

/** Start this file's cluster; its progress goes to stderr with the time it took. */
export async function startTestCluster(): Promise<LocalCluster> {
  const started = Date.now();
  const cluster = await startCluster({ log: (line) => console.error(`[cluster] ${line}`) });
  console.error(`[cluster] ready at ${cluster.address} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return cluster;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Runs `body` while an in-process worker for `workspaceFile` polls its own task queue on the cluster. */
export async function withClusterWorker<T>(
  cluster: LocalCluster,
  workspaceFile: string,
  body: (env: { client: HarnessClient; taskQueue: string }) => Promise<T>,
): Promise<T> {
  const workspace = await loadWorkspace(workspaceFile);
  const taskQueue = uniqueId('tq');
  const nativeConnection = await NativeConnection.connect({ address: cluster.address });
  const connection = await Connection.connect({ address: cluster.address });
  const temporal = new Client({ connection, namespace: cluster.namespace });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: cluster.namespace,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ workspace, client: temporal }),
  });
  try {
    return await worker.runUntil(body({ client: new HarnessClient(temporal, { taskQueue }), taskQueue }));
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

/** Re-reads `read()` until `ok` holds; visibility is eventually consistent. */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
