/** A real HTTP webhook receiver for tests: records every request and answers 204. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Starts a receiver on a free loopback port; `close()` stops it. */
export async function webhookReceiver(): Promise<{ url: string; received: ReceivedHook[]; server: Server; close: () => void }> {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server, close: () => server.close() };
}

/** What a receiver does: HMAC-SHA256 over `<timestamp>.<body>`, compared in constant time. */
export function hookSignatureValid(r: ReceivedHook, secret: string): boolean {
  const timestamp = String(r.headers['x-harness-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${r.body}`).digest('hex')}`;
  const given = String(r.headers['x-harness-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}
