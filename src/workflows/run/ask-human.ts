/**
 * The built-in `ask_human` tool in the workflow: the question parks the run (shown in `status`,
 * events and the inbox like an approval) until the `answerQuestion` update answers it; the answer
 * is the tool's result. No activity runs: a person, not code, produces the result.
 */
import { condition } from '@temporalio/workflow';
import type { ToolResult } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';
import { now, type RunParts } from './parts.js';
import { questionOf } from './questions.js';

/** Asks the person `call`'s question (unless a continued run already did) and waits for the answer. */
export async function askHuman({ ledger, events, lifecycle }: RunParts, call: ToolCall): Promise<ToolResult> {
  const { questions } = ledger;
  const earlier = questions.answerFor(call.id);
  if (earlier) return { content: earlier.answer, isError: false };
  if (!questions.pendingQuestions().some((q) => q.questionId === call.id)) {
    const parsed = questionOf(call.args);
    if ('problem' in parsed) return { content: `Invalid call of tool "${call.name}": ${parsed.problem}.`, isError: true };
    events.emit({ type: 'question.asked', question: questions.ask(call.id, parsed.question, ledger.step, now()) });
    lifecycle.approvalsChanged();
  }
  await condition(() => questions.answerFor(call.id) !== undefined);
  return { content: questions.answerFor(call.id)!.answer, isError: false };
}
