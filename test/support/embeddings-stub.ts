/**
 * A local OpenAI-compatible embeddings server for tests: `POST /v1/embeddings` in the real wire
 * format (`{ model, input: string | string[], dimensions?, encoding_format? }` →
 * `{ object: "list", data: [{ object: "embedding", index, embedding }], model, usage }`).
 * Vectors come from a function of the text the test gives, so answers are deterministic; with
 * `encoding_format: "base64"` (what the `openai` client asks for by default) each vector is sent
 * as base64 of little-endian float32, as the real API does. Requests are recorded.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';

export interface EmbeddingsRequest {
  path: string;
  authorization?: string;
  body: { model: string; input: string | string[]; dimensions?: number; encoding_format?: 'float' | 'base64' };
}

export interface EmbeddingsStub {
  baseUrl: string;
  requests: EmbeddingsRequest[];
  /** When set, every request is answered with this HTTP status and an OpenAI error body. */
  failWith?: { status: number; message: string };
  close(): Promise<void>;
}

export async function startEmbeddingsStub(vectorFor: (text: string) => number[]): Promise<EmbeddingsStub> {
  const requests: EmbeddingsRequest[] = [];
  const stub: EmbeddingsStub = {
    baseUrl: '',
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (p: Buffer) => parts.push(p));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let body: EmbeddingsRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as EmbeddingsRequest['body'];
      } catch {
        return send(400, { error: { message: 'body is not JSON', type: 'invalid_request_error', param: null, code: null } });
      }
      requests.push({ path, ...(req.headers.authorization && { authorization: req.headers.authorization }), body });
      if (req.method !== 'POST' || path !== '/v1/embeddings') {
        return send(404, { error: { message: `only POST /v1/embeddings, not ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
      }
      if (stub.failWith) {
        return send(stub.failWith.status, { error: { message: stub.failWith.message, type: 'server_error', param: null, code: null } });
      }
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      const response: CreateEmbeddingResponse = {
        object: 'list',
        model: body.model,
        data: inputs.map((text, index) => {
          const v = vectorFor(text);
          // The SDK's types say number[]; on the wire a base64 request gets a string, which the SDK decodes.
          const embedding = (body.encoding_format === 'base64' ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v) as number[];
          return { object: 'embedding', index, embedding };
        }),
        usage: { prompt_tokens: inputs.join(' ').length, total_tokens: inputs.join(' ').length },
      };
      send(200, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  stub.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return stub;
}
