import { describe, expect, it } from 'vitest';
import { SlotQueue } from '../../src/workflows/slots/slot-queue.js';

describe('SlotQueue', () => {
  it('grants up to capacity, queues the rest in start order, and hands freed slots to the earliest', () => {
    const q = new SlotQueue(1);
    expect(q.acquire({ runId: 'a', startedAt: 1 }, 1)).toEqual(['a']);
    expect(q.acquire({ runId: 'c', startedAt: 3 }, 1)).toEqual([]);
    expect(q.acquire({ runId: 'b', startedAt: 2 }, 1)).toEqual([]); // arrived late, started earlier
    expect(q.status()).toEqual({ capacity: 1, holders: ['a'], queue: ['b', 'c'] });
    expect(q.release('a')).toEqual(['b']);
    expect(q.release('b')).toEqual(['c']);
  });

  it('a run that gives up waiting leaves the queue; repeated requests are idempotent', () => {
    const q = new SlotQueue(1);
    q.acquire({ runId: 'a', startedAt: 1 }, 1);
    q.acquire({ runId: 'b', startedAt: 2 }, 1);
    q.acquire({ runId: 'b', startedAt: 2 }, 1);
    expect(q.release('b')).toEqual([]);
    expect(q.status().queue).toEqual([]);
    expect(q.acquire({ runId: 'a', startedAt: 1 }, 1)).toEqual([]);
    expect(q.status().holders).toEqual(['a']);
  });

  it('a raised capacity grants waiting runs at once', () => {
    const q = new SlotQueue(1);
    q.acquire({ runId: 'a', startedAt: 1 }, 1);
    q.acquire({ runId: 'b', startedAt: 2 }, 1);
    expect(q.acquire({ runId: 'c', startedAt: 3 }, 3)).toEqual(['b', 'c']);
  });

  it('survives a snapshot round trip (continue-as-new)', () => {
    const q = new SlotQueue(1);
    q.acquire({ runId: 'a', startedAt: 1 }, 1);
    q.acquire({ runId: 'b', startedAt: 2 }, 1);
    const { capacity, holders, queue } = q.snapshot();
    const again = new SlotQueue(capacity, holders, queue);
    expect(again.release('a')).toEqual(['b']);
  });
});
