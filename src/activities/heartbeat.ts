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
 *
 * Everything an activity with a heartbeat timeout waits on goes inside, reads of the run by query
 * first of all. The server answers a query only once no workflow task of the run is in flight
 * (server 1.29 `service/history/api/queryworkflow/api.go`: it buffers the query until the task
 * completes), and a task that a worker took just before it died stays in flight until the run's
 * workflow task timeout (10 s). A retried attempt that waited that long without heartbeating was
 * timed out and retried again meanwhile, so its first heartbeat came back NOT_FOUND (it names an
 * attempt the server has moved past) and every retry burnt the same way.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  // A local activity (a tool declared local) cannot heartbeat: it runs within its short timeout
  // inside the run's workflow task, and the SDK core drops its heartbeats.
  if (ctx.info.isLocal) return work(ctx.cancellationSignal);
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
