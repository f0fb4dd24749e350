import { describe, expect, it } from 'vitest';
import { readTranscriptRef, transcriptRefKey } from '../../src/activities/transcript-refs.js';
import { TRANSCRIPT_REF_MAX_DEPTH, type TranscriptMessage, type TranscriptRef } from '../../src/workflows/shared/conversation.js';

const says = (who: string, n: number): TranscriptMessage[] => Array.from({ length: n }, (_, i) => ({ role: 'user', content: `${who}${i}` }));
const workflows: Record<string, TranscriptMessage[]> = { thread: says('t', 4), orig: says('o', 5), fork: says('f', 3) };

describe('readTranscriptRef', () => {
  it('reads a chain oldest link first, each link only up to its upTo', async () => {
    const read: string[] = [];
    const reader = async (workflowId: string, upTo: number) => {
      read.push(`${workflowId}:${upTo}`);
      return workflows[workflowId]!.slice(0, upTo);
    };
    // A fork of a fork of a thread's run: the thread's messages, the run's, then the first fork's.
    const ref: TranscriptRef = { workflowId: 'fork', upTo: 1, before: { workflowId: 'orig', upTo: 2, before: { workflowId: 'thread', upTo: 3 } } };
    const messages = await readTranscriptRef(ref, reader);
    expect(messages.map((m) => m.content)).toEqual(['t0', 't1', 't2', 'o0', 'o1', 'f0']);
    expect(read.sort()).toEqual(['fork:1', 'orig:2', 'thread:3']);
    expect(transcriptRefKey(ref)).toBe('thread:3>orig:2>fork:1');
  });

  it('asks nothing for an empty link, and refuses a chain over the depth limit', async () => {
    const reader = async (): Promise<TranscriptMessage[]> => {
      throw new Error('not asked');
    };
    expect(await readTranscriptRef({ workflowId: 'x', upTo: 0 }, reader)).toEqual([]);
    let deep: TranscriptRef | undefined;
    for (let i = 0; i <= TRANSCRIPT_REF_MAX_DEPTH; i++) deep = { workflowId: `w${i}`, upTo: 0, ...(deep && { before: deep }) };
    await expect(readTranscriptRef(deep!, reader)).rejects.toThrow(/over the limit of 16/);
  });
});
