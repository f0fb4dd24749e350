/**
 * A deterministic, offline chat model for the demo and tests. Its answer depends only on the
 * conversation it is given, never on how often it was called, so a retried model-call activity
 * gets exactly the same answer. A conversation its script does not cover is a loud error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import { ChatGenerationChunk, type ChatResult } from '@langchain/core/outputs';
import type { ScriptedModelConfig } from '../workspace/schema.js';
import { ScriptExhaustedError } from './errors.js';


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

  /**
   * Streams the same answer `_generate` gives: reasoning words, then text words (with the
   * configured pause between them), then the tool calls in one chunk.
   */
  override async *_streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions']): AsyncGenerator<ChatGenerationChunk> {
    const answer = scriptedAnswer(this.modelId, this.config, messages);
    const delayMs = this.config.streamDelay ?? 0;
    const pause = () => (delayMs > 0 ? sleep(delayMs, options.signal) : Promise.resolve());
    const reasoning = answer.additional_kwargs?.reasoning_content;
    for (const word of typeof reasoning === 'string' ? words(reasoning) : []) {
      yield new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', additional_kwargs: { reasoning_content: word } }) });
      await pause();
    }
    for (const word of words(typeof answer.content === 'string' ? answer.content : '')) {
      yield new ChatGenerationChunk({ text: word, message: new AIMessageChunk({ content: word }) });
      await pause();
    }
    if (answer.usage_metadata) {
      yield new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', usage_metadata: answer.usage_metadata }) });
    }
    if (answer.tool_calls?.length) {
      const tool_call_chunks = answer.tool_calls.map((c, index) => ({
        id: c.id,
        name: c.name,
        args: JSON.stringify(c.args),
        index,
        type: 'tool_call_chunk' as const,
      }));
      yield new ChatGenerationChunk({ text: '', message: new AIMessageChunk({ content: '', tool_call_chunks }) });
    }
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
  const ruleIndex = config.script.findIndex((r) => r.when === undefined || new RegExp(r.when, 'i').test(userText));
  const rule = config.script[ruleIndex];
  // The messages never quote the conversation: they end up in failures, logs and the Web UI,
  // which must not carry what the user typed. The rule's own `when` (workspace config) is fine.
  if (!rule) {
    throw new ScriptExhaustedError(
      'SCRIPT_EXHAUSTED',
      `Scripted model "${modelId}" has no rule matching the latest user message (${userText.length} characters; rules tried: ${config.script.map((r) => JSON.stringify(r.when)).join(', ')}). ` +
        'Add a rule whose `when` matches it, or one without `when`.',
    );
  }
  const turn = rule.turns[turnIndex];
  if (!turn) {
    throw new ScriptExhaustedError(
      'SCRIPT_EXHAUSTED',
      `Scripted model "${modelId}" has no turn ${turnIndex + 1} for the latest user message (rule ${ruleIndex + 1}${rule.when === undefined ? '' : `, when ${JSON.stringify(rule.when)}`}, has ${rule.turns.length}). Add a turn to the script.`,
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
  const content = fill(turn.text ?? '');
  // Deterministic token counts (about 4 characters a token), so usage and cost can be shown and tested.
  const inputTokens = Math.ceil(messages.reduce((n, m) => n + textOf(m).length, 0) / 4);
  const outputTokens = Math.ceil((content.length + JSON.stringify(turn.toolCalls ?? []).length) / 4);
  return new AIMessage({
    content,
    usage_metadata: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
    ...(turn.reasoning !== undefined && { additional_kwargs: { reasoning_content: fill(turn.reasoning) } }),
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

/** Words with their trailing spaces, so joined chunks give back the text exactly. */
function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  // `timers/promises` removes its abort listener when the timer fires: a listener per word left
  // on the activity's signal piled up over a long answer (Node's "possible memory leak" warning).
  return delay(ms, undefined, signal && { signal });
}
