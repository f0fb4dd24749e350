/** Every pending approval of one harness deployment, across its runs: what an inbox lists. */
import type { PendingApproval, PendingQuestion, PendingToolCall, RunStatus } from '../workflows/run/contract.js';
import type { ForkOf } from '../workflows/run/fork.js';
import type { HarnessClient } from './harness-client.js';

/** One approval waiting for a decision, with the run it waits in. */
export interface PendingApprovalItem {
  runId: string;
  agentId: string;
  /** The thread the run belongs to, for a thread's run. */
  threadId?: string;
  /** Set when the run is a fork: the run it was forked from and the step. */
  forkOf?: ForkOf;
  approval: PendingApproval;
}

/**
 * Pending approvals of every run of the client's task queue waiting for one (found through
 * Temporal visibility, `HarnessRunState="waiting_for_approval"`), oldest request first. A
 * sub-agent run's approvals are listed once, on its top-level run (as `<toolCallId>/<id>`), where
 * they are decided. Runs that do not answer their status query are left out.
 * @example
 * for (const { runId, approval } of await listPendingApprovals(client)) console.log(runId, approval.toolName);
 */
export async function listPendingApprovals(client: HarnessClient, { limit = 200 }: { limit?: number } = {}): Promise<PendingApprovalItem[]> {
  const statuses = await waitingStatuses(client, limit);
  return statuses
    .flatMap((s) =>
      s && s.parent === undefined
        ? s.pendingApprovals.map((approval) => ({
            runId: s.runId,
            agentId: s.agentId,
            ...(s.threadId !== undefined && { threadId: s.threadId }),
            ...(s.forkOf && { forkOf: s.forkOf }),
            approval,
          }))
        : [],
    )
    .sort((a, b) => a.approval.requestedAt.localeCompare(b.approval.requestedAt));
}

/** One `ask_human` question waiting for an answer, with the run it waits in. */
export interface PendingQuestionItem {
  runId: string;
  agentId: string;
  threadId?: string;
  question: PendingQuestion;
}

/**
 * Pending `ask_human` questions of every run of the client's task queue (they park a run like an
 * approval: `HarnessRunState="waiting_for_approval"`), oldest first. A sub-agent run's questions
 * are listed once, on its top-level run (as `<toolCallId>/<id>`), where they are answered.
 * @example
 * for (const { runId, question } of await listPendingQuestions(client)) console.log(runId, question.question);
 */
export async function listPendingQuestions(client: HarnessClient, { limit = 200 }: { limit?: number } = {}): Promise<PendingQuestionItem[]> {
  const statuses = await waitingStatuses(client, limit);
  return statuses
    .flatMap((s) =>
      s && s.parent === undefined
        ? (s.pendingQuestions ?? []).map((question) => ({ runId: s.runId, agentId: s.agentId, ...(s.threadId !== undefined && { threadId: s.threadId }), question }))
        : [],
    )
    .sort((a, b) => a.question.askedAt.localeCompare(b.question.askedAt));
}

/** One client tool call waiting for its result, with the run it waits in. */
export interface PendingToolCallItem {
  runId: string;
  agentId: string;
  threadId?: string;
  call: PendingToolCall;
}

/**
 * Pending client tool calls of every run of the client's task queue (they park a run like an
 * approval), oldest first: what an app (or a person, in the inbox) supplies results for.
 * @example
 * for (const { runId, call } of await listPendingToolCalls(client)) console.log(runId, call.toolName);
 */
export async function listPendingToolCalls(client: HarnessClient, { limit = 200 }: { limit?: number } = {}): Promise<PendingToolCallItem[]> {
  const statuses = await waitingStatuses(client, limit);
  return statuses
    .flatMap((s) => (s ? (s.pendingToolCalls ?? []).map((call) => ({ runId: s.runId, agentId: s.agentId, ...(s.threadId !== undefined && { threadId: s.threadId }), call })) : []))
    .sort((a, b) => a.call.requestedAt.localeCompare(b.call.requestedAt));
}

/** The status of every run of the client's task queue that waits for people (undefined: it did not answer). */
async function waitingStatuses(client: HarnessClient, limit: number): Promise<(RunStatus | undefined)[]> {
  // The runs of this deployment's task queue: other harnesses may share the namespace.
  const runs = await client.listRuns({ state: 'waiting_for_approval', taskQueue: client.settings.taskQueue, limit });
  return Promise.all(runs.map((r) => client.getRun(r.runId).status().catch(() => undefined)));
}
