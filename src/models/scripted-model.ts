/**
 * A deterministic, offline chat model for the demo and tests. Its answer depends only on the
 * conversation it is given, never on how often it was called, so a retried model-call activity
 * gets exactly the same answer. A conversation its script does not cover is a loud error.
 */
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { ScriptedModelConfig } from '../workspace/schema.js';

/** Thrown when the script has no answer for the conversation; a clear, final failure. */
export class ScriptExhaustedError extends Error {
  override readonly name = 'ScriptExhaustedError';
  readonly code = 'SCRIPT_EXHAUSTED';
}

export class ScriptedChatModel extends BaseChatModel {
  constructor(
    private readonly modelId: string,
    private readonly config: ScriptedModelConfig,
  ) {
    super({});
  }

  override _llmType(): string {
    return 'scripted';
  }

  // Tools do not change a scripted answer; the workspace loader already checked the script's tool names.
  override bindTools(_tools: BindToolsInput[]): this {
    return this;
  }

  override async _generate(messages: BaseMessage[], _options: BaseChatModelCallOptions): Promise<ChatResult> {
    const message = scriptedAnswer(this.modelId, this.config, messages);
    return { generations: [{ text: typeof message.content === 'string' ? message.content : '', message }] };
  }
}

/** The pure rule: pick the script rule by the latest user message, the turn by answers since. */
export function scriptedAnswer(modelId: string, config: ScriptedModelConfig, messages: BaseMessage[]): AIMessage {
  const lastUser = findLastIndex(messages, (m) => m.getType() === 'human');
  const userText = lastUser >= 0 ? textOf(messages[lastUser]!) : '';
  const turnIndex = messages.slice(lastUser + 1).filter((m) => m.getType() === 'ai').length;
  const rule = config.script.find((r) => r.when === undefined || new RegExp(r.when, 'i').test(userText));
  if (!rule) {
    throw new ScriptExhaustedError(
      `Scripted model "${modelId}" has no rule matching the input ${JSON.stringify(userText)}. Add a rule whose \`when\` matches it, or one without \`when\`.`,
    );
  }
  const turn = rule.turns[turnIndex];
  if (!turn) {
    throw new ScriptExhaustedError(
      `Scripted model "${modelId}" has no turn ${turnIndex + 1} for the input ${JSON.stringify(userText)} (its rule has ${rule.turns.length}). Add a turn to the script.`,
    );
  }
  const toolResults = messages
    .slice(findLastIndex(messages, (m) => m.getType() === 'ai') + 1)
    .filter((m) => m.getType() === 'tool')
    .map(textOf);
  // Templates: {{input}} = the latest user message; {{lastToolResult}} = the results of the
  // latest tool calls, one a line; {{userMessages}} = every user message of the conversation, in
  // order, joined by " | " (a thread's earlier runs included, so tests can see what a run saw).
  const userMessages = messages.filter((m) => m.getType() === 'human').map(textOf);
  const fill = (s: string) =>
    s
      .replaceAll('{{input}}', userText)
      .replaceAll('{{lastToolResult}}', toolResults.join('\n'))
      .replaceAll('{{userMessages}}', userMessages.join(' | '));
  return new AIMessage({
    content: fill(turn.text ?? ''),
    tool_calls: (turn.toolCalls ?? []).map((call, i) => ({
      // Derived from the conversation's length so ids are unique in a run and stable across retries.
      id: `call_${messages.length}_${i}`,
      name: call.name,
      args: call.args,
      type: 'tool_call' as const,
    })),
  });
}

function textOf(message: BaseMessage): string {
  return typeof message.content === 'string' ? message.content : message.text;
}

function findLastIndex<T>(items: T[], pred: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (pred(items[i]!)) return i;
  return -1;
}
