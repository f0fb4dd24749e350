/**
 * References to big contents, the one contract every layer shares (workflow state, activities,
 * client, HTTP, CLI). A run keeps a message, tool result, input or file over
 * `CONTENT_LIMITS.inlineChars` as a `ContentRef` plus a short preview in its own state, so its
 * `status`, `transcript` and result replies stay small whatever it carried; the full text lives in
 * the payload store (encrypted like every payload when encryption is on). Plain data and pure
 * functions: the workflow bundle includes this file.
 */

/** Where the full text of a content lives, and how to check it. */
export interface ContentRef {
  /** Blob id in the payload store of the run's namespace (`sha256-…` or `hmac-<key>-…`). */
  blobId: string;
  /** Size of the full text in UTF-8 bytes. */
  size: number;
  /** SHA-256 (hex) of the full text's UTF-8 bytes, to check what a download returns. */
  sha256: string;
  /** Media type of the text, e.g. `text/plain; charset=utf-8`. */
  mediaType: string;
}

/** The media type of a tool result, model message or run input kept by reference. */
export const TEXT_MEDIA_TYPE = 'text/plain; charset=utf-8';

/**
 * Bounds of what a run keeps inline: a content longer than `inlineChars` is stored by reference
 * with its first `previewChars` characters kept; a tool result the model gets is cut at
 * `defaultMaxResultChars` unless the workspace says otherwise (`tools.maxResultChars`,
 * `tools.perTool.<name>.maxResultChars`).
 */
export const CONTENT_LIMITS = {
  inlineChars: 8 * 1024,
  previewChars: 1000,
  defaultMaxResultChars: 100_000,
} as const;

/** Whether `text` is too long to keep inline in a run's state. */
export function needsReference(text: string): boolean {
  return text.length > CONTENT_LIMITS.inlineChars;
}

/** What a run keeps of a content stored by reference: its first characters and a note of the cut. */
export function previewOf(text: string, ref?: ContentRef): string {
  const head = text.slice(0, CONTENT_LIMITS.previewChars);
  const where = ref ? ` (full text: blob ${ref.blobId}, ${ref.size} bytes)` : '';
  return `${head}\n[… preview: ${head.length} of ${text.length} characters${where}]`;
}

/**
 * The text a model gets for a content longer than `maxChars`: its first `maxChars` characters
 * and a marker saying how much was cut and where the whole is.
 */
export function truncateForModel(text: string, maxChars: number, ref?: ContentRef): string {
  if (text.length <= maxChars) return text;
  const where = ref ? ` The full result (${ref.size} bytes, sha256 ${ref.sha256}) is kept as blob ${ref.blobId}.` : '';
  return `${text.slice(0, maxChars)}\n[… truncated for the model: ${text.length - maxChars} of ${text.length} characters cut.${where}]`;
}

/** Transcript pages: messages per page by default and at most, and the most JSON characters one page holds. */
export const TRANSCRIPT_PAGE_LIMITS = { defaultMessages: 50, maxMessages: 500, maxChars: 256 * 1024 } as const;
