import { describe, expect, it } from 'vitest';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';
import { keyring } from '../../src/codec/keys.js';
import { LiveFrameCodec, MAX_LINE_CHARS, MAX_PIECE_CHARS, splitItem } from '../../src/live/frame-codec.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const OTHER_KEY = Buffer.alloc(32, 9).toString('base64');
const head = { origin: 'p1', namespace: 'default', runId: 'run-1' };

function delta(text: string, position = 0, attempt = 1): LiveRunEvent {
  return {
    position,
    event: { type: 'output.delta', runId: 'run-1', agentId: 'a', at: '2026-12-05T00:00:00.000Z', step: 1, attempt, messageId: 'run-1:step-1', text },
  } as LiveRunEvent;
}

function counter(): () => number {
  let n = 0;
  return () => n++;
}

/** Every text piece of the decoded lines, joined in order, with their positions checked to follow on. */
function joined(codec: LiveFrameCodec, lines: string[]): string {
  let text = '';
  for (const line of lines) {
    for (const { position, event } of codec.decode(line, 'default', 'run-1')!.items) {
      expect(position).toBe(text.length);
      text += 'text' in event ? event.text : '';
    }
  }
  return text;
}

describe('live frame codec', () => {
  it('round-trips a batch in one line, origin and order kept', async () => {
    const codec = new LiveFrameCodec(undefined);
    const lines = await codec.encode(head, [delta('Hello', 0), delta(' world', 5)], counter());
    expect(lines).toHaveLength(1);
    const frame = codec.decode(lines[0]!, 'default', 'run-1')!;
    expect(frame.origin).toBe('p1');
    expect(frame.items.map((i) => [i.position, 'text' in i.event && i.event.text])).toEqual([
      [0, 'Hello'],
      [5, ' world'],
    ]);
  });

  it('splits a long delta into pieces at consecutive positions and lines under the NOTIFY limit', async () => {
    const codec = new LiveFrameCodec(undefined);
    const text = 'ü"\n\u0001'.repeat(5000); // multi-byte and escaped characters: the worst case for line size
    const lines = await codec.encode(head, [delta(text, 0)], counter());
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(joined(codec, lines)).toBe(text);
  });

  it('keeps encrypted lines under the limit too, with the longest key id', async () => {
    const codec = new LiveFrameCodec(keyring({ ['k'.repeat(100)]: KEY }));
    const text = 'ü"\n\u0001'.repeat(5000);
    const lines = await codec.encode(head, [delta(text, 0)], counter());
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    expect(joined(codec, lines)).toBe(text);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(MAX_PIECE_CHARS - 1)}😀tail`;
    const pieces = splitItem(delta(text, 10));
    expect(pieces.map((p) => p.position)).toEqual([10, 10 + MAX_PIECE_CHARS - 1]);
    expect(pieces.map((p) => ('text' in p.event ? p.event.text : '')).join('')).toBe(text);
    expect(pieces[1]!.event).toMatchObject({ text: '😀tail' });
  });

  it('gives each line its own sequence number (NOTIFY folds identical payloads)', async () => {
    const codec = new LiveFrameCodec(undefined);
    const next = counter();
    const a = await codec.encode(head, [delta('x')], next);
    const b = await codec.encode(head, [delta('x')], next);
    expect(a[0]).not.toBe(b[0]);
    expect([codec.decode(a[0]!, 'default', 'run-1')!.seq, codec.decode(b[0]!, 'default', 'run-1')!.seq]).toEqual([0, 1]);
  });

  it('with a key, lines hold no plaintext, decode only with that key, and plaintext lines are refused', async () => {
    const codec = new LiveFrameCodec(keyring({ k1: KEY }));
    const secret = 'the launch code is 0000';
    const [line] = await codec.encode(head, [delta(secret)], counter());
    const raw = Buffer.from(line!, 'base64').toString('latin1');
    expect(raw).not.toContain('launch');
    expect(raw).not.toContain('output.delta');
    expect(codec.decode(line!, 'default', 'run-1')!.items[0]!.event).toMatchObject({ text: secret });

    expect(new LiveFrameCodec(keyring({ k1: OTHER_KEY })).decode(line!, 'default', 'run-1')).toBeUndefined();
    expect(new LiveFrameCodec(undefined).decode(line!, 'default', 'run-1')).toBeUndefined();
    const [plain] = await new LiveFrameCodec(undefined).encode(head, [delta(secret)], counter());
    expect(codec.decode(plain!, 'default', 'run-1')).toBeUndefined();
  });

  it('refuses a line of another run or namespace, a tampered line and garbage', async () => {
    const codec = new LiveFrameCodec(keyring({ k1: KEY }));
    const [line] = await codec.encode(head, [delta('hi')], counter());
    expect(codec.decode(line!, 'default', 'run-2')).toBeUndefined();
    expect(codec.decode(line!, 'other-ns', 'run-1')).toBeUndefined();
    const bytes = Buffer.from(line!, 'base64');
    bytes[bytes.length - 20]! ^= 1;
    expect(codec.decode(bytes.toString('base64'), 'default', 'run-1')).toBeUndefined();
    expect(codec.decode('not base64 at all!', 'default', 'run-1')).toBeUndefined();
  });
});
