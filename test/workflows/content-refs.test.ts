/** The pure rules of contents kept by reference: previews, the model's cut, transcript pages, and the ledger's input. */
import { describe, expect, it } from 'vitest';
import { maxResultCharsOf } from '../../src/activities/contents.js';
import { toolsSchema } from '../../src/workspace/schema.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import { CONTENT_LIMITS, TRANSCRIPT_PAGE_LIMITS, previewOf, truncateForModel, type ContentRef } from '../../src/workflows/shared/content-ref.js';
import type { TranscriptMessage } from '../../src/workflows/shared/conversation.js';
import { transcriptPage } from '../../src/workflows/shared/transcript-page.js';

const ref: ContentRef = { blobId: `sha256-${'a'.repeat(64)}`, size: 50_000, sha256: 'b'.repeat(64), mediaType: 'text/plain; charset=utf-8' };

describe('contents by reference', () => {
  it('a preview keeps the first characters and says where the whole is', () => {
    const text = 'x'.repeat(50_000);
    const preview = previewOf(text, ref);
    expect(preview.startsWith('x'.repeat(CONTENT_LIMITS.previewChars))).toBe(true);
    expect(preview).toContain(`preview: ${CONTENT_LIMITS.previewChars} of 50000 characters (full text: blob ${ref.blobId}, 50000 bytes)`);
    expect(preview.length).toBeLessThan(CONTENT_LIMITS.previewChars + 200);
  });

  it('the model gets a long result cut with a marker saying how much and where the rest is; a short one whole', () => {
    expect(truncateForModel('short', 100, ref)).toBe('short');
    const cut = truncateForModel('y'.repeat(1000), 100, ref);
    expect(cut).toBe(
      `${'y'.repeat(100)}\n[… truncated for the model: 900 of 1000 characters cut. The full result (50000 bytes, sha256 ${ref.sha256}) is kept as blob ${ref.blobId}.]`,
    );
  });

  it('maxResultChars: per tool, else the workspace default, else 100,000; the schema refuses nonsense', () => {
    const tools = toolsSchema.parse({ maxResultChars: 5000, perTool: { big: { maxResultChars: 200 }, other: {} } });
    const of = maxResultCharsOf(tools);
    expect([of('big'), of('other'), of('none')]).toEqual([200, 5000, 5000]);
    expect(maxResultCharsOf(undefined)('x')).toBe(CONTENT_LIMITS.defaultMaxResultChars);
    expect(toolsSchema.safeParse({ maxResultChars: 10 }).success).toBe(false);
    expect(toolsSchema.safeParse({ perTool: { x: { maxChars: 10 } } }).success).toBe(false);
  });

  it('transcript pages are bounded by count and size, always move on, and clamp bad numbers', () => {
    const small: TranscriptMessage[] = Array.from({ length: 120 }, (_, i) => ({ role: 'user', content: `m${i}` }));
    expect(transcriptPage(small)).toMatchObject({ offset: 0, nextOffset: TRANSCRIPT_PAGE_LIMITS.defaultMessages, total: 120 });
    const last = transcriptPage(small, { offset: 100, limit: 50 });
    expect(last.messages.map((m) => m.content)).toEqual(Array.from({ length: 20 }, (_, i) => `m${100 + i}`));
    expect(last.nextOffset).toBeUndefined();
    expect(transcriptPage(small, { offset: -5, limit: 10_000 })).toMatchObject({ offset: 0, messages: { length: 120 } });
    expect(transcriptPage(small, { offset: 500 })).toMatchObject({ offset: 120, messages: [] });

    // Messages of 100 KB (e.g. a model's tool call arguments): a page stops at the size bound.
    const big: TranscriptMessage[] = Array.from({ length: 10 }, () => ({ role: 'user', content: 'z'.repeat(100_000) }));
    const page = transcriptPage(big, { limit: 10 });
    expect(page.messages).toHaveLength(2);
    expect(page.nextOffset).toBe(2);
    expect(JSON.stringify(page).length).toBeLessThan(TRANSCRIPT_PAGE_LIMITS.maxChars + 1000);
    // One message over the bound still makes a page (it moves on).
    expect(transcriptPage([{ role: 'user', content: 'w'.repeat(400_000) }]).messages).toHaveLength(1);
  });

  it('the ledger shows a big input as a preview until it is stored, then keeps its reference; big inline files too', async () => {
    const input = 'i'.repeat(20_000);
    const file = { name: 'f.txt', content: 'f'.repeat(30_000), size: 30_000 };
    const small = { name: 's.txt', content: 'small', size: 5 };
    const ledger = new RunLedger('run-1', { input, files: [file, small] });
    expect(ledger.transcript[0]!.content.length).toBeLessThan(CONTENT_LIMITS.previewChars + 200);
    const stored: string[] = [];
    await ledger.keepInputByReference(async (text) => {
      stored.push(text);
      return { ...ref, size: text.length };
    });
    expect(stored).toHaveLength(2);
    expect(stored[0]).toBe(file.content);
    expect(stored[1]!.startsWith(input)).toBe(true);
    expect(stored[1]).toContain(file.content);
    expect(ledger.transcript[0]).toMatchObject({ role: 'user', contentRef: { size: stored[1]!.length } });
    const files = ledger.toolContext().files;
    expect(files[0]).toEqual({ name: 'f.txt', size: 30_000, contentRef: { ...ref, size: 30_000 } });
    expect(files[1]).toEqual(small);
  });

  it('without a payload store the input goes back inline, whole', async () => {
    const input = 'i'.repeat(20_000);
    const ledger = new RunLedger('run-2', { input });
    await ledger.keepInputByReference(async () => undefined);
    expect(ledger.transcript[0]).toEqual({ role: 'user', content: input });
  });
});
