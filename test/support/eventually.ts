/**
 * The one way tests wait for something they do not control the timing of: server state seen
 * through visibility, a run reaching a state, a line a tool appends to a file, a child process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

/** Bounds of one {@link eventually} wait. */
export interface EventuallyOptions {
  /**
   * How long to keep reading before failing; well under the integration test timeout (90 s), so
   * the failure names what was awaited instead of vitest's bare timeout.
   * @default 30_000
   */
  timeoutMs?: number;
  /** Pause between two reads. @default 50 */
  intervalMs?: number;
}

/**
 * Calls `read` until `ok(value)` holds and returns that value. After `timeoutMs` it throws
 * `timed out after … waiting for <what>; last value: …`, so a failure says what was awaited and
 * what was there instead. A `read` that throws fails the wait at once: make reads that may
 * legitimately fail for a while (a 404 until a run exists) return a value instead. When `ok` is a
 * type guard, the result has the narrowed type.
 *
 * @example
 * const status = await eventually(() => run.status(), (s) => s.state === 'completed', 'the run to complete');
 */
export async function eventually<T, S extends T>(
  read: () => T | Promise<T>,
  ok: (value: T) => value is S,
  what: string,
  options?: EventuallyOptions,
): Promise<S>;
export async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string, options?: EventuallyOptions): Promise<T>;
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  options: EventuallyOptions = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${show(value)}`);
    }
    await sleep(intervalMs);
  }
}

/** A bounded one-line rendering of a value for the failure message. */
function show(value: unknown): string {
  const text = inspect(value, { depth: 6, breakLength: Infinity, maxArrayLength: 50, maxStringLength: 500 });
  return text.length > 2_000 ? `${text.slice(0, 2_000)}… (${text.length} characters)` : text;
}
