import { Context } from '@temporalio/activity';

/**
 * Runs `work` while heartbeating, so a worker that dies mid-call is noticed after the heartbeat
 * timeout (not the much longer start-to-close timeout) and the call is retried on another worker.
 * Heartbeats also deliver cancellation to the activity.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const timeout = ctx.info.heartbeatTimeoutMs;
  const every = timeout ? Math.max(100, Math.floor(timeout / 3)) : 10_000;
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), every);
  try {
    return await work(ctx.cancellationSignal);
  } finally {
    clearInterval(timer);
  }
}
