import { describe, expect, it } from 'vitest';
import { ModelConfigError, ScriptExhaustedError } from '../../src/models/errors.js';
import { classifyModelError } from '../../src/models/model-errors.js';

/** An error shaped like the openai SDK's APIError: message `"<status> <detail>"` and a `status`. */
function httpError(status: number, detail = 'details from the server'): Error {
  return Object.assign(new Error(`${status} ${detail}`), { status });
}

describe('classifyModelError', () => {
  it.each([
    [429, true, 'MODEL_RATE_LIMITED', /rate limited \(HTTP 429\)/],
    [500, true, 'MODEL_SERVER_ERROR', /server error \(HTTP 500\)/],
    [502, true, 'MODEL_SERVER_ERROR', /server error \(HTTP 502\)/],
    [503, true, 'MODEL_SERVER_ERROR', /server error \(HTTP 503\)/],
    [408, true, 'MODEL_TRANSIENT', /HTTP 408/],
    [409, true, 'MODEL_TRANSIENT', /HTTP 409/],
    [401, false, 'MODEL_AUTH', /refused the credentials \(HTTP 401\).*Check the API key env var/],
    [403, false, 'MODEL_AUTH', /refused the credentials \(HTTP 403\).*Check the API key env var/],
    [400, false, 'MODEL_BAD_REQUEST', /rejected the request \(HTTP 400\).*Check the model name and settings/],
    [404, false, 'MODEL_BAD_REQUEST', /rejected the request \(HTTP 404\).*Check the model name and settings/],
    [422, false, 'MODEL_BAD_REQUEST', /rejected the request \(HTTP 422\)/],
  ] as const)('HTTP %i → retryable %s, %s', (status, retryable, type, message) => {
    const c = classifyModelError('gpt', httpError(status));
    expect(c.retryable).toBe(retryable);
    expect(c.type).toBe(type);
    expect(c.message).toMatch(message);
    expect(c.message).toContain('Model "gpt"');
    expect(c.message).toContain('details from the server');
    expect(c.message).not.toContain('..');
  });

  it('treats an error without a status (network, DNS, timeout) as retryable MODEL_UNAVAILABLE', () => {
    const refused = Object.assign(new Error('Connection error.'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(classifyModelError('gpt', refused)).toEqual({
      retryable: true,
      type: 'MODEL_UNAVAILABLE',
      message: 'Model "gpt" call failed: Connection error.',
    });
    const timeout = Object.assign(new Error('Request timed out.'), { name: 'TimeoutError' });
    expect(classifyModelError('gpt', timeout)).toMatchObject({ retryable: true, type: 'MODEL_UNAVAILABLE' });
  });

  it('copes with a thrown non-error', () => {
    expect(classifyModelError('gpt', 'socket hang up')).toEqual({
      retryable: true,
      type: 'MODEL_UNAVAILABLE',
      message: 'Model "gpt" call failed: socket hang up',
    });
  });

  it('uses the status of the cause when a wrapper error has none (LangChain ContextOverflowError)', () => {
    const overflow = Object.assign(new Error('Input tokens exceed the configured limit.'), {
      name: 'ContextOverflowError',
      cause: httpError(400, 'Input tokens exceed the configured limit.'),
    });
    expect(classifyModelError('gpt', overflow)).toMatchObject({ retryable: false, type: 'MODEL_BAD_REQUEST' });
  });

  it("drops @langchain/openai's appended troubleshooting link so the fix hint ends the message", () => {
    const err = Object.assign(
      new Error('401 Incorrect API key provided.\n\nTroubleshooting URL: https://docs.langchain.com/oss/javascript/langchain/errors/MODEL_AUTHENTICATION/\n'),
      { status: 401, lc_error_code: 'MODEL_AUTHENTICATION' },
    );
    expect(classifyModelError('gpt', err).message).toBe(
      'Model "gpt" refused the credentials (HTTP 401): 401 Incorrect API key provided. Check the API key env var named in the workspace file.',
    );
  });

  it('ModelConfigError is final, with its own message (it names the env var)', () => {
    const err = new ModelConfigError('MODEL_CONFIG', 'Model "gpt" reads its API key from the environment variable MY_KEY, which is not set on this worker.');
    expect(classifyModelError('gpt', err)).toEqual({ retryable: false, type: 'MODEL_CONFIG', message: err.message });
  });

  it('ScriptExhaustedError is final, with its own message', () => {
    const err = new ScriptExhaustedError('SCRIPT_EXHAUSTED', 'Scripted model "demo" has no turn 3 for the input "hi" (its rule has 2). Add a turn to the script.');
    expect(classifyModelError('demo', err)).toEqual({ retryable: false, type: 'SCRIPT_EXHAUSTED', message: err.message });
  });

  it.each([
    ['Google RequestError (statusCode)', { statusCode: 429 }, 'MODEL_RATE_LIMITED'],
    ['Ollama ResponseError (status_code)', { status_code: 404 }, 'MODEL_BAD_REQUEST'],
    ['AWS SDK error ($metadata.httpStatusCode)', { $metadata: { httpStatusCode: 503 } }, 'MODEL_SERVER_ERROR'],
    ['AWS exception inside an event stream (HTTP 200, named)', { name: 'ThrottlingException', $metadata: { httpStatusCode: 200 } }, 'MODEL_RATE_LIMITED'],
    ['AWS auth exception by name', { name: 'UnrecognizedClientException' }, 'MODEL_AUTH'],
    ['a status on the cause only', { cause: { statusCode: 401 } }, 'MODEL_AUTH'],
  ] as const)('reads the status of every provider client: %s → %s', (_what, fields, type) => {
    expect(classifyModelError('m', Object.assign(new Error('details from the server'), fields)).type).toBe(type);
  });

  it('names every credential env var of a model in the auth hint', () => {
    expect(classifyModelError('b', httpError(403), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']).message).toMatch(
      /Check the credentials in the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY on the worker\.$/,
    );
    expect(classifyModelError('c', httpError(401), 'ANTHROPIC_API_KEY').message).toMatch(/Check the API key in the environment variable ANTHROPIC_API_KEY on the worker\.$/);
  });
});
