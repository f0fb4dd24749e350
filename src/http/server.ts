/** Serving the HTTP API app on a Node HTTP server, with a shutdown that does not hang on open streams. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';

/** Where to listen. */
export interface ListenOptions {
  /** @default 8787; 0 = any free port */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
}

/** A listening server. */
export interface HttpServer {
  /** The base URL, e.g. `http://127.0.0.1:8787`. */
  readonly url: string;
  readonly server: Server;
  /**
   * Stops accepting connections and waits for open requests; after `graceMs` the connections
   * still open are closed. End the app's event streams first (its `signal` option).
   * @default graceMs 5000
   */
  close(graceMs?: number): Promise<void>;
}

/** Anything with a fetch-style handler, such as the app `createHttpApp` returns. */
export interface FetchApp {
  fetch: (request: Request) => Response | Promise<Response>;
}

/**
 * Serves `app` on a Node HTTP server.
 * @throws {NodeJS.ErrnoException} `EADDRINUSE` when the port is taken.
 * @example
 * const server = await listenHttp(createHttpApp(client), { port: 8787 });
 * console.log(server.url);
 */
export async function listenHttp(app: FetchApp, options: ListenOptions = {}): Promise<HttpServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(getRequestListener((request) => app.fetch(request)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url,
    server,
    close: (graceMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        // Idle keep-alive connections would otherwise hold `close` until they time out.
        server.closeIdleConnections();
      }),
  };
}
