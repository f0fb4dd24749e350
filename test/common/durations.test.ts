/** The one duration parser, used by workspace files, schedules and CLI flags. */
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/common/durations.js';
import { InvalidDurationError } from '../../src/common/errors.js';

function refused(value: string | number, options?: Parameters<typeof parseDuration>[1]): string {
  try {
    parseDuration(value, options);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidDurationError);
    expect((e as InvalidDurationError).code).toBe('INVALID_DURATION');
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe('parseDuration', () => {
  it("reads Temporal's duration strings and numbers of milliseconds", () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(604_800_000);
    expect(parseDuration(' 30 seconds ')).toBe(30_000);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration(0)).toBe(0);
  });

  it('refuses what is not a duration, naming the value and showing how to write one', () => {
    expect(refused('soon')).toBe('expected a duration such as "30s", "2m", "1h" or "7d", got "soon".');
    expect(refused('soon', { what: '--shutdown-grace' })).toBe('--shutdown-grace must be a duration such as "30s", "2m", "1h" or "7d", got "soon".');
    expect(refused('')).toMatch(/got ""/);
    expect(refused(Number.NaN)).toMatch(/got null/);
    expect(refused(Number.POSITIVE_INFINITY)).toMatch(/such as "30s"/);
  });

  it('refuses a bare number in a string (which unit?) except 0', () => {
    expect(refused('30')).toMatch(/got "30"/);
    expect(refused('1.5')).toMatch(/got "1.5"/);
  });

  it('refuses negative durations and durations under the minimum', () => {
    expect(refused('-5s')).toMatch(/got "-5s"/);
    expect(refused(-1)).toMatch(/got -1/);
    expect(refused('500ms', { min: 1_000, what: 'The interval' })).toBe('The interval must be at least 1s, got "500ms".');
    expect(refused(0, { min: 1 })).toBe('The duration must be at least 1ms, got 0.');
    expect(parseDuration('1s', { min: 1_000 })).toBe(1_000);
  });
});

describe('formatDuration', () => {
  it('writes the largest exact unit, in a form parseDuration reads back', () => {
    for (const [ms, text] of [
      [0, '0s'],
      [1_500, '1500ms'],
      [30_000, '30s'],
      [120_000, '2m'],
      [5_400_000, '90m'],
      [7_200_000, '2h'],
      [604_800_000, '7d'],
    ] as const) {
      expect(formatDuration(ms)).toBe(text);
      expect(parseDuration(text)).toBe(ms);
    }
  });
});
