/** Converts between the run's plain transcript and LangChain messages. */
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  type BaseMessage,
} from '@langchain/core/messages';
import type { ToolCall, TranscriptMessage } from '../workflows/shared/conversation.js';
import type { ModelTurn } from './call-model.js';

export function toLangChainMessages(systemPrompt: string, transcript: TranscriptMessage[]): BaseMessage[] {
  const out: BaseMessage[] = systemPrompt ? [new SystemMessage(systemPrompt)] : [];
  for (const m of transcript) {
    if (m.role === 'user') out.push(new HumanMessage(m.content));
    else if (m.role === 'assistant') {
      out.push(
        new AIMessage({
          content: m.content,
          tool_calls: m.toolCalls.map((c) => ({ id: c.id, name: c.name, args: c.args, type: 'tool_call' as const })),
        }),
      );
    } else {
      out.push(new ToolMessage({ content: m.content, tool_call_id: m.toolCallId, name: m.toolName, status: m.isError ? 'error' : 'success' }));
    }
  }
  return out;
}

export function toModelTurn(message: AIMessage): ModelTurn {
  const toolCalls: ToolCall[] = (message.tool_calls ?? []).map((c, i) => ({
    id: c.id ?? `call_${i}`,
    name: c.name,
    args: (c.args ?? {}) as Record<string, unknown>,
  }));
  // A call the provider could not parse still gets an answer, so the model learns what was wrong
  // (and the conversation stays valid: every tool call is followed by its result).
  (message.invalid_tool_calls ?? []).forEach((c, i) => {
    toolCalls.push({
      id: c.id ?? `invalid_call_${i}`,
      name: c.name ?? '(unnamed)',
      args: {},
      invalid: `${c.error ?? 'the call could not be parsed'}; arguments were: ${c.args ?? '(none)'}`,
    });
  });
  const usage = message.usage_metadata;
  return {
    content: typeof message.content === 'string' ? message.content : message.text,
    toolCalls,
    ...(usage && {
      usage: { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens, totalTokens: usage.total_tokens },
    }),
  };
}
