import { describe, expect, it } from 'vitest';
import { eventually } from './eventually.js';

describe('eventually', () => {
  it('reads until the value is acceptable and returns that value', async () => {
    let reads = 0;
    const value = await eventually(
      async () => ++reads,
      (n) => n >= 3,
      'the third read',
      { intervalMs: 1 },
    );
    expect(value).toBe(3);
    expect(reads).toBe(3);
  });

  it('returns at once when the first read is acceptable', async () => {
    let reads = 0;
    expect(await eventually(() => (reads++, 'ready'), (s) => s === 'ready', 'ready')).toBe('ready');
    expect(reads).toBe(1);
  });

  it('fails after the deadline, naming what it waited for and the last value it read', async () => {
    let reads = 0;
    const err = await eventually(
      () => ({ state: 'running', reads: ++reads }),
      (s) => s.state === 'completed',
      'the run to complete',
      { timeoutMs: 30, intervalMs: 5 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^timed out after 30 ms waiting for the run to complete; last value: \{ state: 'running', reads: \d+ \}$/);
    expect((err as Error).message).toContain(`reads: ${reads}`);
    expect(reads).toBeGreaterThan(1);
  });

  it('fails at once with the error of a read that throws', async () => {
    let reads = 0;
    const read = (): string => {
      reads++;
      throw new Error('no such run');
    };
    await expect(eventually(read, () => true, 'anything')).rejects.toThrow('no such run');
    expect(reads).toBe(1);
  });

  it('keeps a huge last value short in the message', async () => {
    const err = await eventually(() => 'x'.repeat(100_000), () => false, 'a short string', { timeoutMs: 0 }).catch((e: unknown) => e);
    expect((err as Error).message.length).toBeLessThan(1_000);
    expect((err as Error).message).toContain('more characters');
  });
});
