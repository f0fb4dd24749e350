/** The pure rule behind the `transcriptPage` query: a bounded page of a conversation. */
import type { TranscriptMessage, TranscriptPage, TranscriptPageInput } from './conversation.js';
import { TRANSCRIPT_PAGE_LIMITS } from './content-ref.js';

/**
 * Messages from `offset`, at most `limit` and `TRANSCRIPT_PAGE_LIMITS.maxChars` of JSON (at least
 * one message, so a page always moves on). Bad numbers fall back to the defaults, clamped.
 */
export function transcriptPage(messages: readonly TranscriptMessage[], input: TranscriptPageInput = {}): TranscriptPage {
  const offset = wholeIn(input.offset, 0, messages.length, 0);
  const limit = wholeIn(input.limit, 1, TRANSCRIPT_PAGE_LIMITS.maxMessages, TRANSCRIPT_PAGE_LIMITS.defaultMessages);
  const page: TranscriptMessage[] = [];
  let chars = 0;
  for (let i = offset; i < messages.length && page.length < limit; i++) {
    const size = JSON.stringify(messages[i]).length;
    if (page.length > 0 && chars + size > TRANSCRIPT_PAGE_LIMITS.maxChars) break;
    page.push(messages[i]!);
    chars += size;
  }
  const end = offset + page.length;
  return { messages: page, offset, ...(end < messages.length && { nextOffset: end }), total: messages.length };
}

function wholeIn(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) return fallback;
  return Math.min(Math.max(value, min), max);
}
