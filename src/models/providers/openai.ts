/** `provider: openai`: OpenAI or any OpenAI-compatible endpoint, through `@langchain/openai` (a dependency). */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOpenAI } from '@langchain/openai';
import type { OpenAIModelConfig } from '../../workspace/schema.js';
import { requireEnv } from './credentials.js';

export function createOpenAIModel(modelId: string, config: OpenAIModelConfig, env: NodeJS.ProcessEnv): BaseChatModel {
  return new ChatOpenAI({
    model: config.model,
    apiKey: requireEnv(modelId, config.apiKeyEnv, env),
    maxRetries: 0,
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }),
    ...(config.baseUrl !== undefined && { configuration: { baseURL: config.baseUrl } }),
  });
}
