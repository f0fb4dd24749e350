/**
 * The checks every request passes before a handler runs, so a refused request changes nothing:
 *
 * - `Host` allow-list: a page that rebinds its own DNS name to 127.0.0.1 (DNS rebinding) reaches
 *   this server under *its* name; only the names listed (loopback names by default) are served.
 * - `Origin` allow-list: a browser names the page that sent a request; only this server's own
 *   origin and the configured ones may call (a cross-site page cannot, even without credentials).
 * - JSON only on state-changing methods: browsers send `text/plain`, form and multipart bodies
 *   across sites without asking first (no CORS preflight); `application/json` always asks.
 * - Authentication, when configured: the principal is set on the context for the handlers.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Authenticate, Principal } from './auth.js';
import { HttpError } from './errors.js';

/** Host names served when none are configured: loopback only. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** Context variables the guards set. */
export interface GuardVariables {
  /** The authenticated caller; absent when the app has no `authenticate`. */
  principal?: Principal;
}
export type GuardEnv = { Variables: GuardVariables };

/** `[::1]:8787` → `::1`, `Example.com:80` → `example.com`. */
export function hostName(host: string): string {
  const lower = host.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(1, lower.indexOf(']'));
  if (lower.indexOf(':') !== lower.lastIndexOf(':')) return lower; // a bare IPv6 address (no port)
  return lower.replace(/:\d*$/, '');
}

/**
 * Refuses requests for a host name not in `allowed` (`*` allows any) with 403 `HOST_NOT_ALLOWED`.
 * Checks the `Host` header and the request URL (an absolute-form request target sets the URL).
 */
export function hostGuard(allowed: readonly string[]): MiddlewareHandler<GuardEnv> {
  const names = new Set(allowed.map(hostName));
  if (names.has('*')) return (_c, next) => next();
  return async (c, next) => {
    for (const host of [c.req.header('host'), new URL(c.req.url).host]) {
      if (host !== undefined && !names.has(hostName(host))) {
        throw new HttpError(
          403,
          'HOST_NOT_ALLOWED',
          `This server does not answer for host "${hostName(host).slice(0, 100)}" (a guard against DNS rebinding). ` +
            `Call it by one of its names (${[...names].join(', ')}), or have its operator add this name to its allowed hosts.`,
        );
      }
    }
    await next();
  };
}

/**
 * Refuses requests whose `Origin` is neither this server's own (same host) nor in `allowed`,
 * with 403 `ORIGIN_NOT_ALLOWED`. Requests without `Origin` (curl, servers, same-origin GETs) pass.
 */
export function originGuard(allowed: readonly string[]): MiddlewareHandler<GuardEnv> {
  const origins = new Set(allowed);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.has(origin) && !sameHost(origin, c)) {
      throw new HttpError(
        403,
        'ORIGIN_NOT_ALLOWED',
        `Requests from pages at ${origin.slice(0, 200)} are not allowed (a guard against cross-site requests). ` +
          "Have the server's operator add this origin to its CORS origins if that page should call the API.",
      );
    }
    await next();
  };
}

function sameHost(origin: string, c: Context): boolean {
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false; // `Origin: null` (sandboxed frames, file: pages) and garbage.
  }
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses state-changing requests whose `Content-Type` is not `application/json` (parameters such
 * as `charset` allowed) with 415 `UNSUPPORTED_MEDIA_TYPE`, whether or not they have a body.
 */
export function jsonOnly(): MiddlewareHandler<GuardEnv> {
  return async (c, next) => {
    if (STATE_CHANGING.has(c.req.method)) {
      const type = c.req.header('content-type');
      const media = type?.split(';')[0]!.trim().toLowerCase();
      if (media !== 'application/json') {
        c.header('Accept', 'application/json');
        throw new HttpError(
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `${c.req.method} requests need Content-Type: application/json${type ? ` (got ${type.slice(0, 100)})` : ' (none was sent)'}, even with an empty body; ` +
            'browsers send other types across sites without asking, so they are refused. With curl: --json \'{…}\' or -H "Content-Type: application/json".',
        );
      }
    }
    await next();
  };
}

/**
 * Sets the principal from `authenticate`, or refuses with 401 `UNAUTHENTICATED` (with a
 * `WWW-Authenticate: Bearer` challenge). Never echoes the credentials it was given.
 */
export function authenticated(authenticate: Authenticate): MiddlewareHandler<GuardEnv> {
  return async (c, next) => {
    const principal = await authenticate(c.req.raw);
    if (!principal) {
      const sent = c.req.header('authorization') !== undefined;
      c.header('WWW-Authenticate', sent ? 'Bearer realm="harness", error="invalid_token"' : 'Bearer realm="harness"');
      throw new HttpError(
        401,
        'UNAUTHENTICATED',
        sent
          ? 'The credentials sent are not valid for this server.'
          : 'This server needs credentials: send Authorization: Bearer <token> with a token its operator gave you.',
      );
    }
    c.set('principal', { name: principal.name, roles: [...principal.roles] });
    await next();
  };
}
