/**
 * The live path of a run's tokens, beside its durable event log: the model-call activity hands
 * every delta to this process-wide channel the moment the model yields it, and followers of the
 * run in the same process (`RunHandle.events()`, SSE clients, `/api/chat`) get it at once, while
 * the same delta still reaches the run's durable stream in batches. The durable log stays the
 * source of truth (offsets, resume, finished runs); a live delta is a preview of text the log will
 * hold. Followers in processes without the worker get the same items through the payload store
 * (`src/live/`).
 *
 * The table lives on `globalThis` so that two copies of this module (a bundler, a workspace module
 * importing the package by another path) still share one channel.
 */
import type { HarnessEvent } from '../workflows/run/events.js';

/** One live item: a delta or reset, and for a delta where its text starts in its message attempt. */
export interface LiveRunEvent {
  event: Extract<HarnessEvent, { type: 'output.delta' | 'reasoning.delta' | 'output.reset' }>;
  /** Characters of the same kind (output or reasoning) this attempt emitted before this delta. */
  position: number;
}

/** Told about every live item of the run it listens to. Must not throw (errors are swallowed). */
export type LiveRunListener = (item: LiveRunEvent) => void;

/** Items of a run kept while its model calls stream, for followers that join mid-message. */
export const LIVE_RECENT_ITEMS = 4000;

const KEY = Symbol.for('temporal-harness.live-run-events');

interface LiveTable {
  listeners: Map<string, Set<LiveRunListener>>;
  /** The items of each run's model calls in progress (bounded), in publication order. */
  recent: Map<string, LiveRunEvent[]>;
}

function table(): LiveTable {
  const g = globalThis as unknown as Record<symbol, LiveTable | undefined>;
  g[KEY] ??= { listeners: new Map(), recent: new Map() };
  return g[KEY];
}

/** Hands `item` to this process's followers of run `runId` (its workflow id), and keeps it until {@link endLive}. */
export function publishLive(runId: string, item: LiveRunEvent): void {
  const { listeners, recent } = table();
  let items = recent.get(runId);
  if (!items) recent.set(runId, (items = []));
  items.push(item);
  if (items.length > LIVE_RECENT_ITEMS) items.shift();
  for (const listener of listeners.get(runId) ?? []) call(listener, item);
}

/** A model call of run `runId` ended: its items are no longer kept for followers that join later. */
export function endLive(runId: string): void {
  table().recent.delete(runId);
}

/**
 * Listens to run `runId`'s live items until the returned function is called. With `replay`, the
 * items of a model call already streaming come first (its start): only sound for a follower that
 * reads the durable log from offset 0, since one that resumes mid-message may have that text.
 */
export function subscribeLive(runId: string, listener: LiveRunListener, replay = false): () => void {
  const { listeners: byRun, recent } = table();
  let listeners = byRun.get(runId);
  if (!listeners) byRun.set(runId, (listeners = new Set()));
  if (replay) for (const item of recent.get(runId) ?? []) call(listener, item);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && byRun.get(runId) === listeners) byRun.delete(runId);
  };
}

function call(listener: LiveRunListener, item: LiveRunEvent): void {
  try {
    listener(item);
  } catch {
    // A follower's bug must not fail the model call that feeds it.
  }
}
