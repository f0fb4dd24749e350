/**
 * What an AG-UI resume carries besides approval decisions, applied to the parked run: answers to
 * `ask_human` interrupts (payload `{ answer }`; a `cancelled` entry for a question is answered as
 * declined) and the results of frontend tool calls (client tools), which ride the next run's
 * messages as `tool` messages. A tool message's `content` is JSON-parsed when it parses (so a
 * client tool with an output schema can get an object), else taken as the string it is. Tool
 * messages of calls the run does not wait for (echoes of earlier results) are ignored.
 */
import type { Context } from 'hono';
import type { RunHandle, RunStatus } from '../../client/index.js';
import { answererOf } from '../approver.js';
import { toHttpError } from '../errors.js';
import type { GuardEnv } from '../guards.js';
import type { AgUiTurn, ResumeDecision } from './ag-ui-request.js';

/** A refused decision, answer or result, for the stream to report. */
export type Refusal = { code: string; message: string } & ({ approvalId: string } | { questionId: string } | { toolCallId: string });

/** The id a refusal is about. */
export const refusalId = (r: Refusal): string => ('approvalId' in r ? r.approvalId : 'questionId' in r ? r.questionId : r.toolCallId);

type Resume = Extract<AgUiTurn, { kind: 'resume' }>;

/**
 * Splits the resume's decisions: those on pending questions (a `cancelled` entry) become declined
 * answers; the rest stay decisions on approvals.
 */
export function splitDecisions(turn: Resume, status: RunStatus): { decisions: ResumeDecision[]; declined: string[] } {
  const questions = new Set((status.pendingQuestions ?? []).map((q) => q.questionId));
  const declined = turn.decisions.filter((d) => d.cancelled && questions.has(d.approvalId)).map((d) => d.approvalId);
  return { decisions: turn.decisions.filter((d) => !declined.includes(d.approvalId)), declined };
}

/** Applies the answers (and declined questions) and the tool results of calls the run waits for. */
export async function applyAnswers(c: Context<GuardEnv>, run: RunHandle, turn: Resume, declined: string[], status: RunStatus): Promise<{ applied: Set<string>; refusals: Refusal[] }> {
  const applied = new Set<string>();
  const refusals: Refusal[] = [];
  const keep = async (id: Record<'questionId', string> | Record<'toolCallId', string>, apply: () => Promise<unknown>) => {
    try {
      await apply();
      applied.add(Object.values(id)[0]!);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) throw err;
      refusals.push({ ...id, code: httpError.code, message: httpError.message } as Refusal);
    }
  };
  const answeredBy = answererOf(c.get('principal'), undefined);
  const by = answeredBy !== undefined ? { answeredBy } : {};
  const answers = [...turn.answers, ...declined.map((questionId) => ({ questionId, answer: '(no answer: the person declined to answer)' }))];
  for (const { questionId, answer } of answers) await keep({ questionId }, () => run.answer(answer, { questionId, ...by }));
  const pendingCalls = new Set((status.pendingToolCalls ?? []).map((p) => p.toolCallId));
  const pendingQuestions = new Set((status.pendingQuestions ?? []).map((q) => q.questionId));
  const principal = c.get('principal');
  for (const { toolCallId, content } of turn.toolResults) {
    // A frontend tool call the run waits for; a tool message for a question answers it too.
    if (pendingCalls.has(toolCallId)) {
      await keep({ toolCallId }, () => run.supplyToolResult(toolCallId, parsed(content), principal ? { suppliedBy: principal.name } : {}));
    } else if (pendingQuestions.has(toolCallId) && !applied.has(toolCallId)) {
      await keep({ questionId: toolCallId }, () => run.answer(content, { questionId: toolCallId, ...by }));
    }
  }
  return { applied, refusals };
}


function parsed(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}
