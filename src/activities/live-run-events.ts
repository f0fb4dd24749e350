/**
 * The live path of a run's tokens, beside its durable event log: the model-call activity hands
 * every delta to this process-wide channel the moment the model yields it, and followers of the
 * run in the same process (`RunHandle.events()`, SSE clients, `/api/chat`) get it at once, while
 * the same delta still reaches the run's durable stream in batches. The durable log stays the
 * source of truth (offsets, resume, finished runs); a live delta is a preview of text the log will
 * hold. Processes that do not run the worker see only the durable path.
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

const KEY = Symbol.for('temporal-harness.live-run-events');

function listenersByRun(): Map<string, Set<LiveRunListener>> {
  const g = globalThis as unknown as Record<symbol, Map<string, Set<LiveRunListener>> | undefined>;
  g[KEY] ??= new Map();
  return g[KEY];
}

/** Hands `item` to this process's followers of run `runId` (its workflow id); a no-op when none. */
export function publishLive(runId: string, item: LiveRunEvent): void {
  const listeners = listenersByRun().get(runId);
  if (!listeners) return;
  for (const listener of listeners) {
    try {
      listener(item);
    } catch {
      // A follower's bug must not fail the model call that feeds it.
    }
  }
}

/** Listens to run `runId`'s live items until the returned function is called. */
export function subscribeLive(runId: string, listener: LiveRunListener): () => void {
  const table = listenersByRun();
  let listeners = table.get(runId);
  if (!listeners) table.set(runId, (listeners = new Set()));
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && table.get(runId) === listeners) table.delete(runId);
  };
}
