/**
 * `provider: google`: Gemini through the Gemini API with an API key, using `@langchain/google`
 * (optional peer dependency) — LangChain's successor to `@langchain/google-genai`, which wraps
 * Google's deprecated `@google/generative-ai` SDK. We use its web client path (plain `fetch`),
 * never Google's credential discovery, so a missing key fails here instead of probing a metadata server.
 */
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { GoogleModelConfig } from '../../workspace/schema.js';
import { requireEnv } from './credentials.js';
import { importProvider } from './load-package.js';

const GEMINI_API_ORIGIN = 'https://generativelanguage.googleapis.com';

export async function createGoogleModel(modelId: string, config: GoogleModelConfig, env: NodeJS.ProcessEnv): Promise<BaseChatModel> {
  const apiKey = requireEnv(modelId, config.apiKeyEnv, env);
  const { ChatGoogle } = await importProvider(modelId, 'google', '@langchain/google', () => import('@langchain/google'));

  /**
   * @langchain/google 0.1's converter drops the `tool_calls` of an AI message in LangChain's
   * classic format (it expects Gemini's own `functionCall` content parts), so a conversation
   * rebuilt from the run's transcript would lose the model's calls. Marking such messages as the
   * standard v1 format makes it send them as `functionCall` parts.
   */
  class TranscriptChatGoogle extends ChatGoogle {
    override _streamResponseChunks(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun) {
      return super._streamResponseChunks(messages.map(withStandardToolCalls), options, runManager);
    }

    override _generate(messages: BaseMessage[], options: this['ParsedCallOptions'], runManager?: CallbackManagerForLLMRun) {
      return super._generate(messages.map(withStandardToolCalls), options, runManager);
    }
  }

  return new TranscriptChatGoogle({
    model: config.model,
    maxRetries: 0,
    platformType: 'gai',
    streamUsage: true,
    apiClient: geminiApiClient(apiKey, config.baseUrl),
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { maxOutputTokens: config.maxTokens }),
  });
}

/**
 * The transport `ChatGoogle` calls: adds the key header (never in the URL, so it cannot show up
 * in an error message) and, with a `baseUrl`, sends the request there instead of Google's origin.
 */
function geminiApiClient(apiKey: string, baseUrl: string | undefined) {
  return {
    hasApiKey: () => true,
    getProjectId: () => Promise.resolve('unknown-project-id'),
    async fetch(request: Request): Promise<Response> {
      const headers = new Headers(request.headers);
      headers.set('x-goog-api-key', apiKey);
      return fetch(rebase(request.url, baseUrl), {
        method: request.method,
        headers,
        body: await request.text(),
        signal: request.signal,
      });
    },
  };
}

function rebase(url: string, baseUrl: string | undefined): string {
  if (baseUrl === undefined || !url.startsWith(GEMINI_API_ORIGIN)) return url;
  return baseUrl.replace(/\/$/, '') + url.slice(GEMINI_API_ORIGIN.length);
}

function withStandardToolCalls(message: BaseMessage): BaseMessage {
  if (!AIMessage.isInstance(message) || !message.tool_calls?.length || 'output_version' in message.response_metadata) return message;
  return new AIMessage({
    content: message.content,
    tool_calls: message.tool_calls,
    response_metadata: { ...message.response_metadata, output_version: 'v1' },
    ...(message.id !== undefined && { id: message.id }),
  });
}
