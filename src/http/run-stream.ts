/**
 * What the streaming frontends (`/api/chat`, `/ag-ui`) share: waiting until a thread's run can be
 * followed, and one promise that settles when the client leaves or the server shuts down.
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { ThreadRunHandle } from '../client/index.js';
import { HttpError } from './errors.js';

/** What `abortPromise` resolves with. */
export const ABORTED = Symbol('aborted');

/** Resolves with `ABORTED` once any signal aborts or the stream's client goes away. */
export function abortPromise(signals: (AbortSignal | undefined)[], stream: SSEStreamingApi): Promise<typeof ABORTED> {
  return new Promise((resolve) => {
    const onAbort = () => resolve(ABORTED);
    for (const s of signals) {
      if (s?.aborted) onAbort();
      else s?.addEventListener('abort', onAbort, { once: true });
    }
    stream.onAbort(onAbort);
  });
}

/**
 * A thread starts its run a moment after accepting the message, or later when the run is queued
 * behind another: wait (while the client stays) until the run exists. A run the thread dropped
 * before it started is an error.
 * @throws {HttpError} 409 `RUN_FAILED` / `RUN_CANCELLED` when the run ended before it started.
 */
export async function untilStarted(run: ThreadRunHandle, aborted: Promise<typeof ABORTED>): Promise<void> {
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      await run.status();
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'RUN_NOT_FOUND') throw err;
    }
    const record = (await run.thread.status()).runs.find((r) => r.runId === run.runId);
    if (record?.state === 'failed' || record?.state === 'cancelled') {
      throw new HttpError(409, record.state === 'failed' ? 'RUN_FAILED' : 'RUN_CANCELLED', `Run ${run.runId} ${record.state} before it started: ${record.error ?? 'no reason recorded'}`);
    }
    const wait = new Promise<void>((resolve) => setTimeout(resolve, delay));
    if ((await Promise.race([wait, aborted])) === ABORTED) return;
  }
}
