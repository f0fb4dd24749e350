/**
 * The conversation types both workflows share (a run's transcript, a thread's messages), and the
 * `transcript` query both answer: model-call activities read a conversation by it instead of
 * carrying it in their inputs.
 */
import { defineQuery } from '@temporalio/workflow';

/** A tool call the model asked for. Its id doubles as the approval id when it needs approval. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Set when the model's call could not be parsed (e.g. arguments that are not JSON): why. */
  invalid?: string;
}

/** One message of a run's conversation: the user's, the model's (with its tool calls), or a tool's result. */
export type TranscriptMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; content: string; isError: boolean };

/** The first `upTo` messages of the `transcript` query of workflow `workflowId`. */
export interface TranscriptRef {
  workflowId: string;
  upTo: number;
}

export interface TranscriptQueryInput {
  /** Return messages `[from, upTo)`; from the first when omitted (an agentRun answers `from`, a thread ignores it). */
  from?: number;
  /** Return messages `[0, upTo)`; all when omitted. */
  upTo?: number;
}

/** The conversation so far. Model-call activities read it here instead of carrying it in history. */
export const transcriptQuery = defineQuery<TranscriptMessage[], [TranscriptQueryInput?]>('transcript');
