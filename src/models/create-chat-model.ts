/** Builds the LangChain chat model a workspace model entry names. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ModelConfig } from '../workspace/schema.js';
import { createAnthropicModel } from './providers/anthropic.js';
import { createBedrockModel } from './providers/bedrock.js';
import { createGoogleModel } from './providers/google.js';
import { createOllamaModel } from './providers/ollama.js';
import { createOpenAIModel } from './providers/openai.js';
import { ScriptedChatModel } from './scripted-model.js';

/**
 * The chat model for `config`. Every hosted model is built with its client's own retries off:
 * Temporal owns retries (with backoff, visible in history); a second retry loop would hide them.
 * Provider packages other than `@langchain/openai` load on first use.
 * @throws {ModelConfigError} when a credential env var is not set on this worker, or the
 * provider's package is not installed (the message names it).
 * @example
 * const model = await createChatModel('claude', workspace.config.models.claude!);
 */
export async function createChatModel(modelId: string, config: ModelConfig, env: NodeJS.ProcessEnv = process.env): Promise<BaseChatModel> {
  switch (config.provider) {
    case 'scripted':
      return new ScriptedChatModel(modelId, config);
    case 'openai':
      return createOpenAIModel(modelId, config, env);
    case 'anthropic':
      return createAnthropicModel(modelId, config, env);
    case 'google':
      return createGoogleModel(modelId, config, env);
    case 'ollama':
      return createOllamaModel(modelId, config, env);
    case 'bedrock':
      return createBedrockModel(modelId, config, env);
  }
}

/**
 * One chat model per model id, built on first use and shared after (a failed build is not kept,
 * so a worker whose env var is set later, or a package installed, recovers without a restart).
 */
export function chatModelCache(models: Readonly<Record<string, ModelConfig>>, env: NodeJS.ProcessEnv = process.env) {
  const built = new Map<string, Promise<BaseChatModel>>();
  return (modelId: string): Promise<BaseChatModel> => {
    let model = built.get(modelId);
    if (!model) {
      model = createChatModel(modelId, models[modelId]!, env);
      built.set(modelId, model);
      model.catch(() => built.delete(modelId));
    }
    return model;
  };
}
