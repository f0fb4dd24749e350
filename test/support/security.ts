/**
 * Plumbing for the security integration tests: a worker and client built through the product's
 * own wiring (`createHarnessWorker`, `HarnessClient.connect`) with a chosen data converter, and a
 * scan of a run's raw history as the server stores it.
 */
import { Client, Connection } from '@temporalio/client';
import type { DataConverter, Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { inject } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { dataConverterFromEnv, encodesFailures } from '../../src/codec/data-converter.js';
import { createHarnessWorker } from '../../src/worker/index.js';
import type { Workspace } from '../../src/workspace/index.js';
import { temporalAddress, uniqueId } from './harness.js';

export interface CodecEnv {
  client: HarnessClient;
  taskQueue: string;
}

/**
 * Runs `body` while a worker made by `createHarnessWorker` serves a task queue; the client comes
 * from `HarnessClient.connect`. `dataConverter` undefined = whatever the environment configures.
 */
export async function withHarnessWorker<T>(
  workspace: Workspace | string,
  body: (env: CodecEnv) => Promise<T>,
  options: { taskQueue?: string; dataConverter?: DataConverter; clientDataConverter?: DataConverter } = {},
): Promise<T> {
  const taskQueue = options.taskQueue ?? uniqueId('tq');
  const address = temporalAddress();
  const hw = await createHarnessWorker({
    workspace,
    address,
    taskQueue,
    workflowBundle: { codePath: bundleFor(options.dataConverter ?? dataConverterFromEnv()) },
    // A run handed from one worker to the next (key rotation) would otherwise wait up to 10 s for
    // the first worker's sticky queue to time out.
    workerOptions: { stickyQueueScheduleToStartTimeout: '1s' },
    ...(options.dataConverter && { dataConverter: options.dataConverter }),
  });
  const clientConverter = options.clientDataConverter ?? options.dataConverter;
  const client = await HarnessClient.connect({ address, taskQueue, ...(clientConverter && { dataConverter: clientConverter }) });
  try {
    return await hw.worker.runUntil(body({ client, taskQueue }));
  } finally {
    await client.close();
    await hw.close();
  }
}

/** The test bundle a worker with `converter` needs (encrypting workers need failures encoded). */
export function bundleFor(converter: DataConverter | undefined): string {
  return encodesFailures(converter) ? inject('encodedFailuresBundlePath') : inject('workflowBundlePath');
}

/** A client with the SDK's default converter: what someone with server access but no key sees. */
export async function rawClient(): Promise<Client & { close(): Promise<void> }> {
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection });
  return Object.assign(client, { close: () => connection.close() });
}

export interface RawHistory {
  /** The whole history as the server sends it, protobuf bytes read as UTF-8 (finds any plaintext). */
  text: string;
  /** Every payload in it, with where it sits (e.g. `events[4].activityTaskScheduledEventAttributes.input.payloads[0]`). */
  payloads: { path: string; payload: Payload }[];
  events: proto.temporal.api.history.v1.IHistoryEvent[];
}

/**
 * Fetches a run's history exactly as stored: straight from the gRPC service, so neither a codec
 * nor the payload store touches it (references stay references).
 */
export async function rawHistory(workflowId: string): Promise<RawHistory> {
  const client = await rawClient();
  try {
    const events: proto.temporal.api.history.v1.IHistoryEvent[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await client.workflowService.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
        ...(nextPageToken && { nextPageToken }),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    const history = { events };
    const bytes = proto.temporal.api.history.v1.History.encode(history).finish();
    const payloads: RawHistory['payloads'] = [];
    const walk = (value: unknown, path: string): void => {
      if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
      if ('metadata' in value && 'data' in value && (value as Payload).data instanceof Uint8Array) {
        payloads.push({ path, payload: value as Payload });
        return;
      }
      for (const [k, v] of Object.entries(value)) walk(v, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`);
    };
    walk(history.events, 'events');
    return { text: Buffer.from(bytes).toString('utf8'), payloads, events: history.events ?? [] };
  } finally {
    await client.close();
  }
}

export const encodingOf = (p: Payload): string => Buffer.from(p.metadata?.encoding ?? []).toString('utf8');
export const keyIdOf = (p: Payload): string => Buffer.from(p.metadata?.['encryption-key-id'] ?? []).toString('utf8');
