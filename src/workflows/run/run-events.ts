/**
 * Publishing a run's lifecycle events from the workflow. Publishing appends to the stream's
 * in-memory log (no history event); subscribers read it with long-poll updates.
 */
import { CancellationScope, allHandlersFinished, condition } from '@temporalio/workflow';
import { WorkflowStream, type WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import type { EventLog } from './contract.js';
import { RUN_EVENTS_TOPIC, type HarnessEvent, type HarnessEventBody } from './events.js';

export class RunEvents {
  private readonly stream: WorkflowStream;
  private readonly topic;
  private held: { atMs: number; whileNow: number } | undefined;
  /** Sees every event published (approval notifications start here); settled before the run closes. */
  observer?: { observe(event: HarnessEventBody): void; readonly busy: boolean; settle(): Promise<void> };

  /** `prior`: the stream state a continued run was handed, so offsets go on where they were. */
  constructor(
    private readonly runId: string,
    private readonly agentId: () => string,
    prior?: WorkflowStreamState,
  ) {
    this.stream = new WorkflowStream(prior);
    this.topic = this.stream.topic<HarnessEvent>(RUN_EVENTS_TOPIC);
  }

  /**
   * Before continuing as new: subscribers waiting on a poll are let go (their client re-polls the
   * next run), handlers finish, and the stream's state is returned for the next run, with at most
   * the last `keepLast` events (a reader asking for older offsets of a very long run gets an error).
   */
  async handOver(keepLast: number): Promise<WorkflowStreamState> {
    await this.settle();
    this.stream.detachPollers();
    await condition(allHandlersFinished);
    const { log, base_offset } = this.stream.getState();
    if (log.length > keepLast) this.stream.truncate(base_offset + log.length - keepLast);
    return this.stream.getState();
  }

  emit(body: HarnessEventBody): void {
    const held = this.held?.whileNow === Date.now() ? this.held.atMs : undefined;
    const at = new Date(held ?? Date.now()).toISOString();
    this.topic.publish({ runId: this.runId, agentId: this.agentId(), at, ...body } as HarnessEvent);
    this.observer?.observe(body);
  }

  /**
   * Whether `settle` has anything to wait for. The run's common end skips the wait when not:
   * every promise workflow code makes costs the SDK a stack capture (for the Web UI's stack trace).
   */
  get unsettled(): boolean {
    return this.observer?.busy ?? false;
  }

  /** Whether `drain` has anything to wait for (a handler, e.g. a subscriber's poll, still running). */
  get undrained(): boolean {
    return !allHandlersFinished();
  }

  /** Waits for the observer's work in flight (bounded by it): before the final event, or handing over. */
  async settle(): Promise<void> {
    await this.observer?.settle();
  }

  /**
   * Stamps the events published while workflow time still reads what it reads now with `atMs`.
   * For the code woken by a local activity's result: workflow time is the workflow task's, the
   * same on replay, except where a local activity resolves. There the SDK moves it to the task's
   * start plus the activity's run time, or to the start of the next task when a query or update
   * made the worker complete the task around the activity (the result then reaches the workflow
   * in that next task live but at once on replay, or the other way round). So `atMs` must come
   * from history: workflow time before the activity plus a duration in its result.
   */
  holdTime(atMs: number): void {
    // Later workflow tasks start later, so the hold ends with this one (the SDK gives us no
    // deterministic hook at the end of the woken code: blocked conditions are checked mid-way).
    this.held = { atMs, whileNow: Date.now() };
  }

  /** The `storedEvents` query's answer: stored events from `fromOffset` on (readers of a finished run cannot poll). */
  log(fromOffset = 0): EventLog {
    const { log, base_offset } = this.stream.getState();
    // The stream's snapshot leaves offsets at 0: an item's offset is base_offset + its index.
    const items = log.map((item, i) => ({ ...item, offset: base_offset + i })).filter((item) => item.offset >= fromOffset);
    return { items, nextOffset: base_offset + log.length };
  }

  /**
   * Lets subscribers waiting on a poll collect the final event before the run closes: their
   * handlers wake on the new items, and the run ends only once they have answered.
   */
  async drain(): Promise<void> {
    // Even a cancelled run must let its subscribers answer, so this wait cannot be cancelled.
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
  }
}
