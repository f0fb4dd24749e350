/**
 * Calls to the harness HTTP API from the page (same origin). With HARNESS_API_TOKENS set on the
 * server, every call needs a bearer token: the page asks for it once (on the first 401) and keeps
 * it in this tab's sessionStorage, never in the URL or a cookie.
 */
const TOKEN_KEY = 'harness-api-token';

/** The token the user gave this tab, if any. */
export const token = (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined;

/** Headers every API call carries. */
export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

/** Asks for a token (after a 401) and keeps it for this tab; false when the user gave none. */
export function askForToken(message: string): boolean {
  const given = window.prompt(`${message}\n\nPaste your API token (it stays in this tab only):`);
  if (!given?.trim()) return false;
  sessionStorage.setItem(TOKEN_KEY, given.trim());
  return true;
}

/** An error answer of the API: `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Calls the API; a 401 asks for a token once and retries. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const sentWith = token();
    const res = await fetch(path, {
      method: init.method ?? 'GET',
      headers: { ...authHeaders(), ...(init.body !== undefined || init.method === 'POST' ? { 'Content-Type': 'application/json' } : {}) },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });
    if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
    const { error } = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
    const failure = new ApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText);
    // Calls made at once all get a 401: the first asks, the others retry with the token it got.
    if (res.status === 401 && attempt === 0 && (token() !== sentWith || askForToken(failure.message))) continue;
    throw failure;
  }
}

/** A fetch for the chat transport: the same 401 handling as `api`. */
export const authFetch: typeof fetch = async (input, init) => {
  const send = () => fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init?.headers)), ...authHeaders() } });
  const res = await send();
  if (res.status !== 401) return res;
  const body = (await res.clone().json().catch(() => ({}))) as { error?: { message?: string } };
  return askForToken(body.error?.message ?? 'This server needs credentials.') ? send() : res;
};
