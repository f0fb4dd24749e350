/**
 * The web app `harness serve` shows at `/`: a chat page and an approvals inbox, built from web/
 * into dist/web (`npm run build`, or `prepare` on `npm install` in a clone) and shipped in the
 * package. This module only serves those files; the page itself is a client of the API (it calls
 * `/api/chat`, `/approvals`, `/runs/…` like any other client, with the same credentials).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import type { GuardEnv } from './guards.js';

/**
 * Where the built web app is: dist/web at the package root, from src/http (a clone) and from
 * dist/http (the installed package) alike.
 */
export const WEB_APP_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

const ASSETS: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/**
 * The page may load only its own script and styles and talk only to this server; no framing
 * (clickjacking an Approve button), no referrer (thread ids in the URL stay here).
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/**
 * Registers `GET /` (the page) and `GET /web/{asset}` on `app`, before authentication: a browser
 * navigation cannot send a bearer token, and the files hold nothing secret. When the assets were
 * never built, `GET /` says so and how to build them (503) instead of a blank page.
 */
export function registerWebApp(app: Hono<GuardEnv>, dir: string = WEB_APP_DIR): void {
  const missing = (c: Context<GuardEnv>) =>
    c.text(
      `The web app's files are not built (looked for ${join(dir, 'index.html')}).\n` +
        'In a clone of temporal-harness run `npm run build:web` (or `npm install`, which builds them); an installed package ships them.\n' +
        'The HTTP API works without them: see /openapi.json.\n',
      503,
    );
  app.get('/', async (c) => {
    const file = join(dir, 'index.html');
    if (!existsSync(file)) return missing(c);
    return c.body(await readFile(file), 200, { ...SECURITY_HEADERS, 'Content-Type': 'text/html; charset=utf-8' });
  });
  app.get('/web/:asset', async (c) => {
    const asset = c.req.param('asset');
    const type = ASSETS[asset];
    if (!type) return c.notFound();
    const file = join(dir, asset);
    if (!existsSync(file)) return missing(c);
    const gzipped = `${file}.gz`;
    const headers = { ...SECURITY_HEADERS, 'Content-Type': type, Vary: 'Accept-Encoding' };
    if (/\bgzip\b/.test(c.req.header('accept-encoding') ?? '') && existsSync(gzipped)) {
      return c.body(await readFile(gzipped), 200, { ...headers, 'Content-Encoding': 'gzip' });
    }
    return c.body(await readFile(file), 200, headers);
  });
}
