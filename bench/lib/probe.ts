/**
 * In-process timing probes. The bench worker runs in the driver's process (benchmarks 1, 2, 4),
 * so a tool or an activity can hand the driver a high-resolution timestamp directly. The table
 * lives on `globalThis` because the workspace loader imports the tools module by its own URL: a
 * module-level map could be a second instance.
 */
import { performance } from 'node:perf_hooks';

/** What is timed: the activity function entered, or the tool itself started (after its own setup). */
export type ProbePoint = 'activity' | 'tool';

type Waiter = (t: number) => void;

interface ProbeTable {
  seen: Map<string, number>;
  waiters: Map<string, Waiter>;
}

const KEY = Symbol.for('temporal-harness.bench.probes');

function table(): ProbeTable {
  const g = globalThis as unknown as Record<symbol, ProbeTable | undefined>;
  g[KEY] ??= { seen: new Map(), waiters: new Map() };
  return g[KEY];
}

const id = (point: ProbePoint, runId: string) => `${point}:${runId}`;

/** Records `performance.now()` for (point, run) — the first time only, so retries do not move it. */
export function mark(point: ProbePoint, runId: string | undefined): void {
  if (runId === undefined) return;
  const t = performance.now();
  const k = id(point, runId);
  const { seen, waiters } = table();
  if (seen.has(k)) return;
  seen.set(k, t);
  waiters.get(k)?.(t);
  waiters.delete(k);
}

/** Resolves with the time of (point, run), at once if it was already recorded. */
export function whenMarked(point: ProbePoint, runId: string, timeoutMs = 60_000): Promise<number> {
  const k = id(point, runId);
  const { seen, waiters } = table();
  const t = seen.get(k);
  if (t !== undefined) return Promise.resolve(t);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      waiters.delete(k);
      reject(new Error(`no ${point} start recorded for ${runId} within ${timeoutMs} ms`));
    }, timeoutMs);
    waiters.set(k, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
}

/** Forgets every recorded time (between benchmarks, so the map does not grow without bound). */
export function clearMarks(): void {
  table().seen.clear();
}
