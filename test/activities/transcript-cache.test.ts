import { describe, expect, it } from 'vitest';
import { TranscriptCache, type TranscriptReader } from '../../src/activities/transcript-cache.js';
import type { TranscriptMessage, TranscriptQueryInput, TranscriptRef } from '../../src/workflows/shared/conversation.js';

const msg = (i: number): TranscriptMessage => ({ role: 'user', content: `m${i}` });
const messages = (n: number) => Array.from({ length: n }, (_, i) => msg(i));

/** A run's transcript answering queries like agentRun's handler (or, `ignoresFrom`, like code from before `from`). */
function fakeRun(transcript: TranscriptMessage[], opts: { ignoresFrom?: boolean } = {}) {
  const queries: (TranscriptQueryInput | TranscriptRef)[] = [];
  const thread = [msg(100), msg(101), msg(102)];
  const reader: TranscriptReader = {
    own: async (q) => {
      queries.push(q);
      return transcript.slice(opts.ignoresFrom ? 0 : (q.from ?? 0), q.upTo);
    },
    history: async (ref) => {
      queries.push(ref);
      return thread.slice(0, ref.upTo);
    },
  };
  return { reader, queries, thread };
}

describe('TranscriptCache', () => {
  it('reads the whole transcript once, then only what was added since', async () => {
    const transcript = messages(1);
    const { reader, queries } = fakeRun(transcript);
    const cache = new TranscriptCache();
    expect(await cache.read('r', 1, reader)).toEqual(messages(1));
    transcript.push(msg(1), msg(2));
    expect(await cache.read('r', 3, reader)).toEqual(messages(3));
    expect(queries).toEqual([{ upTo: 1 }, { from: 1, upTo: 3 }]);
  });

  it('a retried call on the same worker asks nothing', async () => {
    const { reader, queries } = fakeRun(messages(4));
    const cache = new TranscriptCache();
    await cache.read('r', 4, reader);
    expect(await cache.read('r', 4, reader)).toEqual(messages(4));
    expect(queries).toHaveLength(1);
  });

  it('is right against workflow code that ignores `from` and answers from the start', async () => {
    const transcript = messages(2);
    const { reader } = fakeRun(transcript, { ignoresFrom: true });
    const cache = new TranscriptCache();
    await cache.read('r', 2, reader);
    transcript.push(msg(2), msg(3));
    expect(await cache.read('r', 4, reader)).toEqual(messages(4));
  });

  it('keeps runs apart and reads a thread’s history once per run', async () => {
    const a = fakeRun(messages(2));
    const cache = new TranscriptCache();
    const ref = { workflowId: 'thread', upTo: 2 };
    expect(await cache.read('a', 1, a.reader, ref)).toEqual([msg(100), msg(101), msg(0)]);
    expect(await cache.read('a', 2, a.reader, ref)).toEqual([msg(100), msg(101), msg(0), msg(1)]);
    expect(a.queries.filter((q) => 'workflowId' in q)).toHaveLength(1);
    const b = fakeRun([msg(50)]);
    expect(await cache.read('b', 1, b.reader)).toEqual([msg(50)]);
  });

  it('forgets the least recently used run beyond its size, which then reads from the start again', async () => {
    const cache = new TranscriptCache(2);
    const runs = { a: fakeRun(messages(1)), b: fakeRun(messages(1)), c: fakeRun(messages(1)) };
    await cache.read('a', 1, runs.a.reader);
    await cache.read('b', 1, runs.b.reader);
    await cache.read('a', 1, runs.a.reader); // a is now the most recent
    await cache.read('c', 1, runs.c.reader); // b goes
    expect(cache.size).toBe(2);
    await cache.read('b', 1, runs.b.reader);
    expect(runs.b.queries).toEqual([{ upTo: 1 }, { upTo: 1 }]);
    expect(runs.a.queries).toHaveLength(1);
  });
});

describe('TranscriptCache with the new messages in the model call input', () => {
  const added = (from: number, upTo: number) => ({ from, messages: messages(upTo).slice(from) });

  it('a run’s first call carries its first message: nothing is asked', async () => {
    const { reader, queries } = fakeRun(messages(1));
    const cache = new TranscriptCache();
    expect(await cache.read('r', 1, reader, undefined, added(0, 1))).toEqual(messages(1));
    expect(queries).toEqual([]);
  });

  it('a worker that holds the earlier messages asks nothing for the later calls', async () => {
    const transcript = messages(1);
    const { reader, queries } = fakeRun(transcript);
    const cache = new TranscriptCache();
    await cache.read('r', 1, reader, undefined, added(0, 1));
    transcript.push(msg(1), msg(2));
    expect(await cache.read('r', 3, reader, undefined, added(1, 3))).toEqual(messages(3));
    transcript.push(msg(3), msg(4));
    expect(await cache.read('r', 5, reader, undefined, added(3, 5))).toEqual(messages(5));
    expect(queries).toEqual([]);
  });

  it('another worker (an empty copy) asks only for the messages before the new ones', async () => {
    const { reader, queries } = fakeRun(messages(5));
    const cache = new TranscriptCache();
    expect(await cache.read('r', 5, reader, undefined, added(3, 5))).toEqual(messages(5));
    expect(queries).toEqual([{ upTo: 3 }]);
  });

  it('a worker that missed a call asks only for the messages it lacks', async () => {
    const transcript = messages(1);
    const { reader, queries } = fakeRun(transcript);
    const cache = new TranscriptCache();
    await cache.read('r', 1, reader, undefined, added(0, 1));
    transcript.push(msg(1), msg(2), msg(3), msg(4)); // the call for [1, 3) ran elsewhere
    expect(await cache.read('r', 5, reader, undefined, added(3, 5))).toEqual(messages(5));
    expect(queries).toEqual([{ from: 1, upTo: 3 }]);
  });

  it('a retry on the same worker, which already appended them, asks nothing and duplicates nothing', async () => {
    const { reader, queries } = fakeRun(messages(3));
    const cache = new TranscriptCache();
    await cache.read('r', 1, reader, undefined, added(0, 1));
    expect(await cache.read('r', 3, reader, undefined, added(1, 3))).toEqual(messages(3));
    expect(await cache.read('r', 3, reader, undefined, added(1, 3))).toEqual(messages(3));
    expect(queries).toEqual([]);
  });

  it('new messages that do not end at the length asked for are not trusted: the run is asked', async () => {
    const { reader, queries } = fakeRun(messages(4));
    const cache = new TranscriptCache();
    expect(await cache.read('r', 4, reader, undefined, added(1, 3))).toEqual(messages(4));
    expect(queries).toEqual([{ upTo: 4 }]);
  });

  it('keeps a thread’s history before the run’s own messages', async () => {
    const { reader, queries } = fakeRun(messages(2));
    const cache = new TranscriptCache();
    const ref = { workflowId: 'thread', upTo: 2 };
    expect(await cache.read('r', 1, reader, ref, added(0, 1))).toEqual([msg(100), msg(101), msg(0)]);
    expect(await cache.read('r', 2, reader, ref, added(1, 2))).toEqual([msg(100), msg(101), msg(0), msg(1)]);
    expect(queries).toEqual([ref]);
  });
});
