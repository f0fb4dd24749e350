/**
 * Tools whose result comes from people or the caller's app, not an activity. The built-in `ask_human` tool in the workflow: the question parks the run (shown in `status`,
 * events and the inbox like an approval) until the `answerQuestion` update answers it; the answer
 * is the tool's result. No activity runs: a person, not code, produces the result.
 */
import { condition } from '@temporalio/workflow';
import type { ToolResult } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';
import { now, type RunParts } from './parts.js';
import { questionOf } from './questions.js';
import { resultText } from './client-tools.js';

/** Asks the person `call`'s question (unless a continued run already did) and waits for the answer. */
export async function askHuman({ ledger, events, lifecycle, subAgents }: RunParts, call: ToolCall): Promise<ToolResult> {
  const { questions } = ledger;
  const earlier = questions.answerFor(call.id);
  if (earlier) return { content: earlier.answer, isError: false };
  if (!questions.pendingQuestions().some((q) => q.questionId === call.id)) {
    const parsed = questionOf(call.args);
    if ('problem' in parsed) return { content: `Invalid call of tool "${call.name}": ${parsed.problem}.`, isError: true };
    const question = questions.ask(call.id, parsed.question, ledger.step, now());
    events.emit({ type: 'question.asked', question });
    lifecycle.approvalsChanged();
    // A sub-agent's question shows on the run people watch, where it can be answered.
    subAgents.ownQuestionAsked(question);
  }
  await condition(() => questions.answerFor(call.id) !== undefined);
  return { content: questions.answerFor(call.id)!.answer, isError: false };
}

/**
 * A client tool's call: parked (unless a continued run already did) until the caller's app supplies
 * its result by the `supplyToolResult` update; that result is the tool's.
 */
export async function clientTool({ ledger, events, lifecycle }: RunParts, call: ToolCall, input: Record<string, unknown>): Promise<ToolResult> {
  const { clientTools } = ledger;
  if (!clientTools.resultFor(call.id) && !clientTools.isPending(call.id)) {
    const outputSchema = ledger.tool(call.name)?.outputSchema;
    const request = { toolCallId: call.id, toolName: call.name, input, step: ledger.step, ...(outputSchema && { outputSchema }) };
    events.emit({ type: 'client_tool.requested', call: clientTools.request(request, now()) });
    lifecycle.approvalsChanged();
  }
  await condition(() => clientTools.resultFor(call.id) !== undefined);
  const record = clientTools.resultFor(call.id)!;
  return { content: resultText(record), isError: record.isError };
}
