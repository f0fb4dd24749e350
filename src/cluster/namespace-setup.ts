/**
 * What a new cluster needs before the harness can use it, done through the server's own APIs:
 * the namespace (WorkflowService.RegisterNamespace) and the harness search attributes
 * (OperatorService.AddSearchAttributes), then a probe that the namespace has reached every service.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
// The SDK's own Duration → protobuf conversion (not re-exported from the package root).
import { msToTs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { HARNESS_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.js';
import { ClusterStartError } from './errors.js';

/** Retention of closed runs in the namespace the cluster creates. */
export const NAMESPACE_RETENTION_SECONDS = 3 * 24 * 3600;

const ALREADY_EXISTS = 6; // gRPC status code

function isAlreadyExists(err: unknown): boolean {
  return (err as { code?: number }).code === ALREADY_EXISTS;
}

/**
 * Register `namespace` and the harness search attributes (both idempotent), then wait until a
 * workflow can be started and terminated in it: a new namespace reaches the history service's
 * cache only after its refresh interval (~10 s), and until then starts fail.
 *
 * @throws {ClusterStartError} `CLUSTER_NOT_READY` when that does not happen before the deadline.
 */
export async function setUpNamespace(address: string, namespace: string, deadline: number): Promise<void> {
  const connection = await Connection.connect({ address, connectTimeout: Math.max(1_000, deadline - Date.now()) });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION_SECONDS * 1000),
      });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    const wanted = Object.fromEntries(
      HARNESS_SEARCH_ATTRIBUTES.filter((key) => !(key.name in existing)).map((key) => [
        key.name,
        proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`],
      ]),
    );
    if (Object.keys(wanted).length > 0) {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: wanted });
    }
    await probeUntilUsable(connection, namespace, deadline);
  } finally {
    await connection.close();
  }
}

/** One value for each harness search attribute (all Keyword), as a start request carries them. */
function probeSearchAttributes(): Record<string, proto.temporal.api.common.v1.IPayload> {
  return Object.fromEntries(
    HARNESS_SEARCH_ATTRIBUTES.map((key) => {
      const payload = defaultPayloadConverter.toPayload('probe');
      return [key.name, { ...payload, metadata: { ...payload.metadata, type: new TextEncoder().encode(key.type === 'KEYWORD' ? 'Keyword' : key.type) } }];
    }),
  );
}

async function probeUntilUsable(connection: Connection, namespace: string, deadline: number): Promise<void> {
  let problem = '';
  while (Date.now() < deadline) {
    const workflowId = `harness-cluster-probe-${randomUUID()}`;
    try {
      await connection.workflowService.startWorkflowExecution({
        namespace,
        workflowId,
        requestId: randomUUID(),
        workflowType: { name: 'harness-cluster-probe' },
        taskQueue: { name: 'harness-cluster-probe' },
        // With the harness's own search attributes: each service learns the namespace's
        // attribute mapping on its own refresh, and a start that carries them is refused ("no
        // mapping defined for search attribute") until the frontend has it. Ready means runs work.
        searchAttributes: { indexedFields: probeSearchAttributes() },
      });
      await connection.workflowService.terminateWorkflowExecution({
        namespace,
        workflowExecution: { workflowId },
        reason: 'cluster readiness probe',
      });
      return;
    } catch (err) {
      problem = err instanceof Error ? err.message : String(err);
    }
    await sleep(500);
  }
  throw new ClusterStartError(
    'CLUSTER_NOT_READY',
    `Namespace "${namespace}" was not usable in time (last error: ${problem}).`,
  );
}
