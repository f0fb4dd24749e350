/**
 * A local OpenAI-compatible Chat Completions server for tests: no network, no key, real wire
 * format. `POST /v1/chat/completions` answers from a handler the test gives (request → reply),
 * as JSON or, when the client asks with `stream: true`, as SSE chunks ending in `data: [DONE]`.
 * Every request is recorded (headers and parsed body) so tests can assert what the client sent.
 *
 * Shapes follow the `openai` package's own types (`ChatCompletion`, `ChatCompletionChunk`), which
 * is what `@langchain/openai` parses; the compiler checks them below.
 *
 * @example
 * const stub = await startOpenAIStub(byAssistantTurns([
 *   reply.toolCall('echo', { text: 'hi' }),
 *   (req) => reply.text(`done: ${lastToolResult(req)}`),
 * ]));
 * // workspace model: { provider: openai, baseUrl: stub.baseUrl, apiKeyEnv: ... }
 * await stub.close();
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';

/** The JSON body of a chat completions request, loosely typed: tests assert on it. */
export interface ChatRequestBody {
  model: string;
  messages: Array<{
    role: string;
    content?: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
    [key: string]: unknown;
  }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: Record<string, unknown> } }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** One request as the stub saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body. A body that is empty or not JSON is answered 400 `invalid_json` and recorded as `undefined`. */
  body: ChatRequestBody;
  /** 0-based position among all requests this stub received. */
  index: number;
  /** `Date.now()` when the request arrived (e.g. to see retry spacing). */
  receivedAt: number;
}

export interface StubToolCall {
  /** @default `call_<n>_<i>` from the request index and position, so ids are stable per request. */
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (to simulate malformed arguments). */
  arguments: Record<string, unknown> | string;
}

export interface StubUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** A successful assistant answer. */
export interface StubCompletion {
  kind: 'completion';
  text?: string;
  toolCalls?: StubToolCall[];
  /** @default `{ prompt_tokens: 10, completion_tokens: 5 }`; `null` sends no usage at all. */
  usage?: StubUsage | null;
  /** @default `tool_calls` when there are tool calls, else `stop` */
  finishReason?: ChatCompletion.Choice['finish_reason'];
}

/** An HTTP error with OpenAI's error body `{ error: { message, type, param, code } }`. */
export interface StubError {
  kind: 'error';
  status: number;
  message: string;
  /** @default derived from the status, e.g. `rate_limit_error`, `invalid_request_error` */
  type?: string;
  code?: string | null;
  param?: string | null;
  /** Extra response headers (e.g. `retry-after`); none by default. */
  headers?: Record<string, string>;
}

export type StubReply = StubCompletion | StubError;

/** Decides the answer to one request; may be async (e.g. to hold a request open). */
export type StubHandler = (request: RecordedRequest) => StubReply | Promise<StubReply>;

/** Builders for replies. */
export const reply = {
  text(text: string, extra: Omit<StubCompletion, 'kind' | 'text'> = {}): StubCompletion {
    return { kind: 'completion', text, ...extra };
  },
  toolCall(name: string, args: Record<string, unknown> | string, extra: Omit<StubCompletion, 'kind' | 'toolCalls'> & { id?: string } = {}): StubCompletion {
    const { id, ...rest } = extra;
    return { kind: 'completion', toolCalls: [{ name, arguments: args, ...(id !== undefined && { id }) }], ...rest };
  },
  completion(spec: Omit<StubCompletion, 'kind'>): StubCompletion {
    return { kind: 'completion', ...spec };
  },
  error(status: number, message: string, extra: Omit<StubError, 'kind' | 'status' | 'message'> = {}): StubError {
    return { kind: 'error', status, message, ...extra };
  },
};

/** Answers the n-th request with `replies[n]`; a request beyond the list gets a loud 400 `stub_exhausted`. */
export function inSequence(replies: Array<StubReply | StubHandler>): StubHandler {
  return (request) => {
    const next = replies[request.index];
    if (next === undefined) return exhausted(`request #${request.index + 1}, but the test scripted ${replies.length}`);
    return typeof next === 'function' ? next(request) : next;
  };
}

/**
 * Answers by the number of assistant messages in the request (after the last user message), like
 * the scripted model: the same conversation always gets the same answer, so a retried call does too.
 */
export function byAssistantTurns(replies: Array<StubReply | StubHandler>): StubHandler {
  return (request) => {
    const messages = request.body?.messages ?? [];
    let lastUser = -1;
    messages.forEach((m, i) => {
      if (m.role === 'user') lastUser = i;
    });
    const turn = messages.slice(lastUser + 1).filter((m) => m.role === 'assistant').length;
    const next = replies[turn];
    if (next === undefined) return exhausted(`assistant turn ${turn + 1}, but the test scripted ${replies.length}`);
    return typeof next === 'function' ? next(request) : next;
  };
}

/** Always the same reply (e.g. a 401 for every request). */
export function always(answer: StubReply): StubHandler {
  return () => answer;
}

/** The content of the tool messages after the last assistant message, joined by newlines. */
export function lastToolResult(request: RecordedRequest): string {
  const messages = request.body?.messages ?? [];
  const after = messages.slice(messages.map((m) => m.role).lastIndexOf('assistant') + 1);
  return after
    .filter((m) => m.role === 'tool')
    .map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)))
    .join('\n');
}

export interface OpenAIStub {
  /** `http://127.0.0.1:<port>/v1`: what a workspace's `baseUrl` (or OpenAI's `baseURL`) takes. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests to `/v1/chat/completions` only. */
  readonly completionRequests: RecordedRequest[];
  /** Replaces the handler for the requests to come. */
  setHandler(handler: StubHandler): void;
  /** Stops listening and drops open connections (including held requests); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the stub on 127.0.0.1 and a free port.
 * A handler that throws answers HTTP 400 `stub_handler_failed` with the thrown message, so a
 * broken test script fails the run at once (400 is not retried) instead of hanging it.
 */
export async function startOpenAIStub(handler: StubHandler): Promise<OpenAIStub> {
  let current = handler;
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body: parseJson(raw) as ChatRequestBody,
        index: requests.length,
        receivedAt: Date.now(),
      };
      requests.push(recorded);
      if (recorded.method !== 'POST' || path !== '/v1/chat/completions') {
        sendError(res, reply.error(404, `The stub serves only POST /v1/chat/completions, not ${recorded.method} ${path}.`, { code: 'unknown_url' }));
        return;
      }
      if (recorded.body === undefined) {
        sendError(res, reply.error(400, 'The request body is not valid JSON.', { code: 'invalid_json' }));
        return;
      }
      let answer: StubReply;
      try {
        answer = await current(recorded);
      } catch (err) {
        answer = reply.error(400, `The stub handler threw: ${(err as Error).message ?? String(err)}`, { code: 'stub_handler_failed' });
      }
      if (answer.kind === 'error') sendError(res, answer);
      else if (recorded.body.stream) sendStream(res, recorded, answer);
      else sendJson(res, 200, completionBody(recorded, answer));
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error', param: null, code: null } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get completionRequests() {
      return requests.filter((r) => r.path === '/v1/chat/completions');
    },
    setHandler(next) {
      current = next;
    },
    close() {
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function exhausted(what: string): StubError {
  return reply.error(400, `The OpenAI stub has no reply for ${what}. Add one to the test's script.`, {
    type: 'invalid_request_error',
    code: 'stub_exhausted',
  });
}

const DEFAULT_USAGE: StubUsage = { prompt_tokens: 10, completion_tokens: 5 };

function toolCallsOf(request: RecordedRequest, answer: StubCompletion): ChatCompletionMessageFunctionToolCall[] {
  return (answer.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${request.index}_${i}`,
    type: 'function',
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
}

function usageOf(answer: StubCompletion): ChatCompletion['usage'] {
  if (answer.usage === null) return undefined;
  const u = answer.usage ?? DEFAULT_USAGE;
  return {
    prompt_tokens: u.prompt_tokens,
    completion_tokens: u.completion_tokens,
    total_tokens: u.prompt_tokens + u.completion_tokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

function finishReasonOf(answer: StubCompletion): ChatCompletion.Choice['finish_reason'] {
  return answer.finishReason ?? (answer.toolCalls?.length ? 'tool_calls' : 'stop');
}

function completionBody(request: RecordedRequest, answer: StubCompletion): ChatCompletion {
  const toolCalls = toolCallsOf(request, answer);
  const usage = usageOf(answer);
  return {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.body.model,
    system_fingerprint: 'fp_stub',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text ?? null,
          refusal: null,
          ...(toolCalls.length > 0 && { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReasonOf(answer),
      },
    ],
    ...(usage && { usage }),
  };
}

/**
 * Streams like the real API: a role chunk, the text in a few pieces, each tool call as a header
 * chunk (id, name, empty arguments) then argument fragments, a finish chunk, and, when the client
 * asked with `stream_options.include_usage`, a last chunk with `choices: []` and the usage.
 */
function sendStream(res: ServerResponse, request: RecordedRequest, answer: StubCompletion): void {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const includeUsage = request.body.stream_options?.include_usage === true;
  const chunk = (choices: ChatCompletionChunk['choices'], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: request.body.model,
    system_fingerprint: 'fp_stub',
    choices,
    ...(includeUsage && { usage: null }),
    ...extra,
  });
  const chunks: ChatCompletionChunk[] = [
    chunk([{ index: 0, delta: { role: 'assistant', content: answer.text === undefined ? null : '', refusal: null }, logprobs: null, finish_reason: null }]),
  ];
  for (const piece of split(answer.text ?? '', 3)) {
    chunks.push(chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]));
  }
  toolCallsOf(request, answer).forEach((call, i) => {
    chunks.push(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] },
          logprobs: null,
          finish_reason: null,
        },
      ]),
    );
    for (const piece of split(call.function.arguments, 2)) {
      chunks.push(chunk([{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: piece } }] }, logprobs: null, finish_reason: null }]));
    }
  });
  chunks.push(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: finishReasonOf(answer) }]));
  const usage = usageOf(answer);
  if (includeUsage && usage) chunks.push(chunk([], { usage }));

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const c of chunks) res.write(`data: ${JSON.stringify(c)}\n\n`);
  res.end('data: [DONE]\n\n');
}

function sendError(res: ServerResponse, error: StubError): void {
  const body = {
    error: { message: error.message, type: error.type ?? errorTypeFor(error.status), param: error.param ?? null, code: error.code ?? null },
  };
  sendJson(res, error.status, body, error.headers);
}

/** The `type` OpenAI uses for each status. */
function errorTypeFor(status: number): string {
  if (status === 401) return 'invalid_authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': `req_${randomUUID().replaceAll('-', '')}`,
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Splits `text` into at most `n` non-empty pieces (none for an empty string). */
function split(text: string, n: number): string[] {
  if (!text) return [];
  const size = Math.ceil(text.length / n);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}
