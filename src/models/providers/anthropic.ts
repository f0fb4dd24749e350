/** `provider: anthropic`: the Messages API through `@langchain/anthropic` (optional peer dependency). */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { AnthropicModelConfig } from '../../workspace/schema.js';
import { requireEnv } from './credentials.js';
import { importProvider } from './load-package.js';

export async function createAnthropicModel(modelId: string, config: AnthropicModelConfig, env: NodeJS.ProcessEnv): Promise<BaseChatModel> {
  const apiKey = requireEnv(modelId, config.apiKeyEnv, env);
  const { ChatAnthropic } = await importProvider(modelId, 'anthropic', '@langchain/anthropic', () => import('@langchain/anthropic'));
  return new ChatAnthropic({
    model: config.model,
    apiKey,
    maxRetries: 0,
    maxTokens: config.maxTokens,
    // Input and output token counts arrive in the stream's message_start / message_delta events.
    streamUsage: true,
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    // The SDK appends `/v1/messages`: a base URL is the endpoint's origin (plus any proxy prefix).
    ...(config.baseUrl !== undefined && { anthropicApiUrl: config.baseUrl.replace(/\/$/, '') }),
  });
}
