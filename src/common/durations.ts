/**
 * The one duration parser: workspace files, schedules and CLI flags read durations here, so
 * "30s" means the same everywhere. The grammar is Temporal's own (`msToNumber`, the `ms` format
 * the SDK accepts for every timeout): "250ms", "30s", "2m", "1.5h", "7d", "30 seconds"…
 * Pure (no Node APIs, no zod): safe to import from workflow code.
 */
import { msToNumber } from '@temporalio/common/lib/time.js';
import { InvalidDurationError } from './errors.js';

/** Options of {@link parseDuration}. */
export interface ParseDurationOptions {
  /** Smallest duration accepted, in milliseconds (inclusive). @default 0 */
  min?: number;
  /** What the value is, for the message (e.g. `"--shutdown-grace"`, `"The interval"`). */
  what?: string;
}

const EXAMPLES = 'a duration such as "30s", "2m", "1h" or "7d"';

/**
 * Reads a duration and returns it in milliseconds. A number is taken as milliseconds; a string
 * needs a unit ("30" alone is ambiguous, so only "0" may go without one).
 * @throws {InvalidDurationError} `INVALID_DURATION` when the value is not a duration, is negative
 *   or is below `min`; the message names the value and shows how to write one.
 * @example
 * parseDuration('2m'); // 120000
 * parseDuration(1500); // 1500
 * parseDuration('500ms', { min: 1_000, what: 'The interval' }); // throws: must be at least 1s
 */
export function parseDuration(value: string | number, options: ParseDurationOptions = {}): number {
  const { min = 0, what } = options;
  const ms = toMs(value);
  if (ms === undefined || ms < 0) {
    throw new InvalidDurationError('INVALID_DURATION', `${what ? `${what} must be` : 'expected'} ${EXAMPLES}, got ${JSON.stringify(value)}.`);
  }
  if (ms < min) {
    throw new InvalidDurationError('INVALID_DURATION', `${what ?? 'The duration'} must be at least ${formatDuration(min)}, got ${JSON.stringify(value)}.`);
  }
  return ms;
}

function toMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text) && Number(text) !== 0) return undefined; // a bare number in a string: which unit?
  try {
    const ms = msToNumber(text as Parameters<typeof msToNumber>[0]);
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

const UNITS = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
] as const;

/**
 * Writes milliseconds in the largest unit that divides them exactly, in the form
 * {@link parseDuration} reads back.
 * @example
 * formatDuration(120_000); // '2m'
 * formatDuration(1_500); // '1500ms'
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const [unit, size] of UNITS) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
