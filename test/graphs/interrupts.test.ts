import { describe, expect, it } from 'vitest';
import { approvalsFor, resumeMap } from '../../src/activities/graph/interrupts.js';

describe('interrupts → approvals', () => {
  it('a plain interrupt is one approval whose id is the interrupt id and whose input wraps the value', () => {
    const [a, ...rest] = approvalsFor({ id: 'i1', node: 'review', value: 'ok to ship?' });
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ approvalId: 'i1', interruptId: 'i1', kind: 'interrupt', toolName: 'review', input: { value: 'ok to ship?' } });
    expect(a!.allowedDecisions).toEqual(['approve', 'edit', 'reject']);
  });

  it('a human-in-the-loop interrupt is one approval per action, with the review config’s allowed decisions and schema', () => {
    const approvals = approvalsFor({
      id: 'i2',
      node: 'HumanInTheLoopMiddleware.after_model',
      value: {
        actionRequests: [
          { name: 'send_email', args: { to: 'a@x' }, description: 'Send it?' },
          { name: 'delete_file', args: { path: '/tmp/x' } },
        ],
        reviewConfigs: [
          { actionName: 'send_email', allowedDecisions: ['approve', 'reject'] },
          { actionName: 'delete_file', allowedDecisions: ['approve', 'edit', 'reject'], argsSchema: { type: 'object', required: ['path'] } },
        ],
      },
    });
    expect(approvals.map((a) => [a.approvalId, a.toolName, a.actionIndex, a.allowedDecisions])).toEqual([
      ['i2.0', 'send_email', 0, ['approve', 'reject']],
      ['i2.1', 'delete_file', 1, ['approve', 'edit', 'reject']],
    ]);
    expect(approvals[0]).toMatchObject({ kind: 'hitl', input: { to: 'a@x' }, description: 'Send it?' });
    expect(approvals[1]!.inputSchema).toEqual({ type: 'object', required: ['path'] });
  });

  it('a single-action HITL interrupt keeps the interrupt id as the approval id', () => {
    const [a] = approvalsFor({ id: 'i3', node: 'n', value: { actionRequests: [{ name: 't', args: {} }] } });
    expect(a!.approvalId).toBe('i3');
  });
});

describe('decisions → Command resume values', () => {
  it('HITL decisions are ordered by action and mapped to the middleware’s decision shapes', () => {
    const map = resumeMap([
      {
        interruptId: 'i2',
        kind: 'hitl',
        decisions: [
          { actionIndex: 1, toolName: 'delete_file', decision: 'edit', input: { path: '/tmp/y' } },
          { actionIndex: 0, toolName: 'send_email', decision: 'reject', approver: 'ann', reason: 'spam' },
        ],
      },
    ]);
    expect(map).toEqual({
      i2: {
        decisions: [
          { type: 'reject', message: 'Tool call rejected by ann: spam. The tool did not run.' },
          { type: 'edit', editedAction: { name: 'delete_file', args: { path: '/tmp/y' } } },
        ],
      },
    });
  });

  it('a plain interrupt resumes with { type, value?, approver?, reason? }', () => {
    expect(
      resumeMap([
        { interruptId: 'a', kind: 'interrupt', decisions: [{ toolName: 'n', decision: 'edit', input: { value: 7 }, approver: 'bo' }] },
        { interruptId: 'b', kind: 'interrupt', decisions: [{ toolName: 'n', decision: 'approve' }] },
      ]),
    ).toEqual({ a: { type: 'edit', value: 7, approver: 'bo' }, b: { type: 'approve' } });
  });
});
