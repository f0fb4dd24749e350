/**
 * Garbage collection of the payload store. A blob may be deleted only when no history that still
 * exists can name it, and no writer is about to: so a blob is deleted when
 * 1. no history of an open run, or of a closed run the namespace still retains, references it
 *    (every such history is read raw, references kept, and every reference collected; forks,
 *    threads and continued runs that share content share the blob id, so any one keeps it), nor
 *    any schedule's start action. A reference is either Temporal's claim (a payload replaced by a
 *    reference) or a run's own `ContentRef` (`"blobId"` in a payload's JSON: a big tool result,
 *    message, input or file the run keeps by reference), found by decoding every payload of those
 *    histories, and the payloads stored by claim, with the process's codecs; and
 * 2. nobody stored it (or re-stored the same content) for `olderThanMs`, which covers a worker or
 *    client that stored a blob and has not yet put its reference into history.
 * Temporal deletes a closed run's history once the namespace retention passes, so a blob lives at
 * most retention + `olderThanMs` after the last run that used it closed.
 *
 * Cost: one read of every retained history, and of every blob a history claims, per collection.
 * Run it daily or weekly, not per run. A payload that does not decode (a missing encryption key)
 * stops the collection before anything is deleted.
 */
import type { Client } from '@temporalio/client';
import { StorageDriverClaim, type Payload, type PayloadCodec } from '@temporalio/common';
import { decodeReferencePayload, isReferencePayload } from '@temporalio/common/lib/internal-non-workflow/index.js';
import type { BlobStore } from './blob-store.js';
import { METADATA_ENCRYPTION_KEY_ID } from '../codec/encryption-codec.js';
import { isCodecError } from '../codec/errors.js';
import { blobIds } from './blob-ids.js';
import { isPayloadStoreError } from './errors.js';
import { HARNESS_DRIVER_NAME, HarnessStorageDriver, parseClaim } from './storage-driver.js';

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
  /**
   * Kept because they are encrypted under a key this process lacks, and some retained payload under
   * that key could not be read (its references are unknown). Give the collector every key to collect them.
   */
  keptUnreadable: number;
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
  const { payloadCodecs } = client.options.loadedDataConverter;
  // Reads claimed payloads from the store being collected (ids checked where no key is needed).
  const driver = new HarnessStorageDriver(store, blobIds(undefined));
  // Payloads under a key this process lacks cannot be read: every blob under that key is kept.
  const unreadableKeys = new Set<string>();
  const contentIds = contentRefScanner(payloadCodecs, (id) => referenced.add(id), (keyId) => unreadableKeys.add(keyId));
  const found: Payload[] = [];
  const keep = (payload: Payload) => {
    if (!isReferencePayload(payload)) return void found.push(payload);
    const ref = decodeReferencePayload(payload);
    if (ref.driverName !== HARNESS_DRIVER_NAME) return;
    const claim = parseClaim(ref.claimData);
    if (claim.ns !== namespace) return;
    referenced.add(claim.id);
    found.push(payload);
  };
  // A run's own references live inside payloads (claimed ones included): decode and scan each.
  const scan = async () => {
    for (const payload of found.splice(0)) {
      if (!isReferencePayload(payload)) {
        await contentIds(payload);
        continue;
      }
      const stored = await driver.retrieve({}, [new StorageDriverClaim(decodeReferencePayload(payload).claimData)]).catch((err: unknown) => {
        // A blob already gone (or never in this store) holds nothing to keep.
        if (isPayloadStoreError(err) && err.code === 'BLOB_NOT_FOUND') return [];
        throw err;
      });
      if (stored[0]) await contentIds(stored[0]);
    }
  };

  // Retained histories: open runs, and runs closed less than the retention ago (a margin of a day
  // for the server's own deletion lag).
  const closedSince = new Date(now.getTime() - retentionMs - 86_400_000).toISOString();
  let runsScanned = 0;
  for await (const wf of client.workflow.list({ query: `ExecutionStatus = "Running" OR CloseTime > "${closedSince}"` })) {
    await forEachHistoryPayload(client, wf.workflowId, wf.runId, keep);
    await scan();
    runsScanned++;
  }
  let schedulesScanned = 0;
  for await (const s of client.schedule.list()) {
    const raw = await client.workflowService.describeSchedule({ namespace, scheduleId: s.scheduleId });
    walkPayloads(raw.schedule, keep);
    await scan();
    schedulesScanned++;
  }

  const report: GcReport = { namespace, runsScanned, schedulesScanned, referenced: 0, blobs: 0, deleted: 0, deletedBytes: 0, keptRecent: 0, keptUnreadable: 0 };
  const underUnreadableKey = (id: string) => id.startsWith('hmac-') && unreadableKeys.has(id.slice('hmac-'.length, -65));
  for await (const blob of store.list(namespace)) {
    report.blobs++;
    if (underUnreadableKey(blob.id) && !referenced.has(blob.id)) {
      report.keptUnreadable++;
      continue;
    }
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

const CONTENT_REF_ID = /"blobId":"((?:sha256|hmac-[A-Za-z0-9][A-Za-z0-9_.-]{0,99})-[0-9a-f]{64})"/g;

/**
 * Decodes a payload with `codecs` and reports every `ContentRef` blob id its JSON names; a payload
 * encrypted under a key the codecs lack is reported by its key id instead.
 */
function contentRefScanner(codecs: readonly PayloadCodec[], report: (id: string) => void, unreadable: (keyId: string) => void): (payload: Payload) => Promise<void> {
  const text = new TextDecoder();
  return async (payload) => {
    const keyId = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
    let decoded = [payload];
    try {
      for (const codec of [...codecs].reverse()) decoded = await codec.decode(decoded);
    } catch (err) {
      if (!keyId || !(isCodecError(err) && err.code === 'UNKNOWN_ENCRYPTION_KEY')) throw err;
    }
    if (keyId && decoded[0]?.metadata?.[METADATA_ENCRYPTION_KEY_ID]) return unreadable(text.decode(keyId));
    const data = decoded[0]?.data;
    if (!data || data.length < 80) return;
    for (const m of text.decode(data).matchAll(CONTENT_REF_ID)) report(m[1]!);
  };
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
