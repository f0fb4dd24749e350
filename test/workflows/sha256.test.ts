import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/workflows/shared/sha256.js';

describe('sha256Hex (workflow-safe SHA-256)', () => {
  const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

  it('matches node:crypto on the FIPS test vectors and every padding boundary', () => {
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(sha256Hex(bytes), `length ${n}`).toBe(node(bytes));
    }
  });

  it('matches node:crypto on a 1.5 MB payload', () => {
    const bytes = new TextEncoder().encode('x'.repeat(1_500_000) + 'é');
    expect(sha256Hex(bytes)).toBe(node(bytes));
  });
});
