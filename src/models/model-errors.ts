/** How a failed model call should be treated: retried by Temporal, or final with a clear message. */
import { ModelConfigError, ScriptExhaustedError } from './errors.js';

export interface ClassifiedModelError {
  retryable: boolean;
  /** Stable type for the ApplicationFailure (also what `nonRetryableErrorTypes` could match). */
  type: string;
  message: string;
}

/**
 * Rate limits, server errors, timeouts and network failures are worth retrying with backoff;
 * bad requests, bad credentials and unknown models will fail the same way every time.
 */
export function classifyModelError(modelId: string, err: unknown, apiKeyEnv?: string): ClassifiedModelError {
  const keyHint = apiKeyEnv
    ? `Check the API key in the environment variable ${apiKeyEnv} on the worker.`
    : 'Check the API key env var named in the workspace file.';
  const e = err as { status?: number; code?: string; name?: string; message?: string; lc_error_code?: string; cause?: { status?: unknown } };
  // @langchain/openai rewraps some HTTP errors (e.g. a context-window overflow, HTTP 400) in a
  // LangChain error without a status; the HTTP error is its cause.
  const status = typeof e?.status === 'number' ? e.status : typeof e?.cause?.status === 'number' ? e.cause.status : undefined;
  // @langchain/openai appends "\n\nTroubleshooting URL: …" to some messages; our own hint follows instead.
  const detail = (e?.message ?? String(err)).replace(/\s*Troubleshooting URL: \S+\s*$/, '');
  if (err instanceof ModelConfigError) return { retryable: false, type: err.code, message: detail };
  // By name too: a graph module may load its own copy of the scripted model (another module instance).
  if (err instanceof ScriptExhaustedError || e?.name === 'ScriptExhaustedError') return { retryable: false, type: 'SCRIPT_EXHAUSTED', message: detail };
  if (status === 429) return { retryable: true, type: 'MODEL_RATE_LIMITED', message: `Model "${modelId}" is rate limited (HTTP 429): ${detail}` };
  if (status !== undefined && status >= 500) {
    return { retryable: true, type: 'MODEL_SERVER_ERROR', message: `Model "${modelId}" server error (HTTP ${status}): ${detail}` };
  }
  if (status === 401 || status === 403) {
    return {
      retryable: false,
      type: 'MODEL_AUTH',
      message: `Model "${modelId}" refused the credentials (HTTP ${status}): ${sentence(detail)} ${keyHint}`,
    };
  }
  if (status === 408 || status === 409) {
    return { retryable: true, type: 'MODEL_TRANSIENT', message: `Model "${modelId}" call failed (HTTP ${status}): ${detail}` };
  }
  if (status !== undefined && status >= 400) {
    return {
      retryable: false,
      type: 'MODEL_BAD_REQUEST',
      message: `Model "${modelId}" rejected the request (HTTP ${status}): ${sentence(detail)} Check the model name and settings in the workspace file.`,
    };
  }
  // No HTTP status: connection refused, reset, DNS, timeouts. Transient until proven otherwise.
  return { retryable: true, type: 'MODEL_UNAVAILABLE', message: `Model "${modelId}" call failed: ${detail}` };
}

/** Ends `text` with a full stop unless it already ends a sentence (server messages usually do). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
