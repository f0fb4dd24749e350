/**
 * What a model call's input carries of the conversation: only the messages added since the run's
 * previous model call (`CallModelInput.newMessages`). The worker that ran the previous call still
 * holds the rest (`TranscriptCache`), so it needs no `transcript` query — a round trip through the
 * server and the run's worker — before the model starts; any other worker (or this one after a
 * restart) asks the run for what it lacks, as before. Each message enters history about once more
 * than it did: history stays linear in the conversation, never quadratic.
 */
import type { TranscriptMessage } from '../shared/conversation.js';

/**
 * At most this many characters of JSON of new messages ride in one model call's input. More (a step
 * with many big tool results) are left out and read by query instead, so an input stays small
 * whatever a step produced (each message is itself bounded: big contents are references).
 */
export const MAX_NEW_MESSAGES_CHARS = 32 * 1024;

/** Messages `[from, from + messages.length)` of the run's transcript. */
export interface NewMessages {
  from: number;
  messages: TranscriptMessage[];
}

/** Remembers how much of the transcript this run's model-call inputs have carried. */
export class ModelInputTracker {
  /**
   * @param sent messages the worker can be expected to have: none for a new run (its first call
   *   carries the user's message); a continued run's worker cache is keyed by the old run, so
   *   its carried transcript is read by query once, on the first call.
   */
  constructor(private sent: number) {}

  /** The messages the next model call's input carries: those added since the previous call. */
  next(transcript: readonly TranscriptMessage[]): NewMessages | undefined {
    const from = this.sent;
    this.sent = transcript.length;
    if (from >= transcript.length) return undefined;
    const messages = transcript.slice(from);
    return JSON.stringify(messages).length <= MAX_NEW_MESSAGES_CHARS ? { from, messages } : undefined;
  }
}
