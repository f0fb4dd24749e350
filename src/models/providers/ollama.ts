/** `provider: ollama`: a local (or proxied) Ollama's native `/api/chat`, through `@langchain/ollama`. */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { OllamaModelConfig } from '../../workspace/schema.js';
import { requireEnv } from './credentials.js';
import { importProvider } from './load-package.js';

export async function createOllamaModel(modelId: string, config: OllamaModelConfig, env: NodeJS.ProcessEnv): Promise<BaseChatModel> {
  const token = config.apiKeyEnv === undefined ? undefined : requireEnv(modelId, config.apiKeyEnv, env, 'bearer token');
  const { ChatOllama } = await importProvider(modelId, 'ollama', '@langchain/ollama', () => import('@langchain/ollama'));
  return new ChatOllama({
    model: config.model,
    baseUrl: config.baseUrl.replace(/\/$/, ''),
    maxRetries: 0,
    ...(token !== undefined && { headers: { authorization: `Bearer ${token}` } }),
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { numPredict: config.maxTokens }),
  });
}
