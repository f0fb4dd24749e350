/** Reading a graph's state for people: its final answer, and JSON summaries for events. */
import { isBaseMessage, type BaseMessage } from '@langchain/core/messages';

/** Events stay small: a node update bigger than this is summarized by its keys. */
const MAX_EVENT_JSON_CHARS = 8 * 1024;

/**
 * The run's output from the graph's final state: the last AI message's text when the state has
 * `messages`, else a string `output` field, else the state as JSON.
 */
export function graphOutput(values: unknown): string {
  const state = (values ?? {}) as Record<string, unknown>;
  if (Array.isArray(state.messages)) {
    const last = [...state.messages].reverse().find((m) => isBaseMessage(m) && m.getType() === 'ai') as BaseMessage | undefined;
    if (last) return last.text;
  }
  if (typeof state.output === 'string') return state.output;
  return JSON.stringify(toEventJson(state, Infinity));
}

/** A JSON-safe copy of a state update: messages as `{ type, content, tool_calls }`, long values cut. */
export function toEventJson(value: unknown, maxChars = MAX_EVENT_JSON_CHARS): unknown {
  const plain = plainJson(value);
  const text = JSON.stringify(plain) ?? 'null';
  if (text.length <= maxChars) return plain;
  if (plain && typeof plain === 'object' && !Array.isArray(plain)) {
    return { truncated: true, chars: text.length, keys: Object.keys(plain) };
  }
  return { truncated: true, chars: text.length };
}

function plainJson(value: unknown, depth = 0): unknown {
  if (depth > 20) return '…';
  if (isBaseMessage(value)) {
    const m = value as BaseMessage & { tool_calls?: unknown[]; tool_call_id?: string };
    return {
      type: m.getType(),
      content: m.content,
      ...(m.tool_calls?.length && { tool_calls: m.tool_calls }),
      ...(m.tool_call_id !== undefined && { tool_call_id: m.tool_call_id }),
    };
  }
  if (Array.isArray(value)) return value.map((v) => plainJson(v, depth + 1));
  if (value && typeof value === 'object') {
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value)) as unknown;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainJson(v, depth + 1)]));
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  return value;
}
