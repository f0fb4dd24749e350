import { describe, expect, it } from 'vitest';
import type { ModelTurn } from '../../src/activities/index.js';
import { deferredDeltaEvents, messageIdFor } from '../../src/workflows/run/events.js';

const messageId = messageIdFor('run-1', 2);
const turn = (deferredDeltas: ModelTurn['deferredDeltas'], content = 'hello'): ModelTurn => ({ content, toolCalls: [], ...(deferredDeltas && { deferredDeltas }) });

describe('deferredDeltaEvents', () => {
  it('publishes nothing for a call that streamed its own deltas', () => {
    expect(deferredDeltaEvents(turn(undefined), 2, messageId)).toEqual([]);
  });

  it('a first attempt: its reasoning, then its text, one delta each', () => {
    expect(deferredDeltaEvents(turn({ attempt: 1, reasoning: 'hmm' }), 2, messageId)).toEqual([
      { type: 'reasoning.delta', step: 2, attempt: 1, messageId, text: 'hmm' },
      { type: 'output.delta', step: 2, attempt: 1, messageId, text: 'hello' },
    ]);
  });

  it("a retried attempt (a local call defers its retries too) puts output.reset before the text, so a screen that showed an earlier attempt's live text drops it", () => {
    expect(deferredDeltaEvents(turn({ attempt: 3 }), 2, messageId)).toEqual([
      { type: 'output.reset', step: 2, attempt: 3, messageId },
      { type: 'output.delta', step: 2, attempt: 3, messageId, text: 'hello' },
    ]);
  });

  it('an answer with tool calls and no text: no output delta', () => {
    expect(deferredDeltaEvents(turn({ attempt: 1 }, ''), 2, messageId)).toEqual([]);
  });

  it("a local call's answer kept by reference: the log gets the whole text the result carries, not the preview", () => {
    expect(deferredDeltaEvents(turn({ attempt: 1, text: 'the whole long answer' }, 'the whole…'), 2, messageId)).toEqual([
      { type: 'output.delta', step: 2, attempt: 1, messageId, text: 'the whole long answer' },
    ]);
  });
});
