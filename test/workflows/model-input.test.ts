import { describe, expect, it } from 'vitest';
import { MAX_NEW_MESSAGES_CHARS, ModelInputTracker } from '../../src/workflows/run/model-input.js';
import type { TranscriptMessage } from '../../src/workflows/shared/conversation.js';

const user = (content: string): TranscriptMessage => ({ role: 'user', content });

describe('ModelInputTracker', () => {
  it('gives each model call the messages added since the previous one', () => {
    const transcript = [user('a')];
    const inputs = new ModelInputTracker(0);
    expect(inputs.next(transcript)).toEqual({ from: 0, messages: [user('a')] });
    transcript.push(user('b'), user('c'));
    expect(inputs.next(transcript)).toEqual({ from: 1, messages: [user('b'), user('c')] });
    transcript.push(user('d'));
    expect(inputs.next(transcript)).toEqual({ from: 3, messages: [user('d')] });
  });

  it('a continued run carries nothing of the transcript it started with', () => {
    const transcript = [user('a'), user('b')];
    const inputs = new ModelInputTracker(transcript.length);
    expect(inputs.next(transcript)).toBeUndefined();
    transcript.push(user('c'));
    expect(inputs.next(transcript)).toEqual({ from: 2, messages: [user('c')] });
  });

  it('leaves new messages over the size bound to the query, and carries the next ones again', () => {
    const transcript = [user('a')];
    const inputs = new ModelInputTracker(0);
    inputs.next(transcript);
    transcript.push(user('x'.repeat(MAX_NEW_MESSAGES_CHARS)));
    expect(inputs.next(transcript)).toBeUndefined();
    transcript.push(user('e'));
    expect(inputs.next(transcript)).toEqual({ from: 2, messages: [user('e')] });
  });
});
