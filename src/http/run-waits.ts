/** What a parked run waits for, as the streaming routes (AI SDK chat, AG-UI) need to know it. */
import type { HarnessEventItem, RunStatus } from '../client/index.js';

/** The ids of what the run waits for: approvals, questions, client tool calls. */
export function pendingIds(status: RunStatus): Set<string> {
  return new Set([
    ...status.pendingApprovals.map((p) => p.approvalId),
    ...(status.pendingQuestions ?? []).map((q) => q.questionId),
    ...(status.pendingToolCalls ?? []).map((p) => p.toolCallId),
  ]);
}

/** The id a run event resolves: an approval decided, a question answered, a client tool result supplied. */
export function resolvedId(event: HarnessEventItem['event']): string | undefined {
  if (event.type === 'approval.resolved') return event.decision.approvalId;
  if (event.type === 'question.answered') return event.answer.questionId;
  if (event.type === 'client_tool.supplied') return event.result.toolCallId;
  return undefined;
}
