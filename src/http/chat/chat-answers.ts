/**
 * Tool outputs a `useChat` app added (`addToolOutput`) to the parked run's message, applied to the
 * run: the output of an `ask_human` call the run waits on becomes the question's answer, that of a
 * pending client tool call the tool's result (`output-error` → a result with `isError`). Outputs of
 * calls the run does not wait for (the server's own tools, echoed back by the client) are ignored.
 */
import type { Context } from 'hono';
import type { RunHandle } from '../../client/index.js';
import { answererOf } from '../approver.js';
import { toHttpError } from '../errors.js';
import type { GuardEnv } from '../guards.js';
import type { ChatTurn, ToolOutput } from './chat-request.js';

/** The calls answered (by id) and the refusals, each a message for an `error` chunk. */
export interface AppliedOutputs {
  applied: Set<string>;
  refusals: string[];
}

/** Applies each output of a call the run waits for; a refusal is kept as a message. */
export async function applyToolOutputs(c: Context<GuardEnv>, run: RunHandle, outputs: ToolOutput[]): Promise<AppliedOutputs> {
  const applied = new Set<string>();
  const refusals: string[] = [];
  if (outputs.length === 0) return { applied, refusals };
  const status = await run.status();
  const questions = new Set((status.pendingQuestions ?? []).map((q) => q.questionId));
  const calls = new Set((status.pendingToolCalls ?? []).map((p) => p.toolCallId));
  const principal = c.get('principal');
  for (const out of outputs) {
    if (!questions.has(out.toolCallId) && !calls.has(out.toolCallId)) continue;
    try {
      if (questions.has(out.toolCallId)) {
        const answeredBy = answererOf(principal, undefined);
        await run.answer(answerText(out), { questionId: out.toolCallId, ...(answeredBy !== undefined && { answeredBy }) });
      } else {
        const result = 'output' in out ? out.output : out.errorText;
        await run.supplyToolResult(out.toolCallId, result, { ...('errorText' in out && { isError: true }), ...(principal && { suppliedBy: principal.name }) });
      }
      applied.add(out.toolCallId);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) throw err;
      refusals.push(`${httpError.code}: ${httpError.message}`);
    }
  }
  return { applied, refusals };
}

/**
 * The answer an `ask_human` output gives: a string as is, `{ answer }`'s string, anything else
 * as JSON; an `output-error` says the person declined.
 */
function answerText(out: ToolOutput): string {
  if ('errorText' in out) return `(no answer: ${out.errorText})`;
  const { output } = out;
  if (typeof output === 'string') return output;
  const answer = (output as { answer?: unknown } | null)?.answer;
  return typeof answer === 'string' ? answer : JSON.stringify(output);
}


/** A turn that only echoed tool outputs the run does not wait for: say so. */
export function nothingApplied(turn: Extract<ChatTurn, { kind: 'approvals' }>, applied: ReadonlySet<string>): string[] {
  if (turn.responses.length > 0 || applied.size > 0) return [];
  return ['NOTHING_PENDING: none of the tool outputs in this message answers a question or client tool call the run is waiting for.'];
}

