/**
 * Answering a tool call about a run before the MCP client gives up on it (clients time a request
 * out after 60 s by default): wait until the run ends or parks on an approval, ask the calling
 * user for the decision by MCP elicitation when the client supports it, and otherwise answer at
 * once that the run waits, with its id and how to decide it. The run itself goes on durably
 * whatever the client does: a dropped call loses nothing.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult, ElicitRequestFormParams } from '@modelcontextprotocol/sdk/types.js';
import type { RunHandle } from '../client/run-handle.js';
import { isHarnessError } from '../common/errors.js';
import { DECISION_LIMITS, isTerminalRunState, type Decision, type PendingApproval, type RunStatus } from '../workflows/run/contract.js';
import { describePending, runReply } from './run-reply.js';

/** Who decisions taken through the MCP server are recorded as. */
export interface McpApprover {
  readonly name: string;
  readonly roles: readonly string[];
}

/** What answering needs besides the run. */
export interface AnswerContext {
  /** The low-level server of the client's session: its capabilities, and elicitation requests. */
  server: Server;
  /** The id of the tools/call request being answered (elicitation travels with it). */
  requestId: string | number;
  /** Aborted when the client cancels the call. */
  signal: AbortSignal;
  /** When the answer is due (epoch ms). */
  deadline: number;
  approver?: McpApprover;
  /** Ask the user with elicitation when the client supports it. @default true */
  elicit?: boolean;
}

/** Below this much time left, a decision is not asked for: the user could not answer in time. */
const MIN_ASK_MS = 2_000;

/**
 * Waits for the run to end or park, has the user decide its approvals by elicitation when the
 * client can, and returns what to answer the call with (at the deadline at the latest).
 */
export async function answerForRun(run: RunHandle, ctx: AnswerContext): Promise<CallToolResult> {
  const asked = new Set<string>();
  for (;;) {
    const status = await settle(run, ctx, asked);
    const pending = status.state === 'waiting_for_approval' ? status.pendingApprovals.find((p) => !asked.has(p.approvalId) && choicesFor(p).length > 0) : undefined;
    if (!pending || !canElicit(ctx) || ctx.deadline - Date.now() < MIN_ASK_MS) return runReply(status);
    asked.add(pending.approvalId);
    const choice = await ask(ctx, status, pending);
    if (!choice) return runReply(await run.status());
    try {
      await run.decide({
        approvalId: pending.approvalId,
        decision: choice.decision,
        ...(ctx.approver && { approver: ctx.approver.name, ...(ctx.approver.roles.length > 0 && { approverRoles: [...ctx.approver.roles] }) }),
        ...(choice.reason && { reason: choice.reason }),
      });
    } catch (err) {
      if (!isHarnessError(err)) throw err;
      return { content: [{ type: 'text', text: `Your decision on ${pending.approvalId} was not taken (${err.code}): ${err.message}` }], isError: true };
    }
  }
}

/** The run once it has ended or waits on an approval not yet asked about; its current status at the deadline. */
async function settle(run: RunHandle, ctx: AnswerContext, asked: ReadonlySet<string>): Promise<RunStatus> {
  const left = ctx.deadline - Date.now();
  if (left <= 0 || ctx.signal.aborted) return run.status();
  try {
    return await run.waitFor(
      (s) => isTerminalRunState(s.state) || (s.state === 'waiting_for_approval' && s.pendingApprovals.some((p) => !asked.has(p.approvalId))),
      { timeoutMs: left },
    );
  } catch (err) {
    if (isHarnessError(err, 'WAIT_TIMEOUT')) return run.status();
    throw err;
  }
}

function canElicit(ctx: AnswerContext): boolean {
  return ctx.elicit !== false && ctx.server.getClientCapabilities()?.elicitation?.form !== undefined;
}

/** The decisions a form can offer for this approval (edits need a tool input: not by form). */
function choicesFor(p: PendingApproval): Decision[] {
  const allowed = p.interrupt?.allowedDecisions ?? ['approve', 'reject'];
  return (['approve', 'reject'] as const).filter((d) => allowed.includes(d));
}

/**
 * Asks the user by elicitation. `accept` carries the decision; `decline` (an explicit "no") is a
 * rejection; `cancel`, no answer in time or a client error leave the approval pending.
 */
async function ask(ctx: AnswerContext, status: RunStatus, pending: PendingApproval): Promise<{ decision: Decision; reason?: string } | undefined> {
  const params: ElicitRequestFormParams = {
    mode: 'form',
    message: `Agent ${status.agentId} (run ${status.runId}) asks to run ${describePending(pending)}. Approve it?`,
    requestedSchema: {
      type: 'object',
      properties: {
        decision: { type: 'string', title: 'Decision', enum: choicesFor(pending) },
        reason: { type: 'string', title: 'Reason (optional)', maxLength: DECISION_LIMITS.reasonChars },
      },
      required: ['decision'],
    },
  };
  try {
    const result = await ctx.server.elicitInput(params, { relatedRequestId: ctx.requestId, timeout: ctx.deadline - Date.now(), signal: ctx.signal });
    const reason = typeof result.content?.reason === 'string' && result.content.reason.trim() ? result.content.reason.trim() : undefined;
    if (result.action === 'decline') return { decision: 'reject', reason: reason ?? 'declined when asked through the MCP client' };
    if (result.action !== 'accept') return undefined;
    const decision = result.content?.decision;
    return decision === 'approve' || decision === 'reject' ? { decision, ...(reason && { reason }) } : undefined;
  } catch {
    // Timed out, cancelled or refused by the client: the approval stays pending; the reply says how to decide it.
    return undefined;
  }
}
