/**
 * `provider: bedrock`: Amazon Bedrock's Converse API (streamed as AWS's binary event-stream
 * format) through `@langchain/aws` (optional peer dependency). Credentials come only from the env
 * vars the workspace names: the AWS default credential chain is never built, so a missing key
 * fails at once and no instance-metadata endpoint is ever probed.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { BedrockModelConfig } from '../../workspace/schema.js';
import { ModelConfigError } from '../errors.js';
import { requireEnv } from './credentials.js';
import { importProvider } from './load-package.js';

export async function createBedrockModel(modelId: string, config: BedrockModelConfig, env: NodeJS.ProcessEnv): Promise<BaseChatModel> {
  const region = config.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new ModelConfigError(
      'MODEL_CONFIG',
      `Model "${modelId}" (bedrock) has no AWS region: set \`region\` on the model in the workspace file, or AWS_REGION where the worker runs.`,
    );
  }
  const sessionToken = env[config.sessionTokenEnv];
  const credentials = {
    accessKeyId: requireEnv(modelId, config.accessKeyIdEnv, env, 'AWS access key id'),
    secretAccessKey: requireEnv(modelId, config.secretAccessKeyEnv, env, 'AWS secret access key'),
    ...(sessionToken && { sessionToken }),
  };
  const { ChatBedrockConverse } = await importProvider(modelId, 'bedrock', '@langchain/aws', () => import('@langchain/aws'));
  // One attempt per call: Temporal retries. (The AWS SDK retries 3 times by default.)
  const clientOptions = { region, credentials, maxAttempts: 1 };
  const model = new ChatBedrockConverse({
    model: config.model,
    region,
    credentials,
    maxRetries: 0,
    streamUsage: true,
    clientOptions,
    ...(config.temperature !== undefined && { temperature: config.temperature }),
    ...(config.maxTokens !== undefined && { maxTokens: config.maxTokens }),
  });
  if (config.baseUrl !== undefined) {
    // `endpointHost` only takes an https host; a full URL (a proxy, a local endpoint) needs the
    // client built with it. The same client class @langchain/aws itself loaded, so nothing else differs.
    const BedrockRuntimeClient = model.client.constructor as new (options: Record<string, unknown>) => typeof model.client;
    model.client = new BedrockRuntimeClient({ ...clientOptions, endpoint: config.baseUrl });
  }
  return model;
}
