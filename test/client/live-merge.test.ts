import { describe, expect, it } from 'vitest';
import { MessageText, type HarnessEvent, type HarnessEventItem } from '../../src/client/index.js';
import { LiveMerge } from '../../src/client/live-merge.js';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';

const env = { runId: 'r', agentId: 'a', at: '2026-12-05T00:00:00.000Z' };
const messageId = 'r:step-1';
const started: HarnessEvent = { ...env, type: 'step.started', step: 1, model: 'm', messageId };
const delta = (text: string, attempt = 1, type: 'output.delta' | 'reasoning.delta' = 'output.delta') =>
  ({ ...env, type, step: 1, attempt, messageId, text }) as LiveRunEvent['event'];
const reset = (attempt: number) => ({ ...env, type: 'output.reset', step: 1, attempt, messageId }) as LiveRunEvent['event'];

/** Live deltas of `words`, with their positions, as the model activity publishes them. */
function liveWords(words: string[], attempt = 1): LiveRunEvent[] {
  let position = 0;
  return words.map((w) => {
    const item = { event: delta(w, attempt), position };
    position += w.length;
    return item;
  });
}

function textOf(items: HarnessEventItem[]): string {
  const texts = new MessageText();
  for (const { event } of items) texts.apply(event);
  return texts.text(messageId);
}

describe('LiveMerge', () => {
  it('passes live text on at once and skips the durable copies of it', () => {
    const merge = new LiveMerge(0);
    const out = [...merge.durable({ offset: 0, event: started })];
    for (const item of liveWords(['one ', 'two ', 'three'])) out.push(...merge.live(item));
    expect(out.filter((i) => i.live).map((i) => i.offset)).toEqual([0, 0, 0]);
    out.push(...merge.durable({ offset: 1, event: delta('one ') }), ...merge.durable({ offset: 2, event: delta('two ') }));
    out.push(...merge.durable({ offset: 3, event: delta('three') }));
    expect(out.map((i) => i.offset)).toEqual([0, 0, 0, 0]);
    expect(textOf(out)).toBe('one two three');
  });

  it('trims a durable delta to the part not shown live', () => {
    const merge = new LiveMerge(0);
    const out = [...merge.durable({ offset: 0, event: started }), ...merge.live(liveWords(['one '])[0]!)];
    // The workflow's single delta for a call that answered quickly covers the whole text.
    out.push(...merge.durable({ offset: 1, event: delta('one two') }));
    expect(out.at(-1)).toEqual({ offset: 1, event: delta('two') });
    expect(textOf(out)).toBe('one two');
  });

  it('aligns by the first live delta when the durable start has not arrived yet', () => {
    const merge = new LiveMerge(0);
    const out: HarnessEventItem[] = [];
    for (const item of liveWords(['a ', 'b '])) out.push(...merge.live(item));
    out.push(...merge.durable({ offset: 0, event: started }), ...merge.durable({ offset: 1, event: delta('a b ') }));
    expect(textOf(out)).toBe('a b ');
  });

  it('shows a message it joined mid-way from the durable log alone', () => {
    const merge = new LiveMerge(5); // resumed after the message's start
    const words = liveWords(['x ', 'y ', 'z ']);
    const out = [...merge.live(words[1]!), ...merge.live(words[2]!)];
    expect(out).toEqual([]); // a gap: nothing live can be placed
    out.push(...merge.durable({ offset: 5, event: delta('y ') }), ...merge.durable({ offset: 6, event: delta('z ') }));
    expect(out.map((i) => i.event)).toEqual([delta('y '), delta('z ')]);
    expect(merge.live({ event: delta('w'), position: 6 })).toEqual([]);
  });

  it('fills a gap from the log, then shows the buffered live text once', () => {
    const merge = new LiveMerge(0);
    const words = liveWords(['p ', 'q ', 'r ']);
    const out = [...merge.durable({ offset: 0, event: started }), ...merge.live(words[1]!), ...merge.live(words[2]!)];
    expect(out).toHaveLength(1); // the live deltas wait for the text before them
    out.push(...merge.durable({ offset: 1, event: delta('p ') }));
    expect(textOf(out)).toBe('p q r ');
    out.push(...merge.durable({ offset: 2, event: delta('q ') }), ...merge.durable({ offset: 3, event: delta('r ') }));
    expect(textOf(out)).toBe('p q r ');
  });

  it('passes one reset per retried attempt, so its live text is not wiped by the durable copy', () => {
    const merge = new LiveMerge(0);
    const out = [...merge.durable({ offset: 0, event: started })];
    for (const item of liveWords(['lost '])) out.push(...merge.live(item));
    out.push(...merge.live({ event: reset(2), position: 0 }));
    for (const item of liveWords(['kept'], 2)) out.push(...merge.live(item));
    out.push(...merge.durable({ offset: 1, event: reset(2) }), ...merge.durable({ offset: 2, event: delta('kept', 2) }));
    expect(out.filter((i) => i.event.type === 'output.reset')).toHaveLength(1);
    expect(textOf(out)).toBe('kept');
  });

  it('keeps output and reasoning apart', () => {
    const merge = new LiveMerge(0);
    const out = [
      ...merge.durable({ offset: 0, event: started }),
      ...merge.live({ event: delta('think', 1, 'reasoning.delta'), position: 0 }),
      ...merge.live({ event: delta('say', 1), position: 0 }),
      ...merge.durable({ offset: 1, event: delta('think', 1, 'reasoning.delta') }),
      ...merge.durable({ offset: 2, event: delta('say', 1) }),
    ];
    expect(out.map((i) => [i.event.type, 'text' in i.event ? i.event.text : '', i.live ?? false])).toEqual([
      ['step.started', '', false],
      ['reasoning.delta', 'think', true],
      ['output.delta', 'say', true],
    ]);
  });

  describe('in order', () => {
    const toolResult = { ...env, type: 'tool.result', step: 0, toolCallId: 'c1', toolName: 't', content: 'ok', isError: false } as HarnessEvent;

    it('holds live text until the log delivered its message start, then sends it at once', () => {
      const merge = new LiveMerge(0, true);
      const words = liveWords(['one ', 'two ']);
      // Live text arrives before the log has even the previous step's tool result: nothing yet.
      expect(words.flatMap((w) => merge.live(w))).toEqual([]);
      const out = [...merge.durable({ offset: 0, event: toolResult }), ...merge.durable({ offset: 1, event: started })];
      expect(out.map((i) => i.event.type)).toEqual(['tool.result', 'step.started', 'output.delta', 'output.delta']);
      expect(out.slice(2).every((i) => i.live)).toBe(true);
      out.push(...merge.live(liveWords(['one ', 'two ', 'three'])[2]!));
      out.push(...merge.durable({ offset: 2, event: delta('one two three') }));
      expect(textOf(out)).toBe('one two three');
    });

    it('leaves a retry\'s reset to the log, so no text of the failed attempt follows it', () => {
      const merge = new LiveMerge(0, true);
      const out = [...merge.durable({ offset: 0, event: started }), ...liveWords(['Hel']).flatMap((w) => merge.live(w))];
      expect(merge.live({ event: reset(2), position: 0 })).toEqual([]);
      expect(liveWords(['Hello'], 2).flatMap((w) => merge.live(w))).toEqual([]); // waits for the durable reset
      out.push(...merge.durable({ offset: 1, event: delta('Hel') }), ...merge.durable({ offset: 2, event: reset(2) }));
      expect(out.map((i) => i.event.type)).toEqual(['step.started', 'output.delta', 'output.reset', 'output.delta']);
      expect(textOf(out)).toBe('Hello');
    });
  });

  it('drops live items of an attempt older than one it has seen (a failed attempt\'s file read after the retry\'s)', () => {
    const merge = new LiveMerge(0);
    const out: HarnessEventItem[] = [...merge.durable({ offset: 0, event: started })];
    out.push(...merge.live({ event: reset(2), position: 0 }));
    for (const item of liveWords(['new ', 'text'], 2)) out.push(...merge.live(item));
    for (const item of liveWords(['old ', 'stuff'], 1)) out.push(...merge.live(item));
    expect(out.filter((i) => i.live && i.event.type === 'output.delta').map((i) => i.event.type === 'output.delta' && i.event.attempt)).toEqual([2, 2]);
    out.push(...merge.durable({ offset: 1, event: reset(2) }), ...merge.durable({ offset: 2, event: delta('new text', 2) }));
    expect(textOf(out)).toBe('new text');
  });
});
