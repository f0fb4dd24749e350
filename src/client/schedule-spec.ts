/**
 * When a schedule fires, as the caller writes it (`cron` or `every`, optional `timezone`), checked
 * here so a typo fails with a message that says how to write it, before anything reaches the
 * server. The server still parses every cron field; what it refuses comes back as the same error.
 */
import type { ScheduleSpec } from '@temporalio/client';
import { parseDuration } from '../common/durations.js';
import { isHarnessError } from '../common/errors.js';
import { HarnessClientError } from './errors.js';

/** When a schedule fires: cron expressions or a fixed interval, in UTC or a given time zone. */
export interface ScheduleTiming {
  /**
   * Cron expression(s), in UTC unless `timezone` is set: 5 fields (minute hour day-of-month month
   * day-of-week), 6 (+ year) or 7 (second first); or `@daily`, `@hourly`, `@weekly`, `@monthly`,
   * `@yearly`, `@every 30m`.
   * @example '0 2 * * *' // every night at 02:00
   */
  cron?: string | readonly string[];
  /**
   * A fixed interval: milliseconds, or a number with a unit (`ms`, `s`, `m`, `h`, `d`), at least 1 s.
   * @example '1h'
   */
  every?: string | number;
  /** IANA time zone for `cron` (e.g. `Europe/Paris`). @default UTC */
  timezone?: string;
}

/** Schedule ids become part of run ids (`run-<scheduleId>-<time>`), so they stay plain. */
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

const SHORTHANDS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const CRON_FIELD = /^[0-9A-Za-z*?,/#-]+$/;
const CRON_HELP =
  'Write 5 fields (minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 every day), ' +
  '6 (+ year), 7 (second first), or @daily / @hourly / @weekly / @monthly / @yearly / "@every 30m".';

/** @throws {HarnessClientError} `INVALID_SCHEDULE` naming the id rule. */
export function assertScheduleId(scheduleId: string): void {
  if (!SCHEDULE_ID_PATTERN.test(scheduleId)) {
    throw invalid(`Schedule id ${JSON.stringify(scheduleId)} is not valid: use 1-128 of A-Z a-z 0-9 _ . : - (e.g. "nightly-report").`);
  }
}

/**
 * Parses `every` with the one duration parser: milliseconds, or a duration such as "30s", "15m", "1h", "1d".
 * @throws {HarnessClientError} `INVALID_SCHEDULE` for anything else, or under one second (schedules
 *   fire at most once a second).
 */
export function parseInterval(every: string | number): number {
  try {
    return parseDuration(every, { min: 1_000, what: 'The interval' });
  } catch (e) {
    if (!isHarnessError(e, 'INVALID_DURATION')) throw e;
    throw new HarnessClientError('INVALID_SCHEDULE', e.message, { cause: e });
  }
}

/**
 * Checks the shape of one cron expression (field count, characters, shorthands); the server
 * checks each field's values.
 * @throws {HarnessClientError} `INVALID_SCHEDULE` saying how to write one.
 */
export function checkCron(expression: string): void {
  // Temporal accepts a leading `CRON_TZ=<zone>` / `TZ=<zone>` and a trailing `# comment`.
  const body = expression.replace(/^\s*(?:CRON_TZ|TZ)=\S+\s+/, '').replace(/#\s.*$|#$/, '').trim();
  if (body === '') throw invalid(`Cron expression ${JSON.stringify(expression)} is empty. ${CRON_HELP}`);
  if (body.startsWith('@')) {
    const [word, ...rest] = body.split(/\s+/);
    if (word === '@every') {
      const [interval, phase] = (rest.join(' ') || '').split('/');
      if (rest.length !== 1 || !interval || !isDuration(interval) || (phase !== undefined && !isDuration(phase))) {
        throw invalid(`Cron expression ${JSON.stringify(expression)}: "@every" takes one duration such as "@every 30m" (optionally "/<phase>").`);
      }
      return;
    }
    if (rest.length > 0 || !SHORTHANDS.has(word!)) throw invalid(`Cron expression ${JSON.stringify(expression)} is not a known shorthand. ${CRON_HELP}`);
    return;
  }
  const fields = body.split(/\s+/);
  if (fields.length < 5 || fields.length > 7) {
    throw invalid(`Cron expression ${JSON.stringify(expression)} has ${fields.length} field${fields.length === 1 ? '' : 's'}. ${CRON_HELP}`);
  }
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  if (bad !== undefined) throw invalid(`Cron expression ${JSON.stringify(expression)} has a field that is not cron syntax: ${JSON.stringify(bad)}. ${CRON_HELP}`);
}

/**
 * Turns `cron` / `every` / `timezone` into the SDK's spec, refusing what cannot work.
 * @throws {HarnessClientError} `INVALID_SCHEDULE`: neither or both of `cron` and `every`, a bad
 *   cron expression or interval, a time zone Node does not know, `timezone` with `every`.
 */
export function scheduleSpecFrom(timing: ScheduleTiming): ScheduleSpec {
  const crons = timing.cron === undefined ? [] : typeof timing.cron === 'string' ? [timing.cron] : [...timing.cron];
  if (crons.length === 0 && timing.every === undefined) {
    throw invalid('A schedule needs a time: give `cron` (e.g. "0 2 * * *", every night at 02:00 UTC) or `every` (e.g. "1h").');
  }
  if (crons.length > 0 && timing.every !== undefined) {
    throw invalid('Give a schedule either `cron` or `every`, not both; create two schedules if you need both.');
  }
  if (timing.timezone !== undefined) {
    if (timing.every !== undefined) throw invalid('`timezone` applies to cron expressions only; an interval counts from the epoch in absolute time.');
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timing.timezone });
    } catch {
      throw invalid(`Unknown time zone ${JSON.stringify(timing.timezone)}: use an IANA name such as "Europe/Paris" or "America/New_York".`);
    }
  }
  if (timing.every !== undefined) return { intervals: [{ every: parseInterval(timing.every) }] };
  crons.forEach(checkCron);
  return { cronExpressions: crons, ...(timing.timezone !== undefined && { timezone: timing.timezone }) };
}

function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

function invalid(message: string): HarnessClientError {
  return new HarnessClientError('INVALID_SCHEDULE', message);
}
