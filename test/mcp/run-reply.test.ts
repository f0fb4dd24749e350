import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../src/client/index.js';
import { MAX_REPLY_CHARS, runReply } from '../../src/mcp-server/run-reply.js';

const base: RunStatus = {
  runId: 'run-1',
  agentId: 'payer',
  state: 'running',
  step: 1,
  pendingApprovals: [],
  approvals: [],
  ignoredDecisions: [],
  ignoredDecisionCount: 0,
  usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
  agentState: {},
};
const pending = (approvalId: string, path?: string[]) => ({ approvalId, toolName: 'refund', input: { orderId: 'A-1' }, requestedAt: '2026-01-01T00:00:00Z', step: 1, ...(path && { path }) });
const text = (status: RunStatus) => (runReply(status).content[0] as { text: string }).text;

describe('runReply: what an MCP client is told about a run', () => {
  it('a completed run answers with its output; a long one is cut, saying so', () => {
    expect(text({ ...base, state: 'completed', output: 'done' })).toBe('done');
    const long = text({ ...base, state: 'completed', output: 'x'.repeat(MAX_REPLY_CHARS + 5) });
    expect(long.endsWith(`… [cut: ${MAX_REPLY_CHARS + 5} characters in all]`)).toBe(true);
  });

  it('a failed or cancelled run is a tool error', () => {
    expect(runReply({ ...base, state: 'failed', error: 'boom' })).toMatchObject({ isError: true, content: [{ text: 'Run run-1 failed: boom' }] });
    expect(runReply({ ...base, state: 'cancelled' }).isError).toBe(true);
    expect(runReply({ ...base, state: 'completed', output: '' }).isError).toBeUndefined();
  });

  it('a waiting run lists each pending call and shows how to decide it; several need the approval id', () => {
    const one = text({ ...base, state: 'waiting_for_approval', pendingApprovals: [pending('call_1_0')] });
    expect(one).toContain('- refund {"orderId":"A-1"} (approval call_1_0)');
    expect(one).toContain('{"runId":"run-1","approvalId":"call_1_0","decision":"approve"}');
    expect(one).toContain('harness approve run-1,');
    const two = text({ ...base, state: 'waiting_for_approval', pendingApprovals: [pending('call_1_0'), pending('call_1_1', ['payer', 'bank'])] });
    expect(two).toContain('approve tool calls:');
    expect(two).toContain('(asked by sub-agent payer > bank) (approval call_1_1)');
    expect(two).toContain('harness approve run-1 --approval call_1_0');
  });

  it('a run still going says how to ask again', () => {
    expect(text(base)).toBe('Run run-1 (agent payer) is still running. Ask for its answer later with the harness_run_status tool: {"runId":"run-1","waitSeconds":30}.');
    expect(runReply(base).structuredContent).toEqual({ runId: 'run-1', agentId: 'payer', state: 'running' });
  });
});
