import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { HarnessEventItem } from '../../src/client/index.js';
import { followShared, SHARED_LOG_ITEMS } from '../../src/client/shared-log.js';

const item = (offset: number): HarnessEventItem => ({ offset, event: { runId: 'r', agentId: 'a', at: '', type: 'run.queued' } });

/** A durable log the test feeds by hand; records every subscription made to it. */
function fakeLog() {
  const subscriptions: { from: number; closed: boolean }[] = [];
  const items: HarnessEventItem[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const source = async function* (from: number): AsyncGenerator<HarnessEventItem> {
    const sub = { from, closed: false };
    subscriptions.push(sub);
    try {
      for (let next = from; ; ) {
        const found = items.find((i) => i.offset >= next);
        if (found) {
          next = found.offset + 1;
          yield found;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      sub.closed = true;
    }
  };
  return {
    subscriptions,
    source,
    append(...offsets: number[]) {
      items.push(...offsets.map(item));
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
  };
}

async function take(it: AsyncGenerator<HarnessEventItem>, n: number): Promise<number[]> {
  const out: number[] = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value.offset);
  }
  return out;
}

describe('followShared', () => {
  it('gives every follower of a run the same events through one subscription', async () => {
    const log = fakeLog();
    const client = {} as Client;
    const a = followShared(client, 'run-1', 0, log.source);
    const b = followShared(client, 'run-1', 0, log.source);
    log.append(0, 1, 2);
    expect(await take(a, 3)).toEqual([0, 1, 2]);
    expect(await take(b, 3)).toEqual([0, 1, 2]);
    const late = followShared(client, 'run-1', 1, log.source); // resumes inside the shared window
    expect(await take(late, 2)).toEqual([1, 2]);
    log.append(3);
    log.end();
    expect(await take(a, 5)).toEqual([3]);
    expect(await take(b, 5)).toEqual([3]);
    expect(await take(late, 5)).toEqual([3]);
    expect(log.subscriptions).toHaveLength(1);
  });

  it('stops the subscription when the last follower leaves; the next follower starts a new one', async () => {
    const log = fakeLog();
    const client = {} as Client;
    const a = followShared(client, 'run-2', 0, log.source);
    log.append(0);
    expect(await take(a, 1)).toEqual([0]);
    await a.return(undefined);
    log.append(1); // wakes the poll in flight, which then ends
    await expect.poll(() => log.subscriptions[0]!.closed).toBe(true);
    const b = followShared(client, 'run-2', 1, log.source);
    expect(await take(b, 1)).toEqual([1]);
    expect(log.subscriptions.map((s) => s.from)).toEqual([0, 1]);
  });

  it('reads offsets older than the shared window with a subscription of its own', async () => {
    const log = fakeLog();
    const client = {} as Client;
    const first = followShared(client, 'run-3', 5, log.source);
    log.append(...Array.from({ length: SHARED_LOG_ITEMS + 10 }, (_, i) => i));
    expect((await take(first, 2)).length).toBe(2);
    const old = followShared(client, 'run-3', 0, log.source);
    expect(await take(old, 2)).toEqual([0, 1]);
    expect(log.subscriptions.map((s) => s.from)).toEqual([5, 0]);
  });

  it('keeps runs and clients apart', async () => {
    const log = fakeLog();
    followShared({} as Client, 'run-4', 0, log.source).next().catch(() => undefined);
    followShared({} as Client, 'run-4', 0, log.source).next().catch(() => undefined);
    const client = {} as Client;
    followShared(client, 'run-5', 0, log.source).next().catch(() => undefined);
    followShared(client, 'run-6', 0, log.source).next().catch(() => undefined);
    await expect.poll(() => log.subscriptions.length).toBe(4);
  });
});
