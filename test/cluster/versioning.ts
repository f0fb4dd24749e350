/**
 * Worker Versioning (Temporal Worker Deployments, on by default in server 1.29) for the cluster
 * tests: workers of one deployment with a build id each, and making a build the current one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import type { VersioningBehavior } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { LocalCluster } from '../../src/cluster/index.js';
import type { Workspace } from '../../src/workspace/index.js';

/** A worker of build `buildId` in `deploymentName`, identified as `build-<buildId>`. */
export async function versionedWorker(
  cluster: LocalCluster,
  o: { workspace: Workspace; taskQueue: string; deploymentName: string; buildId: string; behavior: VersioningBehavior },
): Promise<{ worker: Worker; close(): Promise<void> }> {
  const nativeConnection = await NativeConnection.connect({ address: cluster.address });
  const connection = await Connection.connect({ address: cluster.address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: cluster.namespace,
    taskQueue: o.taskQueue,
    identity: `build-${o.buildId}`,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities: createActivities({ workspace: o.workspace, client: new Client({ connection, namespace: cluster.namespace }) }),
    workerDeploymentOptions: {
      version: { deploymentName: o.deploymentName, buildId: o.buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: o.behavior,
    },
  });
  return {
    worker,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/**
 * Make `buildId` the deployment's current version (what `temporal worker deployment
 * set-current-version` does). The server knows a version only once one of its workers has polled,
 * so this retries until then.
 */
export async function setCurrentVersion(cluster: LocalCluster, deploymentName: string, buildId: string, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address: cluster.address });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await connection.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: cluster.namespace,
          deploymentName,
          buildId,
          identity: 'cluster-test',
        });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(250);
      }
    }
  } finally {
    await connection.close();
  }
}
