/**
 * Local stand-ins for the model providers' HTTP APIs, for tests: no network, no key, each speaking
 * its provider's real wire format (Anthropic and Gemini SSE, Ollama NDJSON, Bedrock's binary AWS
 * event stream). An answer is chosen per request by the test (usually from how many assistant
 * turns the conversation already has, so a retried call gets the same answer), and every request
 * is recorded with its headers and parsed body. The Bedrock stub speaks HTTP/2 (cleartext, prior
 * knowledge), as the AWS SDK's Bedrock runtime client only does.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { writeAnthropic } from './anthropic.js';
import { writeBedrock } from './bedrock.js';
import { writeGemini } from './gemini.js';
import { writeOllama } from './ollama.js';

export type StubProvider = 'anthropic' | 'google' | 'ollama' | 'bedrock';

/** One assistant answer: text (streamed in a few pieces), at most one tool call, and token usage. */
export interface StubTurn {
  text?: string;
  toolCall?: { id: string; name: string; args: Record<string, unknown> };
  usage: { input: number; output: number };
}

/** An HTTP error in the provider's own error format. */
export interface StubError {
  error: { status: number; message: string };
}

export type StubAnswer = StubTurn | StubError;

export interface StubRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  // Tests assert on it; its shape is the provider's request format.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  index: number;
}

export interface ProviderStub {
  /** What the workspace's `baseUrl` should be for this provider. */
  baseUrl: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

/** Starts a stub for `provider` on a free loopback port; `answer` picks the reply to each request. */
export async function startProviderStub(provider: StubProvider, answer: (req: StubRequest) => StubAnswer | Promise<StubAnswer>): Promise<ProviderStub> {
  const requests: StubRequest[] = [];
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: StubRequest = { method: req.method ?? '', path, query, headers: req.headers, body: text ? JSON.parse(text) : undefined, index: requests.length };
      requests.push(recorded);
      Promise.resolve(answer(recorded))
        .then((a) => write(provider, res as ServerResponse, a))
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`stub handler failed: ${String(err)}`);
        });
    });
  };
  const sessions = new Set<Http2Session>();
  const server = provider === 'bedrock' ? createHttp2Server(onRequest) : createServer(onRequest);
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}

function write(provider: StubProvider, res: ServerResponse, answer: StubAnswer): void {
  const writers = { anthropic: writeAnthropic, google: writeGemini, ollama: writeOllama, bedrock: writeBedrock };
  writers[provider](res, answer);
}

export function isStubError(answer: StubAnswer): answer is StubError {
  return 'error' in answer;
}

/** Assistant turns already in a request's conversation, whatever the provider calls them. */
export function assistantTurns(provider: StubProvider, req: StubRequest): number {
  const list: Array<{ role?: string }> = (provider === 'google' ? req.body?.contents : req.body?.messages) ?? [];
  return list.filter((m) => m.role === (provider === 'google' ? 'model' : 'assistant')).length;
}

/** Answers the n-th request of a conversation with `turns[n]` (n = assistant turns so far). */
export function byTurns(provider: StubProvider, turns: Array<StubAnswer | ((req: StubRequest) => StubAnswer)>) {
  return (req: StubRequest): StubAnswer => {
    const turn = turns[assistantTurns(provider, req)];
    if (!turn) throw new Error(`no scripted turn ${assistantTurns(provider, req) + 1}`);
    return typeof turn === 'function' ? turn(req) : turn;
  };
}

/** Splits text into a few pieces, so a stream has several deltas. */
export function pieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
