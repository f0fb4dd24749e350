import { describe, expect, it } from 'vitest';
import { DecisionLinkError, signDecisionLink, verifyDecisionLink, type SignDecisionLinkOptions } from '../../src/client/index.js';

const secret = 'a'.repeat(32);
const base: SignDecisionLinkOptions = { runId: 'run-1', approvalId: 'call_1_0', approver: 'ann', decision: 'approve', expiresIn: '1h', secret };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecisionLinkError);
    return (e as DecisionLinkError).code;
  }
  return undefined;
}

/** The token with its claims replaced (signature kept): what a tamperer can produce without the secret. */
function withClaims(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [v, body, sig] = token.split('.');
  const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
  change(claims);
  return `${v}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
}

describe('decision links', () => {
  it('verifies a link it signed and returns its claims', () => {
    const link = signDecisionLink({ ...base, approverRoles: ['finance'], nowMs: 1_000_000 });
    expect(verifyDecisionLink(link.token, { secret, nowMs: 1_000_001 })).toEqual({
      runId: 'run-1',
      approvalId: 'call_1_0',
      approver: 'ann',
      approverRoles: ['finance'],
      decision: 'approve',
      expiresAtMs: 1_000_000 + 3_600_000,
      nonce: link.claims.nonce,
    });
    expect(link.expiresAt).toBe(new Date(1_000_000 + 3_600_000).toISOString());
  });

  it('gives two links for the same decision different nonces and tokens', () => {
    const a = signDecisionLink(base);
    const b = signDecisionLink(base);
    expect(a.claims.nonce).not.toBe(b.claims.nonce);
    expect(a.token).not.toBe(b.token);
  });

  it('refuses altered claims, a foreign secret and a changed signature as LINK_TAMPERED', () => {
    const { token } = signDecisionLink(base);
    expect(codeOf(() => verifyDecisionLink(withClaims(token, (c) => (c.decision = 'reject')), { secret }))).toBe('LINK_TAMPERED');
    expect(codeOf(() => verifyDecisionLink(withClaims(token, (c) => (c.expiresAtMs = Number(c.expiresAtMs) + 1)), { secret }))).toBe('LINK_TAMPERED');
    expect(codeOf(() => verifyDecisionLink(token, { secret: 'b'.repeat(32) }))).toBe('LINK_TAMPERED');
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA');
    expect(codeOf(() => verifyDecisionLink(flipped, { secret }))).toBe('LINK_TAMPERED');
  });

  it('refuses an expired link as LINK_EXPIRED, from its expiry on', () => {
    const link = signDecisionLink({ ...base, expiresIn: '1s', nowMs: 5_000 });
    expect(verifyDecisionLink(link.token, { secret, nowMs: 5_999 }).runId).toBe('run-1');
    expect(codeOf(() => verifyDecisionLink(link.token, { secret, nowMs: 6_000 }))).toBe('LINK_EXPIRED');
  });

  it('refuses what is not a link as LINK_MALFORMED before checking anything else', () => {
    for (const token of ['', 'hello', 'v2.abc.def', `v1.${'a'.repeat(5000)}.${'b'.repeat(43)}`, 'v1.a b.c']) {
      expect(codeOf(() => verifyDecisionLink(token, { secret }))).toBe('LINK_MALFORMED');
    }
  });

  it('needs a secret of 32 characters or more', () => {
    expect(codeOf(() => signDecisionLink({ ...base, secret: 'short' }))).toBe('LINK_SECRET_MISSING');
    expect(codeOf(() => verifyDecisionLink('x', { secret: '' }))).toBe('LINK_SECRET_MISSING');
  });

  it('refuses bad minting options with INVALID_LINK_OPTIONS', () => {
    expect(codeOf(() => signDecisionLink({ ...base, expiresIn: '31d' }))).toBe('INVALID_LINK_OPTIONS');
    expect(codeOf(() => signDecisionLink({ ...base, expiresIn: '10ms' }))).toBe('INVALID_LINK_OPTIONS');
    expect(codeOf(() => signDecisionLink({ ...base, expiresIn: 'soon' }))).toBe('INVALID_LINK_OPTIONS');
    expect(codeOf(() => signDecisionLink({ ...base, approver: '' }))).toBe('INVALID_LINK_OPTIONS');
    expect(codeOf(() => signDecisionLink({ ...base, decision: 'edit' as 'approve' }))).toBe('INVALID_LINK_OPTIONS');
  });
});
