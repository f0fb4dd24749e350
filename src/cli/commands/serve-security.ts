/**
 * What `harness serve` protects itself with, decided before it listens: the API tokens from the
 * environment, whether the address may go without them (loopback only), the host names it answers
 * for, and the browser origins it lets in. Every refusal says what to set.
 */
import { isIP } from 'node:net';
import { normalizeOrigins } from '../../codec/codec-server.js';
import { apiTokensFromEnv, API_TOKENS_ENV, API_TOKENS_FILE_ENV, type ApiToken } from '../../http/auth.js';
import { ApiTokensError } from '../../http/errors.js';
import { LOOPBACK_HOSTS } from '../../http/guards.js';
import { CliError } from '../errors.js';

/** The flags that shape it. */
export interface ServeSecurityFlags {
  host: string;
  allowedHost?: string[];
  corsOrigin?: string[];
}

/** What the app is created with. */
export interface ServeSecurity {
  /** Undefined: no authentication (loopback only). */
  tokens?: ApiToken[];
  allowedHosts: string[];
  corsOrigins: string[];
}

const WILDCARD_ADDRESSES = new Set(['0.0.0.0', '::', '']);

/** Whether `address` (a name or IP) only accepts connections from this machine. */
export function isLoopback(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  if (a === 'localhost' || a === '::1') return true;
  return isIP(a) === 4 && a.startsWith('127.');
}

/**
 * @throws {CliError} `INVALID_API_TOKENS`, `AUTH_REQUIRED` (a non-loopback address without tokens),
 * `ALLOWED_HOSTS_REQUIRED` (a wildcard address without `--allowed-host`), `INVALID_ARGUMENT`.
 */
export function serveSecurity(flags: ServeSecurityFlags, env: NodeJS.ProcessEnv = process.env): ServeSecurity {
  let tokens: ApiToken[] | undefined;
  try {
    tokens = apiTokensFromEnv(env);
  } catch (e) {
    if (e instanceof ApiTokensError) throw new CliError(e.code, e.message, { cause: e });
    throw e;
  }
  if (!tokens && !isLoopback(flags.host)) {
    throw new CliError(
      'AUTH_REQUIRED',
      `Refusing to serve on ${flags.host} without authentication: anyone who reaches it could start runs and decide approvals. ` +
        `Set ${API_TOKENS_ENV} (entries name[:role,role]=token, e.g. ${API_TOKENS_ENV}="alice=$(openssl rand -hex 32)") or ${API_TOKENS_FILE_ENV}, ` +
        'or listen on localhost (--host 127.0.0.1).',
    );
  }
  const bound = flags.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (WILDCARD_ADDRESSES.has(bound) && !flags.allowedHost?.length) {
    throw new CliError(
      'ALLOWED_HOSTS_REQUIRED',
      `--host ${flags.host} accepts connections under any name: list the names clients use with --allowed-host NAME (repeatable, ` +
        "e.g. --allowed-host harness.example.com), or --allowed-host '*' to answer for any name.",
    );
  }
  const allowedHosts = flags.allowedHost?.length ? flags.allowedHost : [...new Set([...LOOPBACK_HOSTS, bound])];
  let corsOrigins: string[];
  try {
    corsOrigins = normalizeOrigins(flags.corsOrigin ?? []);
  } catch (e) {
    throw new CliError('INVALID_ARGUMENT', `--cors-origin: ${(e as Error).message}`);
  }
  return { ...(tokens && { tokens }), allowedHosts, corsOrigins };
}
