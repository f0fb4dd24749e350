/**
 * Who is calling: the principal an authenticated request acts as, the `authenticate` hook that
 * finds it, and the built-in bearer tokens read from the environment (never from the workspace
 * file, which is meant to be committed).
 *
 * `HARNESS_API_TOKENS` (or a file named by `HARNESS_API_TOKENS_FILE`, e.g. a mounted secret) holds
 * entries separated by whitespace, each `name[:role,role…]=token`:
 *
 *     HARNESS_API_TOKENS="alice=<token> carol:finance,manager=<token>"
 *
 * A token is at least 32 characters without whitespace (`openssl rand -hex 32`). Requests send it
 * as `Authorization: Bearer <token>`. Tokens are kept only as SHA-256 digests and compared in
 * constant time; no message or log line ever contains one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ApiTokensError } from './errors.js';

/** Who an authenticated request acts as. Decisions it sends are recorded under this name and roles. */
export interface Principal {
  /** Recorded as the decision's `approver`; matched against a tool's `approvers` names. */
  readonly name: string;
  /** Recorded as `approverRoles`; matched against a tool's `role:<role>` approvers. */
  readonly roles: readonly string[];
}

/**
 * Finds the principal of a request: a principal, or `undefined` to refuse it with 401
 * `UNAUTHENTICATED`. May throw an `HttpError` to answer otherwise (e.g. 403).
 * @example
 * // Behind an SSO proxy that sets a header only it can set:
 * const authenticate: Authenticate = (req) => {
 *   const user = req.headers.get('x-forwarded-user');
 *   return user ? { name: user, roles: [] } : undefined;
 * };
 */
export type Authenticate = (request: Request) => Principal | undefined | Promise<Principal | undefined>;

/** One configured API token: its principal and the SHA-256 digest of the token. */
export interface ApiToken extends Principal {
  readonly digest: Buffer;
}

/** The variable holding the tokens, and the one naming a file that holds them. */
export const API_TOKENS_ENV = 'HARNESS_API_TOKENS';
export const API_TOKENS_FILE_ENV = 'HARNESS_API_TOKENS_FILE';

const MIN_TOKEN_LENGTH = 32;
const NAME = /^[A-Za-z0-9_.@+-]{1,200}$/;
const ENTRY = /^([^:=\s]+)(?::([^=\s]*))?=(\S+)$/;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * Parses token entries (`name[:role,role…]=token`, separated by whitespace; `#` starts a comment
 * line). `source` names where they came from, for messages.
 * @throws {ApiTokensError} `INVALID_API_TOKENS` naming the entry and what is wrong with it.
 */
export function parseApiTokens(text: string, source: string = API_TOKENS_ENV): ApiToken[] {
  const words = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) throw new ApiTokensError(`${source} is set but holds no tokens; expected entries like alice=<token> carol:finance=<token>.`);
  const tokens = words.map((word, i) => parseEntry(word, `${source}, entry ${i + 1}`));
  const seen = new Set<string>();
  tokens.forEach((t, i) => {
    const key = t.digest.toString('hex');
    if (seen.has(key)) throw new ApiTokensError(`${source}, entry ${i + 1} (${t.name}): the same token is given twice; every principal needs its own token.`);
    seen.add(key);
  });
  return tokens;
}

function parseEntry(word: string, where: string): ApiToken {
  const match = ENTRY.exec(word);
  if (!match) throw new ApiTokensError(`${where}: expected name=token or name:role,role=token (no spaces inside an entry).`);
  const [, name, roleList, token] = match as unknown as [string, string, string | undefined, string];
  if (!NAME.test(name)) throw new ApiTokensError(`${where}: the name must be 1-200 letters, digits or _ . @ + -.`);
  const roles = roleList === undefined ? [] : roleList.split(',');
  const badRole = roles.findIndex((r) => !NAME.test(r));
  if (badRole >= 0) throw new ApiTokensError(`${where} (${name}): role ${badRole + 1} must be 1-200 letters, digits or _ . @ + -; separate roles with commas.`);
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new ApiTokensError(`${where} (${name}): the token is shorter than ${MIN_TOKEN_LENGTH} characters; make one with \`openssl rand -hex 32\`.`);
  }
  return { name, roles: [...new Set(roles)], digest: sha256(token) };
}

/**
 * The tokens configured in the environment: `HARNESS_API_TOKENS`, or the file named by
 * `HARNESS_API_TOKENS_FILE`; `undefined` when neither is set.
 * @throws {ApiTokensError} `INVALID_API_TOKENS` when both are set, the file cannot be read or an entry is malformed.
 */
export function apiTokensFromEnv(env: NodeJS.ProcessEnv = process.env): ApiToken[] | undefined {
  const inline = env[API_TOKENS_ENV];
  const file = env[API_TOKENS_FILE_ENV];
  if (inline !== undefined && file !== undefined) throw new ApiTokensError(`Set ${API_TOKENS_ENV} or ${API_TOKENS_FILE_ENV}, not both.`);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ApiTokensError(`${API_TOKENS_FILE_ENV}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`, { cause: err });
    }
    return parseApiTokens(text, file);
  }
  return inline === undefined ? undefined : parseApiTokens(inline);
}

/**
 * An `Authenticate` accepting `Authorization: Bearer <token>` for the given tokens. Every
 * configured digest is compared, in constant time, whatever matches, so timing tells nothing.
 * @example
 * createHttpApp(client, { authenticate: bearerTokens(apiTokensFromEnv() ?? []) });
 */
export function bearerTokens(tokens: readonly ApiToken[]): Authenticate {
  return (request) => {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    const digest = sha256(token);
    let found: ApiToken | undefined;
    for (const candidate of tokens) {
      if (timingSafeEqual(candidate.digest, digest) && !found) found = candidate;
    }
    return found && { name: found.name, roles: found.roles };
  };
}

/** The token of an `Authorization: Bearer …` header (scheme case-insensitive), if any. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  const match = header ? /^Bearer[ ]+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
