import { describe, expect, it } from 'vitest';
import { currentDetails } from '../../src/workflows/run/ui-details.js';
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
