/**
 * The conversation types both workflows share (a run's transcript, a thread's messages), and the
 * `transcript` query both answer: model-call activities read a conversation by it instead of
 * carrying it in their inputs.
 */
import { defineQuery } from '@temporalio/workflow';
import type { ContentRef } from './content-ref.js';

/** A tool call the model asked for. Its id doubles as the approval id when it needs approval. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Set when the model's call could not be parsed (e.g. arguments that are not JSON): why. */
  invalid?: string;
}

/**
 * One message of a run's conversation: the user's, the model's (with its tool calls), or a tool's
 * result. With `contentRef`, `content` is only a preview and the full text is in the payload store
 * (resolve it with `HarnessClient.readContent`, or `GET /runs/:id/blobs/:blobId`).
 */
export type TranscriptMessage =
  | { role: 'user'; content: string; contentRef?: ContentRef }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[]; contentRef?: ContentRef }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError: boolean; contentRef?: ContentRef };

/**
 * The first `upTo` messages of the `transcript` query of workflow `workflowId`, after the messages
 * of `before` when set: a fork of a run that itself continued earlier messages (a thread's, or
 * another fork's) reads that chain first. Chains are at most `TRANSCRIPT_REF_MAX_DEPTH` long.
 */
export interface TranscriptRef {
  workflowId: string;
  upTo: number;
  before?: TranscriptRef;
}

/** How many references a chain of `TranscriptRef.before` may hold (a fork of a fork of … a run). */
export const TRANSCRIPT_REF_MAX_DEPTH = 16;

/** How many references the chain from `ref` holds (0 for none). */
export function transcriptRefDepth(ref: TranscriptRef | undefined): number {
  let depth = 0;
  for (let r = ref; r; r = r.before) depth += 1;
  return depth;
}

export interface TranscriptQueryInput {
  /** Return messages `[from, upTo)`; from the first when omitted (an agentRun answers `from`, a thread ignores it). */
  from?: number;
  /** Return messages `[0, upTo)`; all when omitted. */
  upTo?: number;
}

/**
 * The conversation so far, as the run keeps it (big contents as references). Model-call activities
 * read it here instead of carrying it in history; clients read it by page (`transcriptPageQuery`).
 */
export const transcriptQuery = defineQuery<TranscriptMessage[], [TranscriptQueryInput?]>('transcript');

/** Input of `transcriptPage`: messages from `offset` (default 0), at most `limit` (default 50, at most 500). */
export interface TranscriptPageInput {
  offset?: number;
  limit?: number;
}

/** One page of a run's conversation. */
export interface TranscriptPage {
  /** Messages `[offset, offset + messages.length)`; big contents as references. */
  messages: TranscriptMessage[];
  offset: number;
  /** Where the next page starts; absent on the last page. */
  nextOffset?: number;
  /** Messages in the conversation so far. */
  total: number;
}

/**
 * A page of the conversation, bounded in size whatever the run did (`TRANSCRIPT_PAGE_LIMITS`): at
 * most `limit` messages and about 256 KiB of JSON (always at least one message).
 */
export const transcriptPageQuery = defineQuery<TranscriptPage, [TranscriptPageInput?]>('transcriptPage');
