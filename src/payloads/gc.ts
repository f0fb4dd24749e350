/**
 * Garbage collection of the payload store. A blob may be deleted only when no history that still
 * exists can name it, and no writer is about to: so a blob is deleted when
 * 1. no history of an open run, or of a closed run the namespace still retains, references it
 *    (every such history is read raw, references kept, and every reference collected; forks,
 *    threads and continued runs that share content share the blob id, so any one keeps it), nor
 *    any schedule's start action; and
 * 2. nobody stored it (or re-stored the same content) for `olderThanMs`, which covers a worker or
 *    client that stored a blob and has not yet put its reference into history.
 * Temporal deletes a closed run's history once the namespace retention passes, so a blob lives at
 * most retention + `olderThanMs` after the last run that used it closed.
 *
 * Cost: one read of every retained history per collection. Run it daily or weekly, not per run.
 */
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { decodeReferencePayload, isReferencePayload } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { BlobStore } from './blob-store.js';
import { HARNESS_DRIVER_NAME, parseClaim } from './storage-driver.js';

export interface GcOptions {
  client: Client;
  store: BlobStore;
  /** Keep blobs stored or re-stored this recently, referenced or not. */
  olderThanMs: number;
  /** Count what would be deleted, delete nothing. */
  dryRun?: boolean;
  now?: Date;
}

export interface GcReport {
  namespace: string;
  /** Histories read (open runs and closed runs within retention). */
  runsScanned: number;
  schedulesScanned: number;
  /** Stored blobs kept because one of those histories or schedules references them. */
  referenced: number;
  /** Blobs the store holds for the namespace. */
  blobs: number;
  deleted: number;
  deletedBytes: number;
  /** Unreferenced but stored within `olderThanMs`: kept this time. */
  keptRecent: number;
}

/**
 * Deletes the blobs of the client's namespace that nothing references (see the module comment).
 * @example
 * const report = await collectPayloadGarbage({ client, store, olderThanMs: 86_400_000 });
 */
export async function collectPayloadGarbage(options: GcOptions): Promise<GcReport> {
  const { client, store } = options;
  const namespace = client.options.namespace;
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  const retentionMs = await namespaceRetentionMs(client);
  const referenced = new Set<string>();
  const keep = (payload: Payload) => {
    if (!isReferencePayload(payload)) return;
    const ref = decodeReferencePayload(payload);
    if (ref.driverName !== HARNESS_DRIVER_NAME) return;
    const claim = parseClaim(ref.claimData);
    if (claim.ns === namespace) referenced.add(claim.id);
  };

  // Retained histories: open runs, and runs closed less than the retention ago (a margin of a day
  // for the server's own deletion lag).
  const closedSince = new Date(now.getTime() - retentionMs - 86_400_000).toISOString();
  let runsScanned = 0;
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = "Running" OR CloseTime > "${closedSince}"` })) {
    await forEachHistoryPayload(client, wf.workflowId, wf.runId, keep);
    runsScanned++;
  }
  let schedulesScanned = 0;
  for await (const s of client.schedule.list()) {
    const raw = await client.workflowService.describeSchedule({ namespace, scheduleId: s.scheduleId });
    walkPayloads(raw.schedule, keep);
    schedulesScanned++;
  }

  const report: GcReport = { namespace, runsScanned, schedulesScanned, referenced: 0, blobs: 0, deleted: 0, deletedBytes: 0, keptRecent: 0 };
  for await (const blob of store.list(namespace)) {
    report.blobs++;
    if (referenced.has(blob.id)) {
      report.referenced++;
      continue;
    }
    if (blob.touchedAt >= cutoff) {
      report.keptRecent++;
      continue;
    }
    if (options.dryRun || (await store.delete(namespace, blob.id, cutoff))) {
      report.deleted++;
      report.deletedBytes += blob.size;
    }
  }
  return report;
}

async function namespaceRetentionMs(client: Client): Promise<number> {
  const ns = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  const ttl = ns.config?.workflowExecutionRetentionTtl;
  return ttl ? Number(ttl.seconds ?? 0) * 1000 + Math.floor((ttl.nanos ?? 0) / 1e6) : 0;
}

/** Every payload of one run's history as stored (raw gRPC: no codec, references not resolved). */
async function forEachHistoryPayload(client: Client, workflowId: string, runId: string, visit: (p: Payload) => void): Promise<void> {
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId, runId },
      ...(nextPageToken && { nextPageToken }),
    });
    walkPayloads(page.history?.events, visit);
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
}

function walkPayloads(value: unknown, visit: (p: Payload) => void): void {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
  if ('data' in value && (value as Payload).data instanceof Uint8Array && 'metadata' in value) {
    visit(value as Payload);
    return;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) walkPayloads(v, visit);
}
