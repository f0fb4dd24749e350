/** The grants of one agent, as a plain class the `approvalGrants` workflow owns (tested without a server). */
import type { ApprovalGrant, RevokeGrantInput } from './contract.js';

export class GrantBook {
  private readonly grants = new Map<string, ApprovalGrant>();
  /** Changes since this run of the keeper started: it continues as new past a bound. */
  changes = 0;

  constructor(grants: readonly ApprovalGrant[] = []) {
    for (const g of grants) this.grants.set(g.grantId, g);
  }

  /** Adds a grant; one with a known id is a retried delivery and changes nothing. */
  add(grant: ApprovalGrant): void {
    if (this.grants.has(grant.grantId)) return;
    this.grants.set(grant.grantId, grant);
    this.changes += 1;
  }

  /** Why `input` cannot be revoked, or undefined. */
  revokeProblem(input: RevokeGrantInput): string | undefined {
    if (typeof input?.grantId !== 'string' || input.grantId.length === 0 || input.grantId.length > 1000) {
      return 'Expected { grantId: string, revokedBy?: string }.';
    }
    if (input.revokedBy !== undefined && (typeof input.revokedBy !== 'string' || input.revokedBy.length > 200)) {
      return '`revokedBy` is a name of at most 200 characters.';
    }
    if (!this.grants.has(input.grantId)) {
      const ids = [...this.grants.keys()].slice(0, 10);
      return `No grant "${input.grantId}". ${ids.length ? `Grants: ${ids.join(', ')}.` : 'There are no grants.'}`;
    }
    return undefined;
  }

  /** Removes a grant `revokeProblem` accepted; returns it. */
  revoke(input: RevokeGrantInput): ApprovalGrant {
    const grant = this.grants.get(input.grantId)!;
    this.grants.delete(input.grantId);
    this.changes += 1;
    return grant;
  }

  /** Drops grants expired at `nowMs`. */
  prune(nowMs: number): void {
    for (const [id, g] of this.grants) if (g.expiresAt !== undefined && Date.parse(g.expiresAt) <= nowMs) this.grants.delete(id);
  }

  list(): ApprovalGrant[] {
    return [...this.grants.values()];
  }
}
