/** Credentials come from environment variables named in the workspace; their values go nowhere else. */
import type { ModelConfig } from '../../workspace/schema.js';
import { ModelConfigError } from '../errors.js';

/**
 * The value of the env var `name` on this worker.
 * @throws {ModelConfigError} naming the variable (never a value) when it is unset or empty.
 */
export function requireEnv(modelId: string, name: string, env: NodeJS.ProcessEnv, what = 'API key'): string {
  const value = env[name];
  if (!value) {
    throw new ModelConfigError(
      'MODEL_CONFIG',
      `Model "${modelId}" reads its ${what} from the environment variable ${name}, which is not set on this worker. Set it where the worker runs (never in the workspace file).`,
    );
  }
  return value;
}

/** The env vars holding a model's credentials, for error hints; empty when it needs none. */
export function credentialEnvVars(config: ModelConfig | undefined): string[] {
  switch (config?.provider) {
    case 'openai':
    case 'anthropic':
    case 'google':
      return [config.apiKeyEnv];
    case 'ollama':
      return config.apiKeyEnv ? [config.apiKeyEnv] : [];
    case 'bedrock':
      return [config.accessKeyIdEnv, config.secretAccessKeyEnv];
    default:
      return [];
  }
}
