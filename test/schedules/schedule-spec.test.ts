/** The schedule timing a caller writes, checked before anything reaches the server. */
import { describe, expect, it } from 'vitest';
import { HarnessClientError } from '../../src/client/errors.js';
import { assertScheduleId, checkCron, parseInterval, scheduleSpecFrom } from '../../src/client/schedule-spec.js';

function refused(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(HarnessClientError);
    expect((e as HarnessClientError).code).toBe('INVALID_SCHEDULE');
    return (e as Error).message;
  }
  throw new Error('expected INVALID_SCHEDULE');
}

describe('scheduleSpecFrom', () => {
  it('turns cron (with a time zone) and intervals into the SDK spec', () => {
    expect(scheduleSpecFrom({ cron: '0 2 * * *' })).toEqual({ cronExpressions: ['0 2 * * *'] });
    expect(scheduleSpecFrom({ cron: ['@daily', '30 9 * * MON-FRI'], timezone: 'Europe/Paris' })).toEqual({
      cronExpressions: ['@daily', '30 9 * * MON-FRI'],
      timezone: 'Europe/Paris',
    });
    expect(scheduleSpecFrom({ every: '90m' })).toEqual({ intervals: [{ every: 5_400_000 }] });
    expect(scheduleSpecFrom({ every: 2_000 })).toEqual({ intervals: [{ every: 2_000 }] });
  });

  it('needs exactly one of cron and every', () => {
    expect(refused(() => scheduleSpecFrom({}))).toMatch(/give `cron`.*or `every`/);
    expect(refused(() => scheduleSpecFrom({ cron: [] }))).toMatch(/needs a time/);
    expect(refused(() => scheduleSpecFrom({ cron: '@daily', every: '1h' }))).toMatch(/either `cron` or `every`, not both/);
  });

  it('refuses an unknown time zone, and a time zone with an interval', () => {
    expect(refused(() => scheduleSpecFrom({ cron: '@daily', timezone: 'Mars/Olympus' }))).toMatch(/Unknown time zone "Mars\/Olympus".*IANA/);
    expect(refused(() => scheduleSpecFrom({ every: '1h', timezone: 'UTC' }))).toMatch(/cron expressions only/);
  });
});

describe('checkCron', () => {
  it('accepts 5, 6 and 7 fields, shorthands, @every, a zone prefix and a comment', () => {
    for (const ok of ['0 2 * * *', '0 2 * * * 2030', '30 0 2 * * * *', '*/15 9-17 * * MON-FRI', '@hourly', '@every 30m', '@every 1h/15m', 'CRON_TZ=Europe/Paris 0 9 * * *', '0 2 * * * # nightly']) {
      expect(() => checkCron(ok), ok).not.toThrow();
    }
  });

  it('refuses a wrong field count, a bad shorthand and stray characters, saying how to write one', () => {
    expect(refused(() => checkCron('0 2 * *'))).toMatch(/has 4 fields\. Write 5 fields \(minute hour day-of-month month day-of-week/);
    expect(refused(() => checkCron('0 0 0 2 * * * *'))).toMatch(/has 8 fields/);
    expect(refused(() => checkCron('@nightly'))).toMatch(/not a known shorthand/);
    expect(refused(() => checkCron('@every often'))).toMatch(/"@every" takes one duration/);
    expect(refused(() => checkCron('0 2 * * $'))).toMatch(/not cron syntax: "\$"/);
    expect(refused(() => checkCron('  '))).toMatch(/is empty/);
  });
});

describe('parseInterval', () => {
  it('reads numbers with units and refuses the rest', () => {
    expect(parseInterval('30s')).toBe(30_000);
    expect(parseInterval('1.5h')).toBe(5_400_000);
    expect(parseInterval('1d')).toBe(86_400_000);
    expect(refused(() => parseInterval('nightly'))).toMatch(/^The interval must be a duration such as "30s", "2m", "1h" or "7d", got "nightly"\.$/);
    expect(refused(() => parseInterval('500ms'))).toMatch(/^The interval must be at least 1s, got "500ms"\.$/);
    expect(refused(() => parseInterval(0))).toMatch(/at least 1s/);
  });
});

describe('assertScheduleId', () => {
  it('allows plain ids only (they become part of run ids)', () => {
    expect(() => assertScheduleId('nightly-report.v2')).not.toThrow();
    expect(refused(() => assertScheduleId('nightly report'))).toMatch(/1-128 of A-Z a-z 0-9 _ \. : -/);
    expect(refused(() => assertScheduleId(''))).toMatch(/not valid/);
    expect(refused(() => assertScheduleId('x'.repeat(129)))).toMatch(/not valid/);
  });
});
