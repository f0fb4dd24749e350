import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseDecision } from '../../src/workflows/run/decision-rules.js';

/**
 * The zod schema `parseDecision` used before it was hand-written (zod is kept out of the workflow
 * bundle, see BENCHMARKS.md). It stays here as the oracle: a client that reads a refusal's
 * message, or a status's `ignoredDecisions`, sees the same words as before.
 */
const zodSchema = z
  .object({
    approvalId: z.string().min(1, 'approvalId must be a non-empty string').max(500),
    decision: z.enum(['approve', 'reject', 'edit']),
    input: z.record(z.string(), z.unknown()).optional(),
    approver: z.string().max(200).optional(),
    approverRoles: z.array(z.string().min(1, 'a role must be a non-empty string').max(200)).max(50).optional(),
    reason: z.string().max(4000).optional(),
    // Checked by grantRequestIssues (test/approvals/grants.test.ts); no payload below carries one.
    grant: z.never().optional(),
  })
  .strict();

function zodVerdict(payload: unknown): ReturnType<typeof parseDecision> {
  const parsed = zodSchema.safeParse(payload);
  if (parsed.success) {
    const d = parsed.data;
    if (d.decision === 'edit' && d.input === undefined) {
      return { ok: false, problem: { code: 'INVALID_DECISION_PAYLOAD', message: 'decision "edit" needs `input`: the replacement tool input as a JSON object' } };
    }
    if (d.decision !== 'edit' && d.input !== undefined) {
      return { ok: false, problem: { code: 'INVALID_DECISION_PAYLOAD', message: `\`input\` is only allowed with decision "edit" (got decision "${d.decision}")` } };
    }
    return { ok: true, decision: d };
  }
  const details = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
  return {
    ok: false,
    problem: {
      code: 'INVALID_DECISION_PAYLOAD',
      message: `Malformed approval decision (${details}). Expected {"approvalId": string, "decision": "approve"|"reject"|"edit", "input"?: object, "approver"?: string, "approverRoles"?: string[], "reason"?: string, "grant"?: object}`,
    },
  };
}

const long = (n: number) => 'x'.repeat(n);
const payloads: unknown[] = [
  'approve', null, undefined, 42, true, [], ['c1'], {},
  { approvalId: 'c1', decision: 'approve' },
  { approvalId: 'c1', decision: 'reject', reason: 'no', approver: 'al' },
  { approvalId: 'c1', decision: 'edit', input: { amount: 1, nested: { a: [1] } }, approver: 'b', approverRoles: ['x', 'y'], reason: 'r' },
  { approvalId: 'c1', decision: 'approve', reason: undefined, approver: undefined, input: undefined },
  { approvalId: 'c1', decision: 'yes' },
  { approvalId: 'c1', decision: 5 },
  { approvalId: 'c1' },
  { decision: 'approve' },
  { approvalId: '', decision: 'approve' },
  { approvalId: 5, decision: 'approve' },
  { approvalId: null, decision: 'approve' },
  { approvalId: 'c1', decision: 'approve', extra: 1 },
  { approvalId: 'c1', decision: 'approve', extra: 1, more: 2 },
  { approvalId: 'c1', decision: 'approve', input: { amount: 1 } },
  { approvalId: 'c1', decision: 'reject', input: {} },
  { approvalId: 'c1', decision: 'edit' },
  { approvalId: 'c1', decision: 'edit', input: [] },
  { approvalId: 'c1', decision: 'edit', input: null },
  { approvalId: 'c1', decision: 'edit', input: 'x' },
  { approvalId: 'c1', decision: 'edit', input: {} },
  { approvalId: 'c1', decision: 'approve', approver: 5 },
  { approvalId: 'c1', decision: 'approve', approver: '' },
  { approvalId: 'c1', decision: 'approve', approver: long(200) },
  { approvalId: 'c1', decision: 'approve', approver: long(201) },
  { approvalId: 'c1', decision: 'approve', approverRoles: 'finance' },
  { approvalId: 'c1', decision: 'approve', approverRoles: [] },
  { approvalId: 'c1', decision: 'approve', approverRoles: [''] },
  { approvalId: 'c1', decision: 'approve', approverRoles: ['a', 5, ''] },
  { approvalId: 'c1', decision: 'approve', approverRoles: [long(201)] },
  { approvalId: 'c1', decision: 'approve', approverRoles: Array(50).fill('a') },
  { approvalId: 'c1', decision: 'approve', approverRoles: Array(51).fill('a') },
  { approvalId: 'c1', decision: 'approve', approverRoles: [...Array(50).fill('a'), ''] },
  { approvalId: 'c1', decision: 'approve', approverRoles: [...Array(50).fill(''), 7] },
  { approvalId: 'c1', decision: 'approve', reason: 5 },
  { approvalId: 'c1', decision: 'approve', reason: null },
  { approvalId: 'c1', decision: 'approve', reason: long(4000) },
  { approvalId: 'c1', decision: 'approve', reason: long(4001) },
  { approvalId: 5, decision: 'nope', input: 3, approver: [], approverRoles: {}, reason: false, extra: 1 },
];

describe('parseDecision', () => {
  it.each(payloads.map((p) => [String(JSON.stringify(p)).slice(0, 100), p]))('says what the zod schema said about %s', (_label, payload) => {
    expect(parseDecision(payload)).toEqual(zodVerdict(payload));
  });

  it('copies what it returns, so a later change to the payload cannot reach the run', () => {
    const payload = { approvalId: 'c1', decision: 'edit', input: { amount: 1 }, approverRoles: ['x'] };
    const parsed = parseDecision(payload);
    payload.input.amount = 2;
    payload.approverRoles.push('y');
    expect(parsed).toEqual({ ok: true, decision: { approvalId: 'c1', decision: 'edit', input: { amount: 1 }, approverRoles: ['x'] } });
  });
});
