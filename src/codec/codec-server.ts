/**
 * The Temporal codec server protocol over HTTP, so the Web UI (`--ui-codec-endpoint`, or its
 * "Codec Server" setting) and `temporal --codec-endpoint` can show encrypted payloads to people
 * who hold the key, and payloads stored by reference (the payload store) in full.
 *
 * `POST /decode` and `POST /encode` (also under a prefix such as `/{namespace}/decode`) take and
 * return `{"payloads": [{"metadata": {"k": "<base64>"}, "data": "<base64>"}]}`. The UI calls from
 * its own origin with `Content-Type` and `X-Namespace` headers (and `Authorization` when it passes
 * its access token), so browsers first send a CORS preflight; only the configured UI origins get
 * CORS headers.
 *
 * The handler is web-standard (`Request` → `Response`), tested in process; `listenCodecServer`
 * puts it on a Node HTTP server.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExternalStorage, Payload, PayloadCodec } from '@temporalio/common';
import { ExternalStorageRunner } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { isPayloadStoreError } from '../payloads/errors.js';
import { isCodecError } from './errors.js';

export interface CodecServerOptions {
  /** The codecs to run, in data-converter order (encode in order, decode in reverse). */
  codecs: PayloadCodec[];
  /**
   * The payload store of the workers: `/decode` first replaces each stored-payload reference with
   * the stored bytes, so the Web UI shows what the run carried. Without it, references pass through.
   */
  externalStorage?: ExternalStorage;
  /** Origins allowed to call from a browser (the Web UI's), e.g. `http://localhost:8233`. */
  uiOrigins: readonly string[];
  /** Largest request body accepted. @default 16 MiB (a payload is at most 2 MB; the UI batches) */
  maxBodyBytes?: number;
  /** Called once per handled request (for a log line); never given payload contents. */
  onRequest?: (info: { method: string; path: string; status: number; namespace?: string; payloads?: number }) => void;
}

interface JsonPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

/**
 * Normalizes UI origins (`http://localhost:8233/` → `http://localhost:8233`).
 * @throws {Error} for a value that is not an http(s) origin.
 */
export function normalizeOrigins(origins: readonly string[]): string[] {
  return origins.map((o) => {
    let url: URL;
    try {
      url = new URL(o);
    } catch {
      throw new Error(`"${o}" is not a URL; a UI origin looks like http://localhost:8233`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`"${o}" is not an http(s) origin`);
    return url.origin;
  });
}

/**
 * A fetch-style handler for the codec server protocol.
 * @example
 * const handle = codecRequestHandler({ codecs: [codec], uiOrigins: ['http://localhost:8233'] });
 * const res = await handle(new Request('http://x/decode', { method: 'POST', body: JSON.stringify({ payloads }) }));
 */
export function codecRequestHandler(options: CodecServerOptions): (request: Request) => Promise<Response> {
  const origins = new Set(normalizeOrigins(options.uiOrigins));
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const storage = options.externalStorage && new ExternalStorageRunner(options.externalStorage);

  return async (request) => {
    const path = new URL(request.url).pathname.replace(/\/+$/, '');
    const route = path.endsWith('/decode') ? 'decode' : path.endsWith('/encode') ? 'encode' : undefined;
    const origin = request.headers.get('origin');
    const namespace = request.headers.get('x-namespace') ?? undefined;
    // Requests without an Origin come from outside a browser (temporal CLI, curl): CORS does not apply.
    const originAllowed = origin === null || origins.has(origin);
    const cors: Record<string, string> =
      origin !== null && originAllowed
        ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' }
        : { Vary: 'Origin' };
    const seen: { payloads?: number } = {};
    const reply = (status: number, body: unknown, headers: Record<string, string> = {}): Response => {
      options.onRequest?.({
        method: request.method,
        path,
        status,
        ...(namespace !== undefined && { namespace }),
        ...(seen.payloads !== undefined && { payloads: seen.payloads }),
      });
      return new Response(body === null ? null : JSON.stringify(body), {
        status,
        headers: { ...cors, ...(body === null ? {} : { 'Content-Type': 'application/json' }), ...headers },
      });
    };

    if (!route) return reply(404, { error: `Unknown path ${path || '/'}; the codec server answers POST /decode and POST /encode.` });
    if (!originAllowed) {
      return reply(403, { error: `Origin ${origin} is not allowed; add it to the codec server's UI origins (uiOrigins) to allow it.` });
    }
    if (request.method === 'OPTIONS') {
      return reply(204, null, {
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': ALLOWED_HEADERS,
        'Access-Control-Max-Age': '600',
      });
    }
    if (request.method !== 'POST') return reply(405, { error: `${request.method} is not allowed; use POST.` }, { Allow: 'POST, OPTIONS' });

    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > maxBody) return reply(413, { error: `Request body over ${maxBody} bytes.` });
    const text = await request.text();
    if (Buffer.byteLength(text) > maxBody) return reply(413, { error: `Request body over ${maxBody} bytes.` });
    let payloads: Payload[];
    try {
      payloads = parseBody(text);
    } catch (err) {
      return reply(400, { error: (err as Error).message });
    }
    seen.payloads = payloads.length;
    try {
      let result = payloads;
      if (route === 'encode') for (const codec of options.codecs) result = await codec.encode(result);
      else {
        // Stored payloads are stored after the codec ran, so they come back before it runs.
        if (storage) result = await storage.retrieve(result);
        for (const codec of [...options.codecs].reverse()) result = await codec.decode(result);
      }
      return reply(200, { payloads: result.map(toJson) });
    } catch (err) {
      // A payload we cannot decode (unknown key id, wrong key, a blob the store lacks) is the caller's data, not a crash.
      if (isCodecError(err) || isPayloadStoreError(err)) return reply(400, { error: err.message, code: err.code });
      return reply(500, { error: 'Internal error while running the codec.' });
    }
  };
}

function parseBody(text: string): Payload[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error('Body is not JSON; expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.');
  }
  const list = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(list)) throw new Error('Body needs a "payloads" array; expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.');
  return list.map((p: unknown, i) => fromJson(p, i));
}

function fromJson(value: unknown, index: number): Payload {
  if (value === null || typeof value !== 'object') throw new Error(`payloads[${index}] is not an object.`);
  const { metadata, data } = value as JsonPayload;
  if (metadata != null && typeof metadata !== 'object') throw new Error(`payloads[${index}].metadata must be an object of base64 strings.`);
  const meta: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) {
    if (typeof v !== 'string') throw new Error(`payloads[${index}].metadata.${k} must be a base64 string.`);
    meta[k] = new Uint8Array(Buffer.from(v, 'base64'));
  }
  if (data != null && typeof data !== 'string') throw new Error(`payloads[${index}].data must be a base64 string.`);
  return { metadata: meta, data: new Uint8Array(Buffer.from(data ?? '', 'base64')) };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

export interface RunningCodecServer {
  server: Server;
  /** e.g. `http://127.0.0.1:8888` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the codec protocol on `host:port` (port 0 = any free port).
 * @example
 * const { url, close } = await listenCodecServer({ codecs: [codec], uiOrigins: ['http://localhost:8233'] }, { port: 8888 });
 */
export async function listenCodecServer(
  options: CodecServerOptions,
  { port = 8888, host = '127.0.0.1' }: { port?: number; host?: string } = {},
): Promise<RunningCodecServer> {
  const handle = codecRequestHandler(options);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server = createServer((req, res) => {
    serve(req, res, handle, maxBody).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (r: Request) => Promise<Response>,
  maxBody: number,
): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBody) {
      res.writeHead(413, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: `Request body over ${maxBody} bytes.` }));
      req.destroy();
      return;
    }
    chunks.push(chunk as Buffer);
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') headers.set(k, v);
    else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && chunks.length > 0;
  const response = await handle(
    new Request(`http://localhost${req.url ?? '/'}`, {
      method: req.method ?? 'GET',
      headers,
      ...(hasBody && { body: Buffer.concat(chunks) }),
    }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(Buffer.from(await response.arrayBuffer()));
}
