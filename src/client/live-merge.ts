/**
 * Merges a run's live deltas (the live path, src/live/follow.ts) into its durable event stream for one
 * follower, so each character of a model message is shown once: live text goes out the moment it
 * arrives, and the durable copy of the same text later is trimmed to what was not shown (and
 * skipped when nothing is left). Durable events keep their offsets; a live item carries the offset
 * of the last durable event before it, so "last offset seen + 1" always resumes on the durable log.
 *
 * Text is matched by position within a message attempt, per kind (output, reasoning). That is
 * only sound when this follower counts the attempt's durable deltas from their start: it knows it
 * does when it got the attempt's first live delta (position 0: no durable copy can precede it) or
 * the attempt's durable start (`step.started`, or `output.reset` for a retry). A follower that
 * joined mid-message shows that message from the durable log alone.
 */
import type { LiveRunEvent } from '../activities/live-run-events.js';
import type { HarnessEventItem } from '../workflows/run/events.js';

type DeltaEvent = Extract<LiveRunEvent['event'], { type: 'output.delta' | 'reasoning.delta' }>;

interface KindState {
  /** Characters shown to the follower (live or durable) from the attempt's start. */
  shown: number;
  /** Characters the durable log has delivered so far. */
  durable: number;
  /** 'aligned': durable deltas are counted from their start; 'durable-only': ignore live items. */
  mode: 'unknown' | 'aligned' | 'durable-only';
  /** Live deltas that arrived ahead of what was shown (a gap), by position. */
  pending: { position: number; event: DeltaEvent }[];
}

/** More live deltas than this waiting on a gap: give up on live text for that message attempt. */
const MAX_PENDING = 1000;

/** One follower's merge state (plain and synchronous, so it is tested without a server). */
export class LiveMerge {
  private lastOffset: number;
  private readonly kinds = new Map<string, KindState>();
  /** Message attempts whose `output.reset` was already passed on (live or durable). */
  private readonly resets = new Set<string>();
  /** Message attempts whose durable start was seen. */
  private readonly started = new Set<string>();
  /**
   * The newest attempt seen per message: live items of an older one are dropped. A follower in
   * another process may read a failed attempt's items after the retry's (two files, read in any
   * order); the newer attempt's reset has already told the screen to drop that text.
   */
  private readonly latest = new Map<string, number>();

  /**
   * @param inOrder live text of a message attempt waits for the log to deliver that attempt's start
   *   (`step.started`, or `output.reset` of a retry), and live resets are left to the log: nothing
   *   then comes ahead of an event the log has before it (a tool result before the next step's
   *   text), at the cost of the attempt's first tokens waiting for one durable hop.
   */
  constructor(
    fromOffset: number,
    private readonly inOrder = false,
  ) {
    this.lastOffset = fromOffset - 1;
  }

  /** A durable event arrived: returns what to pass on (nothing when its text was all shown). */
  durable(item: HarnessEventItem): HarnessEventItem[] {
    this.lastOffset = item.offset;
    const { event } = item;
    if (event.type === 'output.reset' || event.type === 'output.delta' || event.type === 'reasoning.delta') this.isStale(event);
    if (event.type === 'step.started') return [item, ...this.markStarted(`${event.messageId}#1`)];
    if (event.type === 'step.completed') this.forget(event.messageId);
    if (event.type === 'output.reset') {
      const attempt = `${event.messageId}#${event.attempt}`;
      const drained = this.markStarted(attempt);
      if (this.resets.has(attempt)) return drained;
      this.resets.add(attempt);
      return [item, ...drained];
    }
    if (event.type !== 'output.delta' && event.type !== 'reasoning.delta') return [item];
    const state = this.kind(event);
    if (state.mode !== 'aligned') {
      state.mode = 'durable-only';
      state.pending = [];
      return [item];
    }
    const skip = Math.max(0, state.shown - state.durable);
    state.durable += event.text.length;
    state.shown = Math.max(state.shown, state.durable);
    const out: HarnessEventItem[] = skip < event.text.length ? [{ offset: item.offset, event: { ...event, text: event.text.slice(skip) } }] : [];
    return [...out, ...this.drain(state)];
  }

  /** A live item arrived: returns what to pass on now. */
  live({ event, position }: LiveRunEvent): HarnessEventItem[] {
    if (this.isStale(event)) return [];
    if (event.type === 'output.reset') {
      const attempt = `${event.messageId}#${event.attempt}`;
      if (this.inOrder || this.resets.has(attempt)) return [];
      this.resets.add(attempt);
      return [this.liveItem(event)];
    }
    const state = this.kind(event);
    if (state.mode === 'durable-only') return [];
    if (state.mode === 'unknown' && position === 0 && !this.inOrder) state.mode = 'aligned';
    // In position order: a medium may deliver an attempt's start after its next item (LISTEN, then the kept lines).
    let at = state.pending.length;
    while (at > 0 && state.pending[at - 1]!.position > position) at--;
    state.pending.splice(at, 0, { position, event });
    if (state.pending.length > MAX_PENDING) {
      state.mode = 'durable-only';
      state.pending = [];
    }
    return state.mode === 'aligned' ? this.drain(state) : [];
  }

  /** Notes the event's attempt as the newest of its message if it is; true when a newer one was seen. */
  private isStale(event: LiveRunEvent['event']): boolean {
    const latest = this.latest.get(event.messageId) ?? 0;
    if (event.attempt < latest) return true;
    this.latest.set(event.messageId, event.attempt);
    return false;
  }

  private drain(state: KindState): HarnessEventItem[] {
    const out: HarnessEventItem[] = [];
    while (state.pending.length > 0 && state.pending[0]!.position <= state.shown) {
      const { position, event } = state.pending.shift()!;
      const skip = state.shown - position;
      if (skip >= event.text.length) continue;
      out.push(this.liveItem({ ...event, text: event.text.slice(skip) }));
      state.shown = position + event.text.length;
    }
    return out;
  }

  /** The attempt's durable start was delivered: its live text lines up; returns what it unblocked. */
  private markStarted(attempt: string): HarnessEventItem[] {
    this.started.add(attempt);
    const out: HarnessEventItem[] = [];
    for (const kind of ['output.delta', 'reasoning.delta']) {
      const state = this.kinds.get(`${attempt}#${kind}`);
      if (state?.mode !== 'unknown') continue;
      state.mode = 'aligned';
      out.push(...this.drain(state));
    }
    return out;
  }

  /** A finished message gets no more deltas: drop its state (a long run has many). */
  private forget(messageId: string): void {
    const prefix = `${messageId}#`;
    for (const key of this.kinds.keys()) if (key.startsWith(prefix)) this.kinds.delete(key);
    for (const key of this.resets) if (key.startsWith(prefix)) this.resets.delete(key);
    for (const key of this.started) if (key.startsWith(prefix)) this.started.delete(key);
    this.latest.delete(messageId);
  }

  private kind(event: DeltaEvent): KindState {
    const attempt = `${event.messageId}#${event.attempt}`;
    const key = `${attempt}#${event.type}`;
    let state = this.kinds.get(key);
    if (!state) {
      state = { shown: 0, durable: 0, mode: this.started.has(attempt) ? 'aligned' : 'unknown', pending: [] };
      this.kinds.set(key, state);
    }
    return state;
  }

  private liveItem(event: LiveRunEvent['event']): HarnessEventItem {
    return { offset: this.lastOffset, event, live: true };
  }
}
