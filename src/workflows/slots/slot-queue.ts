/** FIFO slot accounting, as a plain class so its rules are unit-tested without a server. */
import type { QueuedRun, RunSlotsStatus } from './contract.js';

export class SlotQueue {
  private readonly holders: Set<string>;
  private readonly queue: QueuedRun[];

  constructor(
    private capacity: number,
    holders: string[] = [],
    queue: QueuedRun[] = [],
  ) {
    this.holders = new Set(holders);
    this.queue = [...queue];
  }

  /**
   * Queues a run (once) in the order runs started — runs reach the point of asking in any order —
   * and returns the runs that may start now. A run that has not asked yet has no place: slots go
   * in start order among the runs waiting.
   */
  acquire(run: QueuedRun, capacity: number): string[] {
    this.capacity = capacity;
    if (!this.holders.has(run.runId) && !this.queue.some((q) => q.runId === run.runId)) {
      const at = this.queue.findIndex((q) => q.startedAt > run.startedAt || (q.startedAt === run.startedAt && q.runId > run.runId));
      this.queue.splice(at < 0 ? this.queue.length : at, 0, run);
    }
    return this.grant();
  }

  /** Frees a holder's slot, or drops a run that gave up waiting; returns the runs that may start now. */
  release(runId: string): string[] {
    this.holders.delete(runId);
    const i = this.queue.findIndex((q) => q.runId === runId);
    if (i >= 0) this.queue.splice(i, 1);
    return this.grant();
  }

  holderIds(): string[] {
    return [...this.holders];
  }

  /** The state to carry across continue-as-new. */
  snapshot(): { capacity: number; holders: string[]; queue: QueuedRun[] } {
    return { capacity: this.capacity, holders: [...this.holders], queue: [...this.queue] };
  }

  status(): RunSlotsStatus {
    return { capacity: this.capacity, holders: [...this.holders], queue: this.queue.map((q) => q.runId) };
  }

  private grant(): string[] {
    const granted: string[] = [];
    while (this.holders.size < this.capacity && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.holders.add(next.runId);
      granted.push(next.runId);
    }
    return granted;
  }
}
