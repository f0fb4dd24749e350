import { describe, expect, it } from 'vitest';
import { grantCovers, type ApprovalGrant } from '../../src/workflows/grants/contract.js';
import { GrantBook } from '../../src/workflows/grants/grant-book.js';
import { grantRequestIssues } from '../../src/workflows/grants/grant-request.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';

const grant = (over: Partial<ApprovalGrant> = {}): ApprovalGrant => ({
  grantId: 'r1/c1',
  agentId: 'a',
  toolName: 'refund',
  scope: 'thread',
  threadId: 't1',
  grantedBy: 'alice',
  grantedAt: '2026-01-01T00:00:00.000Z',
  runId: 'r1',
  approvalId: 'c1',
  ...over,
});
const call = { agentId: 'a', toolName: 'refund', threadId: 't1', input: { amount: 10 } };
const now = Date.parse('2026-01-01T01:00:00.000Z');

describe('what a grant covers', () => {
  it('its tool in its thread, unexpired, with matching arguments', () => {
    expect(grantCovers(grant(), call, now)).toBe(true);
    expect(grantCovers(grant(), { ...call, threadId: 't2' }, now)).toBe(false);
    expect(grantCovers(grant(), { ...call, threadId: undefined }, now)).toBe(false);
    expect(grantCovers(grant(), { ...call, toolName: 'other' }, now)).toBe(false);
    expect(grantCovers(grant({ scope: 'agent', threadId: undefined }), { ...call, threadId: 't9' }, now)).toBe(true);
    expect(grantCovers(grant({ expiresAt: '2026-01-01T00:30:00.000Z' }), call, now)).toBe(false);
    expect(grantCovers(grant({ match: { amount: { lte: 50 } } }), call, now)).toBe(true);
    expect(grantCovers(grant({ match: { amount: { lte: 5 } } }), call, now)).toBe(false);
  });

  it('the book ignores a redelivered grant, refuses an unknown revoke, prunes expired ones', () => {
    const book = new GrantBook();
    book.add(grant());
    book.add(grant());
    book.add(grant({ grantId: 'r2/c1', expiresAt: '2026-01-01T00:30:00.000Z' }));
    expect(book.list()).toHaveLength(2);
    expect(book.revokeProblem({ grantId: 'nope' })).toBe('No grant "nope". Grants: r1/c1, r2/c1.');
    expect(book.revoke({ grantId: 'r1/c1', revokedBy: 'bob' }).grantId).toBe('r1/c1');
    book.prune(now);
    expect(book.list()).toEqual([]);
  });
});

describe('the grant of a decision', () => {
  it('is checked field by field', () => {
    expect(grantRequestIssues({ scope: 'thread', expiresInMs: 60_000, match: { amount: { lte: 50 } } })).toEqual([]);
    expect(grantRequestIssues('thread')).toEqual([expect.stringMatching(/^grant: Expected grant: \{ scope/)]);
    expect(grantRequestIssues({ scope: 'world', expiresInMs: -1, match: { 'a b': {}, amount: { lte: 'x' } }, extra: 1 })).toEqual([
      'grant.scope: expected "thread" or "agent"',
      'grant.expiresInMs: expected a positive integer of at most 2592000000 (30 days)',
      'grant.match.a b: an argument path is dotted names, e.g. "amount"',
      'grant.match.amount.lte: expected a number',
      'grant: unrecognized key "extra"',
    ]);
  });

  it('a run refuses scopes its tool does not allow, and thread grants outside a thread', () => {
    const agent: AgentSpec = {
      agentId: 'a',
      modelId: 'm',
      tools: [{ name: 'refund', description: '', requiresApproval: true, inputSchema: { type: 'object' }, grantScopes: ['thread'] }],
      limits: {} as AgentSpec['limits'],
    };
    const ledger = new RunLedger('r1', { agentId: 'a', input: 'x' });
    ledger.setAgent(agent);
    ledger.requestApproval({ id: 'c1', name: 'refund', args: {} }, 't0');
    expect(ledger.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'al', grant: { scope: 'agent' } })?.message).toMatch(
      /Tool "refund" allows only thread grants/,
    );
    expect(ledger.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'al', grant: { scope: 'thread' } })?.message).toMatch(/belongs to no thread/);
    expect(ledger.problemWith({ approvalId: 'c1', decision: 'approve', grant: { scope: 'thread' } })?.message).toMatch(/set `approver`/);
  });
});
