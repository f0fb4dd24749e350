import { Context } from '@temporalio/activity';

/**
 * A call that ends sooner than this sends no heartbeat at all. A heartbeat is a round trip to the
 * server, and a quick model or tool call (most scripted, cached or small calls) needs none: the
 * heartbeat timeout already runs from the activity's start, so a worker that dies during the first
 * half second is noticed just as soon. Longer calls heartbeat from here on as before.
 */
export const FIRST_HEARTBEAT_MS = 500;

/**
 * Runs `work` while heartbeating, so a worker that dies mid-call is noticed after the heartbeat
 * timeout (not the much longer start-to-close timeout) and the call is retried on another worker.
 * Heartbeats also deliver cancellation to the activity. The first one is sent after
 * {@link FIRST_HEARTBEAT_MS} (or a third of the heartbeat timeout, if shorter), then every third
 * of the timeout.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timeout = ctx.info.heartbeatTimeoutMs;
  const every = timeout ? Math.max(100, Math.floor(timeout / 3)) : 10_000;
  let repeat: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    ctx.heartbeat();
    repeat = setInterval(() => ctx.heartbeat(), every);
  }, Math.min(FIRST_HEARTBEAT_MS, every));
  try {
    return await work(ctx.cancellationSignal);
  } finally {
    clearTimeout(first);
    clearInterval(repeat);
  }
}
