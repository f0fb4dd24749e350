/**
 * What a thread writes to memory when one of its runs completes: lasting facts from that run, or
 * one summary of the whole thread (replaced each run). Extraction asks the agent's model, or is
 * deterministic (`extract: simple`: the user's own statements, verbatim). Pure functions here;
 * the activity in src/activities/memory-sync.ts reads the thread and writes the store.
 */
import type { TranscriptMessage } from '../workflows/shared/conversation.js';

/** At most this many facts per run: a model that rambles must not flood the store. */
export const MAX_FACTS = 20;
const MAX_FACT_CHARS = 1000;
const MAX_SUMMARY_CHARS = 4000;
/** The end of a long conversation is what matters most; older parts are cut. */
const MAX_CONVERSATION_CHARS = 24_000;

/** Starts of the extraction prompts (a scripted model's `when` can match them). */
export const FACTS_PROMPT =
  'Extract the lasting facts about the user from this conversation: preferences, personal details, decisions, commitments. ' +
  'Write one self-contained fact per line, without numbering. If nothing is worth remembering, answer NONE.';
export const SUMMARY_PROMPT =
  'Summarize this conversation for your future self in at most five sentences: who the user is, what they wanted, what was decided or done, and what is still open.';

/** The conversation as plain text for an extraction prompt. */
export function renderConversation(messages: readonly TranscriptMessage[]): string {
  const lines = messages.map((m) => {
    if (m.role === 'user') return `user: ${m.content}`;
    if (m.role === 'tool') return `tool ${m.toolName}${m.isError ? ' (error)' : ''}: ${clip(m.content, 500)}`;
    const calls = m.toolCalls.map((c) => `[called ${c.name}]`).join(' ');
    return `assistant: ${[m.content, calls].filter(Boolean).join(' ')}`;
  });
  const text = lines.join('\n');
  return text.length > MAX_CONVERSATION_CHARS ? `…${text.slice(-MAX_CONVERSATION_CHARS)}` : text;
}

/** The extraction request to send as the user message. */
export function extractionPrompt(mode: 'facts' | 'summary', messages: readonly TranscriptMessage[]): string {
  return `${mode === 'facts' ? FACTS_PROMPT : SUMMARY_PROMPT}\n\nConversation:\n${renderConversation(messages)}`;
}

/** A model's answer to the facts prompt → facts (bullets and numbering removed, `NONE` = none). */
export function parseFacts(answer: string): string[] {
  const facts = answer
    .split('\n')
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter((line) => line !== '' && !/^none\.?$/i.test(line))
    .map((line) => clip(line, MAX_FACT_CHARS));
  return [...new Set(facts)].slice(0, MAX_FACTS);
}

/** A model's summary, trimmed; empty or `NONE` = nothing to store. */
export function parseSummary(answer: string): string | undefined {
  const text = answer.trim();
  return text === '' || /^none\.?$/i.test(text) ? undefined : clip(text, MAX_SUMMARY_CHARS);
}

/**
 * Deterministic facts: the sentences the user stated (questions left out), verbatim. It keeps
 * what the user said, not what it means: "call me Sam" stays "call me Sam".
 */
export function simpleFacts(messages: readonly TranscriptMessage[]): string[] {
  const sentences = messages
    .filter((m) => m.role === 'user')
    .flatMap((m) => m.content.split(/(?<=[.!?])\s+|\n+/))
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.endsWith('?') && s.split(/\s+/).length >= 3)
    .map((s) => clip(s, MAX_FACT_CHARS));
  return [...new Set(sentences)].slice(0, MAX_FACTS);
}

/** Deterministic summary: what the user said, in order, and the assistant's last answer. */
export function simpleSummary(threadId: string, messages: readonly TranscriptMessage[]): string | undefined {
  const said = messages.filter((m) => m.role === 'user').map((m) => `"${clip(m.content, 300)}"`);
  if (said.length === 0) return undefined;
  const lastAnswer = [...messages].reverse().find((m) => m.role === 'assistant' && m.content !== '');
  const answer = lastAnswer ? ` The assistant last answered: "${clip(lastAnswer.content, 500)}".` : '';
  return clip(`In conversation ${threadId} the user said: ${said.join(' / ')}.${answer}`, MAX_SUMMARY_CHARS);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
