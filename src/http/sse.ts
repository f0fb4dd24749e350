/**
 * `GET /runs/{id}/events` as Server-Sent Events, over `RunHandle.events()`: each event is sent
 * with `id: <offset>` (so a browser's `EventSource` resumes by itself with `Last-Event-ID`),
 * `event: <type>` (or no name, so that `onmessage` sees every event) and `data: <the event as
 * JSON>`. Deltas streamed live from a model call in this process come ahead of the durable log,
 * without `id` (see `RunEventsOptions.live`). After the run's final event comes `event: end`, then the stream closes; the route
 * answers a reconnect past the end with 204, which tells `EventSource` to stop for good.
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { HarnessEventItem, RunHandle } from '../client/index.js';
import { toHttpError } from './errors.js';

/** How an event stream is kept alive and stopped. */
export interface EventStreamOptions {
  /** First offset to send. */
  fromOffset: number;
  /** Interval of `: heartbeat` comments, which keep proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Ends the stream (server shutdown). */
  shutdown?: AbortSignal;
  /** Reconnection delay suggested to `EventSource` clients, in ms. */
  retryMs?: number;
  /** Told about an unexpected error that ended a stream (sent to the client as `event: error`). */
  onError?: (err: unknown) => void;
  /** `false`: run events carry no `event:` name, so they arrive as `message` events. @default true */
  named?: boolean;
  /** Live deltas ahead of the log (`RunEventsOptions.live`). @default false */
  live?: boolean;
}

/** The event that closes a stream after the run's final event; `lastOffset`: the last event sent, if any. */
export const END_EVENT = 'end';

/**
 * Streams the run's events from `fromOffset` until its final event, the client going away, or
 * `shutdown`. A failure mid-stream is sent as `event: error` with an error body, then the stream ends.
 */
export function streamRunEvents(c: Context, run: RunHandle, options: EventStreamOptions): Response {
  return streamSSE(c, async (stream) => {
    const stop = stopper([c.req.raw.signal, options.shutdown], stream);
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
    const events = run.events({ fromOffset: options.fromOffset, live: options.live ?? false });
    const named = options.named ?? true;
    let finished = false;
    let lastOffset: number | null = null;
    try {
      // A first line right away so the client sees the response (status and headers) at once.
      await stream.write(`retry: ${options.retryMs ?? 1000}\n\n`);
      for (;;) {
        const next = await Promise.race([events.next(), stop.stopped]);
        if (next === STOPPED) break;
        if (next.done) {
          finished = true;
          // No `id`: a reconnect still resumes after the last run event (and gets 204).
          await stream.writeSSE({ event: END_EVENT, data: JSON.stringify({ lastOffset }) });
          break;
        }
        await send(stream, next.value, named);
        if (!next.value.live) lastOffset = next.value.offset;
      }
    } catch (err) {
      finished = true; // A generator that threw is done.
      const httpError = toHttpError(err);
      if (httpError.status >= 500) options.onError?.(err);
      if (!stream.aborted) await stream.writeSSE({ event: 'error', data: JSON.stringify(httpError.toBody()) });
    } finally {
      clearInterval(heartbeat);
      stop.dispose();
      // Stop following: the generator finishes its poll in flight, then polls no more.
      if (!finished) events.return(undefined).catch(() => {});
    }
  });
}

// A live delta has no offset of its own yet: sent without `id`, it leaves the client's
// `Last-Event-ID` on the last durable event, which is where a reconnect must resume.
function send(stream: SSEStreamingApi, { offset, event, live }: HarnessEventItem, named: boolean): Promise<void> {
  return stream.writeSSE({ ...(!live && { id: String(offset) }), ...(named && { event: event.type }), data: JSON.stringify(event) });
}

const STOPPED = Symbol('stopped');

/** Resolves `stopped` when any signal aborts or the client disconnects. */
function stopper(signals: (AbortSignal | undefined)[], stream: SSEStreamingApi): { stopped: Promise<typeof STOPPED>; dispose(): void } {
  let resolve!: (v: typeof STOPPED) => void;
  const stopped = new Promise<typeof STOPPED>((r) => (resolve = r));
  const onAbort = () => resolve(STOPPED);
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  for (const signal of active) {
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  }
  stream.onAbort(onAbort);
  return {
    stopped,
    dispose: () => active.forEach((s) => s.removeEventListener('abort', onAbort)),
  };
}
