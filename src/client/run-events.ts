/**
 * Following a run's events: long-poll the run's workflow stream while it is open, then read
 * whatever is left from the closed run's `storedEvents` query. Resumable from any offset. Deltas a
 * model call streams arrive ahead of the log on the live path (in this process, or from a worker
 * in another one through the payload store's shared medium: `src/live/`) and are merged in
 * (`live-merge.ts`), so tokens are not held up by the log's batches and polls.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { decodePayloadWire } from '@temporalio/workflow-streams/workflow';
import { FINAL_EVENT_TYPES, RUN_EVENTS_TOPIC, type HarnessEvent, type HarnessEventItem } from '../workflows/run/events.js';
import { eventLogQuery } from '../workflows/run/contract.js';
import { followLive } from '../live/follow.js';
import { LiveMerge } from './live-merge.js';
import { followShared } from './shared-log.js';

/** Options of {@link RunHandle.events}. */
export interface RunEventsOptions {
  /** Resume after a disconnect: the offset of the first event wanted (last seen + 1). @default 0 */
  fromOffset?: number;
  /**
   * `true`: deltas a model call streams in this process (a worker in the same process) come the
   * moment the model yields them, marked `live`, ahead of the durable log; the log's copies of text
   * already shown are then trimmed or skipped (so offsets have gaps). For screens that show tokens.
   * Default: the durable log alone, every event exactly once with contiguous offsets.
   * `'in-order'`: live as well, but a message's live text waits until the log has delivered the
   * message's start, so nothing comes ahead of an event the log has before it (a tool result before
   * the next step's text): for screens that build a message from parts in arrival order (the AI SDK
   * and AG-UI frontends). Costs the message's first tokens one durable hop.
   * @default false
   */
  live?: boolean | 'in-order';
}

/**
 * Yields the run's events with their offsets, from `options.fromOffset` on, until the run ends.
 * Given `client`, it follows the run across continue-as-new. Used by {@link RunHandle.events}.
 */
// Each poll is an update in the run's history (and a run takes at most 2,000): polls wait for
// new events, and while tokens stream a 200 ms pause between them keeps that to ~5 a second.
export async function* followRunEvents(
  handle: WorkflowHandle,
  options: RunEventsOptions = {},
  client?: Client,
): AsyncGenerator<HarnessEventItem> {
  const fromOffset = options.fromOffset ?? 0;
  const source = (from: number) => followDurable(handle, from, client);
  // Followers of one run through one client share its subscription (see shared-log.ts).
  const durableFrom = (from: number) => (client ? followShared(client, handle.workflowId, from, source) : source(from));
  if (options.live !== true && options.live !== 'in-order') return yield* durableFrom(fromOffset);
  const merge = new LiveMerge(fromOffset, options.live === 'in-order');
  const queue = new ItemQueue();
  // Read from the start, the log shows every message whole: the start of one already streaming
  // may come live too (replay); resumed mid-message, only what comes next (it may have the start).
  const unsubscribe = followLive(client ?? handle.client, handle.workflowId, (item) => queue.push(merge.live(item)), { replay: fromOffset === 0 });
  const durable = durableFrom(fromOffset);
  void (async () => {
    for await (const item of durable) queue.push(merge.durable(item));
  })().then(
    () => queue.end(),
    (err: unknown) => queue.fail(err),
  );
  try {
    for (let items = await queue.next(); items; items = await queue.next()) {
      for (const item of items) {
        yield item;
        if (FINAL_EVENT_TYPES.has(item.event.type)) return;
      }
    }
  } finally {
    unsubscribe();
    // Stop following: the durable poll in flight finishes, then no more are made.
    void durable.return(undefined).catch(() => undefined);
  }
}

/** The run's durable log from `fromOffset` on: the stream's long polls, then the closed run's query. */
async function* followDurable(handle: WorkflowHandle, fromOffset: number, client?: Client): AsyncGenerator<HarnessEventItem> {
  let next = fromOffset;
  // Each stream client polls one run and stops when that run closes. Made from the client, the
  // stream follows the chain itself, but if the successor closes before its first poll it keeps
  // re-describing the run it last polled (continued-as-new) and polls forever: so we follow the
  // chain here, re-subscribing while the latest run is still open.
  const latest = client ? client.workflow.getHandle(handle.workflowId) : handle;
  for (;;) {
    const stream = new WorkflowStreamClient(latest);
    for await (const item of stream.subscribe<HarnessEvent>(RUN_EVENTS_TOPIC, next, { resultType: true, pollCooldown: '200 milliseconds' })) {
      next = item.offset + 1;
      yield { offset: item.offset, event: item.data };
      if (FINAL_EVENT_TYPES.has(item.data.type)) return;
    }
    if (!client || (await latest.describe()).status.name !== 'RUNNING') break;
  }
  // The run closed (or was already closed): it takes no more polls, but answers queries.
  const { items } = await latest.query(eventLogQuery, { fromOffset: next });
  for (const item of items) {
    if (item.topic !== RUN_EVENTS_TOPIC) continue;
    yield { offset: item.offset, event: defaultPayloadConverter.fromPayload<HarnessEvent>(decodePayloadWire(item.data)) };
  }
}

/** Batches of items handed from the live listener and the durable pump to the one reader. */
class ItemQueue {
  private readonly batches: HarnessEventItem[][] = [];
  private wake: (() => void) | undefined;
  private done = false;
  private error: { err: unknown } | undefined;

  push(items: HarnessEventItem[]): void {
    if (items.length === 0 || this.done) return;
    this.batches.push(items);
    this.notify();
  }

  end(): void {
    this.done = true;
    this.notify();
  }

  fail(err: unknown): void {
    this.error = { err };
    this.end();
  }

  /** The next batch, or undefined once the pump ended and everything was read. */
  async next(): Promise<HarnessEventItem[] | undefined> {
    while (this.batches.length === 0) {
      if (this.error) throw this.error.err;
      if (this.done) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.batches.shift();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
