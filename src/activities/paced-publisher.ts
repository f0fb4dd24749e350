/**
 * Adaptive batching of a run's stream events on their way to the workflow (one signal per send):
 * the first event goes out at once, events that arrive while a send is in flight ride the next
 * one, and a token bucket bounds the sends of one model call (a long answer must not flood the
 * run's history with a signal and a workflow task per token). So a short answer reaches other
 * processes' viewers token by token (no fixed batch timer), and a long one settles to
 * `refillMs` batches once its burst is spent, as before.
 */

/** How a publisher paces its sends. */
export interface Pacing {
  /** Sends allowed back to back before pacing starts. @default 250 */
  burst: number;
  /** One more send is allowed every `refillMs` once the burst is spent. @default 100 */
  refillMs: number;
}

/** The default pacing of model deltas: ~250 hops live, then 10 sends a second at most. */
export const DELTA_PACING: Pacing = { burst: 250, refillMs: 100 };

/** Sends queued items in batches, one batch in flight at a time, within a {@link Pacing} budget. */
export class PacedPublisher<T> {
  private queue: T[] = [];
  private tokens: number;
  private refilledAt = Date.now();
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: { err: unknown } | undefined;
  private closed = false;

  /**
   * @param send delivers one batch, in order; on a rejection it must keep the batch and deliver it
   *   before the next one (as `WorkflowStreamClient.flush` does): {@link flush} retries it once.
   */
  constructor(
    private readonly send: (batch: T[]) => Promise<void>,
    private readonly pacing: Pacing = DELTA_PACING,
  ) {
    this.tokens = pacing.burst;
  }

  /** Queues `item`; it goes out at once when no send is in flight and the budget allows. */
  push(item: T): void {
    if (this.closed) throw new Error('PacedPublisher: push after close');
    this.queue.push(item);
    this.kick();
  }

  /** Sends everything queued now (ignoring the pacing) and waits for it; throws a send's failure. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.sending || this.queue.length > 0) {
      if (this.sending) await this.sending;
      else this.startSend();
    }
    if (this.failure) {
      // The sender keeps a failed batch and sends it first next time: one more try, then give up.
      this.failure = undefined;
      await this.send([]);
    }
  }

  /** Drops what is queued and stops sending (a failed attempt's leftovers are never shown). */
  close(): void {
    this.closed = true;
    this.queue = [];
    clearTimeout(this.timer);
  }

  private kick(): void {
    if (this.sending || this.timer || this.queue.length === 0 || this.closed) return;
    this.refill();
    if (this.tokens >= 1) {
      this.tokens--;
      this.startSend();
      return;
    }
    const wait = this.pacing.refillMs - (Date.now() - this.refilledAt);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, Math.max(0, wait));
  }

  private refill(): void {
    const now = Date.now();
    const earned = Math.floor((now - this.refilledAt) / this.pacing.refillMs);
    if (earned <= 0) return;
    this.tokens = Math.min(this.pacing.burst, this.tokens + earned);
    this.refilledAt += earned * this.pacing.refillMs;
  }

  private startSend(): void {
    const batch = this.queue;
    this.queue = [];
    this.sending = this.send(batch)
      .then(
        // A later send that succeeds delivered the failed batch before its own (the sender's order).
        () => {
          this.failure = undefined;
        },
        (err: unknown) => {
          this.failure = { err };
        },
      )
      .finally(() => {
        this.sending = undefined;
        this.kick();
      });
  }
}
