/** What a failing live medium's warning says about its cause: the driver's words, bounded, no credentials. */
import { describe, expect, it } from 'vitest';
import { describeCause, redactUrlCredentials } from '../../src/live/medium-health.js';

describe('the cause of a live medium failure', () => {
  it('masks the password of any URL in it', () => {
    expect(redactUrlCredentials('could not reach postgres://ann:pa55@db:5432/x (and postgresql://bob:x%40y@h/z)')).toBe(
      'could not reach postgres://ann:***@db:5432/x (and postgresql://bob:***@h/z)',
    );
    expect(redactUrlCredentials('http://host/path?q=1 user@example.com')).toBe('http://host/path?q=1 user@example.com');
  });

  it('keeps the code and message on one bounded line', () => {
    const err = Object.assign(new Error('no space left on device,\n  write'), { code: 'ENOSPC' });
    expect(describeCause(err)).toBe('ENOSPC: no space left on device, write');
    expect(describeCause(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeCause(new Error('x'.repeat(1000)))).toHaveLength(300);
    expect(describeCause('plain')).toBe('plain');
  });
});
