/**
 * What an MCP client is told about a run: a tool result whose text a model (and a person) can act
 * on, with the same facts as `structuredContent` for programs. Pure formatting, no I/O.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { PendingApproval, RunStatus } from '../workflows/run/contract.js';

/** Longest text a tool result carries (a run's output beyond it is cut, saying so). */
export const MAX_REPLY_CHARS = 100_000;
/** Longest rendering of one pending tool call's input in a message. */
const MAX_INPUT_CHARS = 2_000;

/** Names of the tools the server adds next to the agents. */
export const RUN_STATUS_TOOL = 'harness_run_status';
export const DECIDE_TOOL = 'harness_decide';

/** The run as a tool result: the answer, the failure, or where it waits and how to go on. */
export function runReply(status: RunStatus): CallToolResult {
  const structured = {
    runId: status.runId,
    agentId: status.agentId,
    state: status.state,
    ...(status.output !== undefined && { output: bounded(status.output) }),
    ...(status.error !== undefined && { error: bounded(status.error) }),
    ...(status.pendingApprovals.length > 0 && { pendingApprovals: status.pendingApprovals.map(pendingSummary) }),
  };
  return { content: [{ type: 'text', text: replyText(status) }], structuredContent: structured, ...(isFailure(status) && { isError: true }) };
}

function replyText(status: RunStatus): string {
  const { runId, state } = status;
  switch (state) {
    case 'completed':
      return bounded(status.output ?? '');
    case 'failed':
      return `Run ${runId} failed: ${bounded(status.error ?? 'no error message')}`;
    case 'cancelled':
      return `Run ${runId} was cancelled.`;
    case 'waiting_for_approval':
      return waitingText(status);
    default:
      return (
        `Run ${runId} (agent ${status.agentId}) is still ${state}. Ask for its answer later with the ${RUN_STATUS_TOOL} tool: ` +
        `${JSON.stringify({ runId, waitSeconds: 30 })}.`
      );
  }
}

function waitingText(status: RunStatus): string {
  const { runId } = status;
  const lines = [`Run ${runId} (agent ${status.agentId}) is waiting for a person to approve ${status.pendingApprovals.length === 1 ? 'a tool call' : 'tool calls'}:`];
  for (const p of status.pendingApprovals) lines.push(`- ${describePending(p)} (approval ${p.approvalId})`);
  const first = status.pendingApprovals[0];
  lines.push(
    `Decide with the ${DECIDE_TOOL} tool, e.g. ${JSON.stringify({ runId, ...(first && { approvalId: first.approvalId }), decision: 'approve' })} ` +
      `(or "reject" with a "reason"); it answers with the run's reply. From a shell: harness approve ${runId}` +
      `${status.pendingApprovals.length > 1 && first ? ` --approval ${first.approvalId}` : ''}, or harness reject ${runId} --reason "…".`,
  );
  return lines.join('\n');
}

/** `refund_order {"orderId":"A-1001"}`, with the sub-agent path when a sub-agent asks. */
export function describePending(p: PendingApproval): string {
  const who = p.path?.length ? ` (asked by sub-agent ${p.path.join(' > ')})` : '';
  const what = p.interrupt?.description ? `${p.interrupt.description}: ` : '';
  return `${what}${p.toolName} ${cut(JSON.stringify(p.input), MAX_INPUT_CHARS)}${who}`;
}

function pendingSummary(p: PendingApproval) {
  return { approvalId: p.approvalId, toolName: p.toolName, input: p.input, ...(p.path && { path: p.path }) };
}

function isFailure(status: RunStatus): boolean {
  return status.state === 'failed' || status.state === 'cancelled';
}

function bounded(text: string): string {
  return cut(text, MAX_REPLY_CHARS);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [cut: ${text.length} characters in all]` : text;
}
