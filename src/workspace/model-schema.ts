/**
 * The `models` section of the workspace file: one entry per model, each naming its `provider`.
 * Credentials are never in the file: each entry names the environment variable(s) holding them,
 * read on the worker when the model is first used.
 */
import { z } from 'zod';
import { localModelFields } from './local-model.js';
import { duration } from './schema-primitives.js';

const regex = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value, 'i');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

/** The name of an environment variable (never its value). */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, e.g. ANTHROPIC_API_KEY');

const scriptedToolCall = z.strictObject({
  name: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
});

const scriptedTurn = z
  .strictObject({
    text: z.string().optional(),
    /** Streamed as `reasoning.delta` events before the text (like a reasoning model's thinking). */
    reasoning: z.string().optional(),
    toolCalls: z.array(scriptedToolCall).optional(),
  })
  .refine((t) => t.text !== undefined || (t.toolCalls?.length ?? 0) > 0, {
    message: 'a turn needs `text`, `toolCalls`, or both',
  });

const scriptedRule = z.strictObject({
  /** Case-insensitive regex matched against the latest user message; omitted = matches anything. */
  when: regex.optional(),
  turns: z.array(scriptedTurn).min(1, 'a script rule needs at least one turn'),
});

/**
 * Prices per million tokens (US dollars), so runs and threads report their cost. None are built
 * in: prices change and differ per contract, so the workspace states the ones that apply.
 */
const pricing = z.strictObject({
  inputPerMillionTokens: z.number().nonnegative(),
  outputPerMillionTokens: z.number().nonnegative(),
});

export const scriptedModelSchema = z.strictObject({
  provider: z.literal('scripted'),
  pricing: pricing.optional(),
  ...localModelFields,
  /** Pause between streamed words, so a demo or test can watch tokens arrive live. @default 0 */
  streamDelay: duration.optional(),
  script: z.array(scriptedRule).min(1, 'a scripted model needs at least one script rule'),
});

/** Settings every hosted provider shares. */
const hostedModel = {
  pricing: pricing.optional(),
  ...localModelFields,
  /** The provider's model name, e.g. `claude-sonnet-4-5`, `gemini-2.5-flash`, `llama3.2`. */
  model: z.string().min(1),
  /** Another endpoint speaking the provider's API (a proxy, a gateway, a local server). */
  baseUrl: z.url().optional(),
  temperature: z.number().min(0).max(2).optional(),
  maxTokens: z.number().int().positive().optional(),
};

export const openaiModelSchema = z.strictObject({
  provider: z.literal('openai'),
  ...hostedModel,
  /** Any OpenAI-compatible endpoint (OpenAI, vLLM, LiteLLM, Ollama's /v1…), e.g. `http://localhost:8000/v1`. */
  baseUrl: z.url().optional(),
  /** Name of the env var holding the key: keys never go in the file or in workflow history. */
  apiKeyEnv: envName.default('OPENAI_API_KEY'),
});

export const anthropicModelSchema = z.strictObject({
  provider: z.literal('anthropic'),
  ...hostedModel,
  apiKeyEnv: envName.default('ANTHROPIC_API_KEY'),
  /** Anthropic answers with at most this many tokens; its API requires a value. @default 4096 */
  maxTokens: z.number().int().positive().default(4096),
});

export const googleModelSchema = z.strictObject({
  provider: z.literal('google'),
  ...hostedModel,
  /** A Gemini API key (Google AI Studio). */
  apiKeyEnv: envName.default('GOOGLE_API_KEY'),
});

export const ollamaModelSchema = z.strictObject({
  provider: z.literal('ollama'),
  ...hostedModel,
  /** @default http://127.0.0.1:11434 */
  baseUrl: z.url().default('http://127.0.0.1:11434'),
  /** A local Ollama needs no key; one behind an authenticating proxy reads a bearer token from this variable. */
  apiKeyEnv: envName.optional(),
});

export const bedrockModelSchema = z.strictObject({
  provider: z.literal('bedrock'),
  ...hostedModel,
  /** AWS region of the Bedrock endpoint; else the worker's AWS_REGION (or AWS_DEFAULT_REGION). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region, e.g. us-east-1').optional(),
  /**
   * The credentials come from these variables only: the AWS default credential chain (profiles,
   * SSO, instance metadata) is never consulted, so a missing key fails at once instead of probing
   * a metadata endpoint.
   */
  accessKeyIdEnv: envName.default('AWS_ACCESS_KEY_ID'),
  secretAccessKeyEnv: envName.default('AWS_SECRET_ACCESS_KEY'),
  /** Used when set on the worker (temporary credentials). */
  sessionTokenEnv: envName.default('AWS_SESSION_TOKEN'),
});

const PROVIDERS = ['scripted', 'openai', 'anthropic', 'google', 'ollama', 'bedrock'] as const;

export const modelSchema = z.discriminatedUnion(
  'provider',
  [scriptedModelSchema, openaiModelSchema, anthropicModelSchema, googleModelSchema, ollamaModelSchema, bedrockModelSchema],
  {
    error: (issue) => (issue.code === 'invalid_union' ? `expected \`provider\` to be one of: ${PROVIDERS.join(', ')}` : undefined),
  },
);

export type ModelConfig = z.output<typeof modelSchema>;
export type ScriptedModelConfig = z.output<typeof scriptedModelSchema>;
export type OpenAIModelConfig = z.output<typeof openaiModelSchema>;
export type AnthropicModelConfig = z.output<typeof anthropicModelSchema>;
export type GoogleModelConfig = z.output<typeof googleModelSchema>;
export type OllamaModelConfig = z.output<typeof ollamaModelSchema>;
export type BedrockModelConfig = z.output<typeof bedrockModelSchema>;
/** Every model entry that calls a hosted API (all but `scripted`). */
export type HostedModelConfig = Exclude<ModelConfig, ScriptedModelConfig>;
