/**
 * Contents kept by reference, as activities see them: a big tool result or model message leaves
 * the activity as a `ContentRef` plus a preview (so the run's state, `status` and `transcript`
 * stay small), and the model-call activity puts the full texts back when it builds the prompt,
 * cutting a tool result at its tool's `maxResultChars` with a marker the model can read.
 */
import type { Client } from '@temporalio/client';
import { ContentBlobs } from '../payloads/content-blobs.js';
import { CONTENT_LIMITS, needsReference, previewOf, truncateForModel, type ContentRef } from '../workflows/shared/content-ref.js';
import type { TranscriptMessage } from '../workflows/shared/conversation.js';

/** A text as a run keeps it: whole when short, else a preview and the reference to the whole. */
export interface KeptContent {
  content: string;
  contentRef?: ContentRef;
}

/** Stores `text` by reference when it is too long to keep inline (and the process has a payload store). */
export async function keepContent(blobs: ContentBlobs | undefined, text: string): Promise<KeptContent> {
  if (!blobs || !needsReference(text)) return { content: text };
  const contentRef = await blobs.put(text);
  return { content: previewOf(text, contentRef), contentRef };
}

/** Full texts read recently, by blob id (blobs are immutable): a run's next model call reads none again. */
export class ContentCache {
  private readonly texts = new Map<string, string>();
  private readonly reading = new Map<string, Promise<string>>();
  private chars = 0;

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  async read(blobs: ContentBlobs, ref: ContentRef): Promise<string> {
    const known = this.texts.get(ref.blobId);
    if (known !== undefined) {
      this.texts.delete(ref.blobId);
      this.texts.set(ref.blobId, known);
      return known;
    }
    // Parallel tool calls of a run ask for the same file at once: one read serves them all.
    let reading = this.reading.get(ref.blobId);
    if (!reading) {
      reading = blobs.read(ref).finally(() => this.reading.delete(ref.blobId));
      this.reading.set(ref.blobId, reading);
    }
    const text = await reading;
    if (this.texts.has(ref.blobId)) return text;
    this.texts.set(ref.blobId, text);
    this.chars += text.length;
    for (const [id, t] of this.texts) {
      if (this.chars <= this.maxChars || id === ref.blobId) break;
      this.texts.delete(id);
      this.chars -= t.length;
    }
    return text;
  }
}

/** How many characters of a tool's result the model gets. */
export type MaxResultChars = (toolName: string) => number;

/** The workspace's `tools.perTool.<name>.maxResultChars`, else `tools.maxResultChars`, else the default. */
export function maxResultCharsOf(tools: { maxResultChars?: number; perTool?: Record<string, { maxResultChars?: number }> } | undefined): MaxResultChars {
  return (name) => tools?.perTool?.[name]?.maxResultChars ?? tools?.maxResultChars ?? CONTENT_LIMITS.defaultMaxResultChars;
}

/**
 * The transcript the model is given: references resolved to their full texts, and every tool
 * result cut at its tool's `maxResultChars` with a marker saying how much was cut and where the
 * whole is.
 */
export async function transcriptForModel(
  transcript: TranscriptMessage[],
  blobs: ContentBlobs | undefined,
  cache: ContentCache,
  maxResultChars: MaxResultChars,
): Promise<TranscriptMessage[]> {
  return Promise.all(
    transcript.map(async (m): Promise<TranscriptMessage> => {
      const ref = m.contentRef;
      if (ref && !blobs) {
        throw new Error(`The transcript holds a reference to blob ${ref.blobId}, but this worker has no payload store (HARNESS_PAYLOAD_STORE=off); every worker of a namespace must share one store.`);
      }
      const full = ref ? await cache.read(blobs!, ref) : m.content;
      if (m.role !== 'tool') return { ...m, content: full };
      return { ...m, content: truncateForModel(full, maxResultChars(m.toolName), ref) };
    }),
  );
}

/** The `storeContent` activity: lets the workflow keep a big run input or inline file by reference. */
export function createContentActivities(client: Client) {
  const blobs = ContentBlobs.of(client);
  return {
    /** Stores `text` when the worker has a payload store; undefined otherwise (the text stays inline). */
    async storeContent({ text }: { text: string }): Promise<ContentRef | undefined> {
      return blobs ? blobs.put(text) : undefined;
    },
  };
}
