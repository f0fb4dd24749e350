/**
 * A Temporal client connection that closes cleanly while calls are still in flight.
 *
 * Why: the SDK's gRPC retry interceptor schedules a retry on a timer; if the connection is closed
 * before the timer fires, the retry throws "Channel has been shut down" inside the timer, which is
 * an uncaught exception that can take the process down (seen when a server or test shut down while
 * a run's event poll was being retried). So a connection made here tracks its calls, and
 * {@link closeConnection} first stops new retries, cancels the attempts in flight, waits for the
 * calls to settle (retry timers included), and only then closes the channel.
 */
import { InterceptingCall, ListenerBuilder, RequesterBuilder, status as grpcStatus, type Interceptor } from '@grpc/grpc-js';
import { Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionLike, type ConnectionOptions } from '@temporalio/client';

/**
 * How long a close waits for calls to settle. The SDK's retry backoff is at most 5 s (its
 * `maxIntervalMs`), so every pending retry timer has fired by then and was cancelled at once.
 */
const SETTLE_TIMEOUT_MS = 6_000;

/** The calls of one connection: how many are in flight, and the attempts that can be cancelled. */
export class CallTracker {
  /** Set by {@link begin}: no more retries; every new attempt is cancelled as it starts. */
  closing = false;
  private inFlight = 0;
  private readonly attempts = new Set<InterceptingCall>();
  private readonly idleWaiters = new Set<() => void>();

  /** Calls (with their retries) not yet settled. */
  get active(): number {
    return this.inFlight;
  }

  /** Counts each call from its start to its final status, after all retries. */
  readonly callInterceptor: Interceptor = (options, nextCall) => {
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of [...this.idleWaiters]) wake();
    };
    this.inFlight++;
    try {
      const requester = new RequesterBuilder()
        .withStart((metadata, listener, next) => {
          next(metadata, new ListenerBuilder().withOnReceiveStatus((status, nextStatus) => (settle(), nextStatus(status))).build());
        })
        .build();
      return new InterceptingCall(nextCall(options), requester);
    } catch (err) {
      settle();
      throw err;
    }
  };

  /** Sits below the retry interceptor: sees each attempt, so a close can cancel it. */
  readonly attemptInterceptor: Interceptor = (options, nextCall) => {
    const requester = new RequesterBuilder()
      .withStart((metadata, listener, next) => {
        next(metadata, new ListenerBuilder().withOnReceiveStatus((status, nextStatus) => (this.attempts.delete(call), nextStatus(status))).build());
        this.attempts.add(call);
        if (this.closing) call.cancelWithStatus(grpcStatus.CANCELLED, 'The client is closing.');
      })
      .build();
    const call: InterceptingCall = new InterceptingCall(nextCall(options), requester);
    return call;
  };

  /** Stops retries and cancels every attempt in flight (a long poll ends at once). */
  begin(): void {
    this.closing = true;
    for (const call of [...this.attempts]) call.cancelWithStatus(grpcStatus.CANCELLED, 'The client is closing.');
  }

  /** Resolves once no call is in flight, or after `timeoutMs`, whichever comes first. */
  async settled(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.idleWaiters.add(done);
    });
  }
}

const trackers = new WeakMap<ConnectionLike, CallTracker>();

/** Options of {@link connectClosable} beyond the SDK's. */
export interface ClosableConnectionOptions {
  /** gRPC interceptors that see every attempt of a call (below the retries), e.g. to log them. */
  attemptInterceptors?: Interceptor[];
}

/**
 * `Connection.connect` with the SDK's default retries, plus call tracking so that
 * {@link closeConnection} can close it while calls are in flight. Your own `interceptors` run
 * outside the tracking and the retries.
 */
export async function connectClosable(options: ConnectionOptions = {}, closable: ClosableConnectionOptions = {}): Promise<Connection> {
  const tracker = new CallTracker();
  const retryOptions = defaultGrpcRetryOptions();
  const retry = makeGrpcRetryInterceptor({
    ...retryOptions,
    // A call that fails while the client closes ends with its failure rather than retrying.
    retryableDecider: (attempt, status) => !tracker.closing && retryOptions.retryableDecider(attempt, status),
  });
  const connection = await Connection.connect({
    ...options,
    interceptors: [...(options.interceptors ?? []), tracker.callInterceptor, retry, tracker.attemptInterceptor, ...(closable.attemptInterceptors ?? [])],
  });
  trackers.set(connection, tracker);
  return connection;
}

/**
 * Closes `connection`. One made by {@link connectClosable} first has its calls cancelled and
 * waits (at most a few seconds) for them and their retry timers to settle; any other is closed as is.
 */
export async function closeConnection(connection: ConnectionLike): Promise<void> {
  const tracker = trackers.get(connection);
  if (tracker) {
    tracker.begin();
    await tracker.settled(SETTLE_TIMEOUT_MS);
  }
  await connection.close();
}
