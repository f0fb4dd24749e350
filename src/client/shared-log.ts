/**
 * One durable subscription per run per client (so per process, with one client): every follower of
 * a run (browser tabs over SSE, `/api/chat`, `RunHandle.events()`) reads the same long poll instead
 * of each making its own. That matters beyond CPU: each poll is an update in the run's history, a
 * run takes at most 10 updates in flight and 2,000 in all, so eleven tabs with a poll each would
 * hit the first limit. The shared poll keeps the last {@link SHARED_LOG_ITEMS} events for followers
 * that join late or resume; one asking for older offsets reads them with its own subscription.
 */
import type { Client } from '@temporalio/client';
import type { HarnessEventItem } from '../workflows/run/events.js';

/** Events a shared subscription keeps for followers that join or resume behind the newest one. */
export const SHARED_LOG_ITEMS = 2000;

/** Reads a run's durable log from an offset (the stream's long polls, then the closed run's query). */
export type DurableSource = (fromOffset: number) => AsyncGenerator<HarnessEventItem>;

class SharedLog {
  /** The offset of `items[0]`. */
  base: number;
  readonly items: HarnessEventItem[] = [];
  done = false;
  error: { err: unknown } | undefined;
  followers = 0;
  private readonly waiters = new Set<() => void>();
  private readonly source: AsyncGenerator<HarnessEventItem>;

  constructor(fromOffset: number, source: DurableSource, onEnd: () => void) {
    this.base = fromOffset;
    this.source = source(fromOffset);
    this.pump(onEnd);
  }

  private pump(onEnd: () => void): void {
    void (async () => {
      for await (const item of this.source) {
        this.items.push(item);
        if (this.items.length > SHARED_LOG_ITEMS) {
          this.items.shift();
          this.base = this.items[0]!.offset;
        }
        this.notify();
      }
    })()
      .catch((err: unknown) => (this.error = { err }))
      .finally(() => {
        this.done = true;
        onEnd();
        this.notify();
      });
  }

  /** Waits until more items, an error or the end arrive. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.add(resolve));
  }

  /** Stops polling (no followers left): the poll in flight finishes, then none follow. */
  stop(): void {
    void this.source.return(undefined).catch(() => undefined);
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }
}

const logsByClient = new WeakMap<Client, Map<string, SharedLog>>();

/**
 * The run's durable log from `fromOffset` on, through the client's shared subscription to run
 * `workflowId` (started by the first follower, stopped after the last one leaves).
 */
export async function* followShared(client: Client, workflowId: string, fromOffset: number, source: DurableSource): AsyncGenerator<HarnessEventItem> {
  let logs = logsByClient.get(client);
  if (!logs) logsByClient.set(client, (logs = new Map()));
  let log = logs.get(workflowId);
  if (log && fromOffset < log.base) return yield* source(fromOffset); // older than the shared window
  if (!log) {
    const created: SharedLog = new SharedLog(fromOffset, source, () => {
      if (logs.get(workflowId) === created) logs.delete(workflowId);
    });
    logs.set(workflowId, (log = created));
  }
  log.followers++;
  let next = fromOffset;
  try {
    for (;;) {
      // A follower that fell behind the shared window reads the rest on its own.
      if (next < log.base) return yield* source(next);
      const index = firstAtOrAfter(log.items, next);
      if (index < log.items.length) {
        const item = log.items[index]!;
        next = item.offset + 1;
        yield item;
        continue;
      }
      if (log.error) throw log.error.err;
      if (log.done) return;
      await log.changed();
    }
  } finally {
    if (--log.followers === 0 && !log.done) {
      log.stop();
      if (logs.get(workflowId) === log) logs.delete(workflowId);
    }
  }
}

/** Index of the first item with an offset ≥ `offset` (items are in offset order). */
function firstAtOrAfter(items: readonly HarnessEventItem[], offset: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (items[mid]!.offset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
