/** Builds the LangChain chat model a workspace model entry names. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import type { ModelConfig } from '../workspace/schema.js';
import { ModelConfigError } from './errors.js';
import { ScriptedChatModel } from './scripted-model.js';

/**
 * @throws {ModelConfigError} when the model's API-key env var is not set on this worker.
 */
export function createChatModel(modelId: string, config: ModelConfig, env: NodeJS.ProcessEnv = process.env): BaseChatModel {
  if (config.provider === 'scripted') return new ScriptedChatModel(modelId, config);
  const apiKey = env[config.apiKeyEnv];
  if (!apiKey) {
    throw new ModelConfigError(
      'MODEL_CONFIG',
      `Model "${modelId}" reads its API key from the environment variable ${config.apiKeyEnv}, which is not set on this worker. Set it where the worker runs (never in the workspace file).`,
    );
  }
  return new ChatOpenAI({
    model: config.model,
    apiKey,
    // Temporal owns retries (with backoff, visible in history); a second retry loop would hide them.
    maxRetries: 0,
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }),
    ...(config.baseUrl !== undefined && { configuration: { baseURL: config.baseUrl } }),
  });
}
