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
 * bad requests, bad credentials and unknown models will fail the same way every time. Works on
 * the errors of every provider's client (HTTP status as `status`, `statusCode`, `status_code` or
 * AWS's `$metadata.httpStatusCode`, or an AWS exception name), on the error or its cause.
 * @param credentialEnv the env var(s) holding the model's credentials, named in the auth hint.
 */
export function classifyModelError(modelId: string, err: unknown, credentialEnv?: string | readonly string[]): ClassifiedModelError {
  const keyHint = credentialHint(credentialEnv);
  const e = err as { name?: string; message?: string; cause?: unknown };
  const status = statusOf(err) ?? statusOf(e?.cause);
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

function credentialHint(credentialEnv: string | readonly string[] | undefined): string {
  const names = typeof credentialEnv === 'string' ? [credentialEnv] : credentialEnv ?? [];
  if (names.length === 1) return `Check the API key in the environment variable ${names[0]} on the worker.`;
  if (names.length > 1) return `Check the credentials in the environment variables ${names.join(' and ')} on the worker.`;
  return 'Check the API key env var named in the workspace file.';
}

/** AWS exceptions raised inside an event stream arrive on an HTTP 200 response: their name says what happened. */
const AWS_EXCEPTION_STATUS: Record<string, number> = {
  ThrottlingException: 429,
  ServiceQuotaExceededException: 429,
  ModelNotReadyException: 429,
  ModelTimeoutException: 408,
  InternalServerException: 500,
  ModelStreamErrorException: 500,
  ServiceUnavailableException: 503,
  ValidationException: 400,
  ResourceNotFoundException: 404,
  AccessDeniedException: 403,
  UnrecognizedClientException: 403,
  ExpiredTokenException: 403,
};

/** The HTTP status an SDK error carries (an error status only), else one its AWS exception name implies. */
function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { status?: unknown; statusCode?: unknown; status_code?: unknown; $metadata?: { httpStatusCode?: unknown }; name?: unknown };
  for (const value of [e.status, e.statusCode, e.status_code, e.$metadata?.httpStatusCode]) {
    if (typeof value === 'number' && value >= 400) return value;
  }
  return typeof e.name === 'string' ? AWS_EXCEPTION_STATUS[e.name] : undefined;
}
