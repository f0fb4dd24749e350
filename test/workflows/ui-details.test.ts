import { describe, expect, it } from 'vitest';
import { decideCommands } from '../../src/workflows/run/decide-commands.js';
import { approvalTimerSummary, currentDetails } from '../../src/workflows/run/ui-details.js';
import type { RunStatus } from '../../src/workflows/run/contract.js';

const base: RunStatus = {
  runId: 'run-1',
  agentId: 'support',
  state: 'waiting_for_approval',
  step: 1,
  pendingApprovals: [],
  approvals: [],
  ignoredDecisions: [],
  ignoredDecisionCount: 0,
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  agentState: {},
};

describe('currentDetails', () => {
  it('names the run a fork was forked from and the step', () => {
    const details = currentDetails({ ...base, state: 'running', step: 3, forkOf: { workflowId: 'run-0', runId: 'r', step: 2 } });
    expect(details).toContain("Fork of `run-0` at step 2: steps up to it are that run's");
    expect(currentDetails(base)).not.toContain('Fork of');
  });

  it("shows a sub-agent's approval with its path and the commands that decide it on this run", () => {
    const details = currentDetails({
      ...base,
      pendingApprovals: [
        {
          approvalId: 'call_1_0/call_1_0',
          toolName: 'issue_refund',
          input: { amount: 42 },
          requestedAt: '2026-01-01T00:00:00.000Z',
          step: 1,
          path: ['support', 'billing'],
          origin: { runId: 'run-1.call_1_0', approvalId: 'call_1_0' },
        },
      ],
    });
    expect(details).toContain('From sub-agent support → billing (waits in run `run-1.call_1_0`)');
    expect(details).toContain('harness approve run-1 --approval call_1_0/call_1_0');
  });
});

describe('an approval restricted to approvers, with a deadline', () => {
  const approval = {
    approvalId: 'call_3_0',
    toolName: 'issue_refund',
    input: { amount: 42 },
    requestedAt: '2026-01-01T00:00:00.000Z',
    step: 2,
    approvers: ['alice', 'role:finance'],
    deadline: { at: '2026-01-08T00:00:00.000Z', onTimeout: 'reject' as const },
  };

  it('shows who may decide, until when, and commands that name an allowed approver', () => {
    const details = currentDetails({ ...base, pendingApprovals: [approval] });
    expect(details).toContain('Who may decide: alice or anyone with role finance. Waits until 2026-01-08 00:00:00 UTC; then it is rejected.');
    expect(details).toContain('harness approve run-1 --approval call_3_0 --by alice');
    expect(details).toContain(`--input '{"approvalId":"call_3_0","decision":"approve","approver":"alice"}'`);
    expect(details).toContain('**More Actions → Send an Update** `decideApproval`');
  });

  it('names a role when the rule lists only roles', () => {
    const cmds = decideCommands('run-1', { approvalId: 'a', approvers: ['role:manager'] });
    expect(cmds.approve).toBe('harness approve run-1 --approval a --role manager');
    expect(cmds.signal).toContain(`'{"approvalId":"a","decision":"approve","approverRoles":["manager"]}'`);
  });

  it('calls temporal by the path it is given and spells no decider for an open approval', () => {
    const cmds = decideCommands('run-1', { approvalId: 'a' }, { temporal: '/home/me/.cache/temporal-harness/bin/temporal' });
    expect(cmds.signal).toBe(
      `/home/me/.cache/temporal-harness/bin/temporal workflow signal --workflow-id run-1 --name approvalDecision --input '{"approvalId":"a","decision":"approve"}'`,
    );
    expect(cmds.approve).toBe('harness approve run-1 --approval a');
  });

  it('labels the deadline timer with the approval, its approvers, when and what then', () => {
    expect(approvalTimerSummary(approval, 7 * 24 * 3_600_000, 'reject')).toBe(
      'approval call_3_0 · issue_refund · waits for alice or anyone with role finance · until 2026-01-08 00:00:00 UTC (168h), then reject',
    );
    expect(approvalTimerSummary({ ...approval, approvers: undefined }, 60_000, 'fail')).toContain('waits for anyone');
  });
});
