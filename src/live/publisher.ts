/**
 * The publishing end of a model-call attempt's live items: each goes at once to followers in this
 * process (live-run-events.ts), and to the shared medium for followers in other processes. The
 * shared write never holds up the model call: items queue, at most one write is in flight, and
 * a write starts as soon as the previous one is done (the next tick for the first; a database
 * medium spaces them a few ms apart), so a batch gathers what arrived meanwhile. If the medium
 * fails, this attempt stops writing to it: the durable log is the truth and still carries every delta.
 * The failure is logged once per failing spell of the medium, through the activity's logger (the
 * worker's `Runtime.logger`), and the next attempt tries the medium again (medium-health.ts).
 */
import { Context } from '@temporalio/activity';
import type { Logger } from '@temporalio/common';
import { endLive, publishLive, type LiveRunEvent } from '../activities/live-run-events.js';
import type { LiveWriter } from './medium.js';
import { liveOrigin, sharedMediumOf, type LiveClient, type SharedMedium } from './shared-medium.js';

/** Items waiting for a write beyond this (a medium that hangs): the attempt stops writing to it. */
const MAX_QUEUED = 2000;

/** Publishes one model-call attempt's live items of run `runId`. */
export class LivePublisher {
  private readonly shared: SharedMedium | undefined;
  private writer: LiveWriter | undefined;
  private queue: LiveRunEvent[] = [];
  private writing: Promise<void> | undefined;
  private failed = false;
  private seq = 0;
  private lastWrite = -Infinity;
  private readonly namespace: string;
  private readonly log: Logger | undefined;

  /**
   * @param client the activity's client: its payload store and keyring choose the shared medium.
   * @param log where a failing medium is reported. @default the current activity's logger (none outside an activity)
   */
  constructor(
    client: LiveClient,
    private readonly runId: string,
    log: Logger | undefined = activityLog(),
  ) {
    this.shared = sharedMediumOf(client);
    this.namespace = client.options.namespace;
    this.log = log;
  }

  /** Hands `item` to this process's followers now and queues it for the shared medium. */
  publish(item: LiveRunEvent): void {
    publishLive(this.runId, item);
    if (!this.shared || this.failed) return;
    this.queue.push(item);
    if (this.queue.length > MAX_QUEUED) return this.fail(new Error(`more than ${MAX_QUEUED} items waited for a write: the medium does not keep up`));
    this.writing ??= this.drain();
  }

  /** Resolves once no write is in flight (what was queued is written, or the medium failed); never rejects. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** The attempt is over: writes what is queued, then ends the writer (in the background; never throws). */
  close(): void {
    endLive(this.runId);
    void (async () => {
      await this.writing;
      await this.writer?.end();
    })().catch(() => undefined);
  }

  private async drain(): Promise<void> {
    const { medium, codec, health } = this.shared!;
    await new Promise((resolve) => setImmediate(resolve)); // the items of this tick join the first batch
    try {
      while (this.queue.length > 0 && !this.failed) {
        const wait = this.lastWrite + medium.minWriteIntervalMs - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // what arrives meanwhile joins the batch
        this.lastWrite = performance.now();
        const items = this.queue;
        this.queue = [];
        this.writer ??= medium.writer(this.namespace, this.runId);
        const lines = await codec.encode({ origin: liveOrigin(), namespace: this.namespace, runId: this.runId }, items, () => this.seq++);
        if (lines.length > 0) await this.writer.write(lines);
        health.worked(this.log);
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.writing = undefined;
    }
  }

  private fail(cause: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.queue = [];
    this.shared!.health.failed(this.log, cause);
  }
}

/** The logger of the activity this runs in, if any. */
function activityLog(): Logger | undefined {
  try {
    return Context.current().log;
  } catch {
    return undefined; // not in an activity (a test driving the publisher)
  }
}
