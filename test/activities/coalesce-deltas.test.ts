import { describe, expect, it } from 'vitest';
import { coalesceDeltas } from '../../src/activities/stream-model.js';
import type { HarnessEvent } from '../../src/workflows/run/events.js';

const base = { runId: 'r', agentId: 'a', at: '2026-01-01T00:00:00.000Z', step: 1, attempt: 1, messageId: 'r:step-1' } as const;
const delta = (type: 'output.delta' | 'reasoning.delta', text: string) => ({ ...base, type, text }) as HarnessEvent;

describe('coalesceDeltas', () => {
  it('joins consecutive deltas of one kind, keeps the order of kinds and every character', () => {
    const items = [delta('reasoning.delta', 'Let '), delta('reasoning.delta', 'me think.'), delta('output.delta', 'Hel'), delta('output.delta', 'lo'), delta('reasoning.delta', '!')];
    expect(coalesceDeltas(items).map((e) => [e.type, 'text' in e ? e.text : ''])).toEqual([
      ['reasoning.delta', 'Let me think.'],
      ['output.delta', 'Hello'],
      ['reasoning.delta', '!'],
    ]);
  });

  it('leaves other events where they are', () => {
    const reset = { ...base, type: 'output.reset' } as HarnessEvent;
    expect(coalesceDeltas([reset, delta('output.delta', 'a'), delta('output.delta', 'b')])).toEqual([reset, delta('output.delta', 'ab')]);
    expect(coalesceDeltas([])).toEqual([]);
  });
});
