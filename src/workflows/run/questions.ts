/**
 * Questions the agent asked a person through the built-in `ask_human` tool: pending until an
 * answer arrives by the `answerQuestion` update, then the answer is the tool's result. A plain
 * class the workflow owns (no Temporal calls), so its rules are unit-tested without a server.
 */
import type { AnswerQuestionInput, ClosedQuestion, ClosedWait, PendingQuestion, QuestionRecord } from './contract.js';
import { QUESTION_LIMITS } from './contract.js';

/** Why an answer must be refused: a stable code and a message saying how to fix it. */
export interface AnswerProblem {
  code: 'UNKNOWN_QUESTION' | 'QUESTION_ALREADY_ANSWERED' | 'QUESTION_CLOSED' | 'INVALID_ANSWER';
  message: string;
}

/** The question text of an `ask_human` call, or why the call is not usable. */
export function questionOf(args: Record<string, unknown>): { question: string } | { problem: string } {
  const q = args['question'];
  if (typeof q !== 'string' || q.trim() === '') return { problem: '`question` must be a non-empty string: the question to ask the person' };
  if (q.length > QUESTION_LIMITS.questionChars) return { problem: `\`question\` is ${q.length} characters; keep it within ${QUESTION_LIMITS.questionChars}` };
  return { question: q };
}

export class QuestionBook {
  private readonly pending = new Map<string, PendingQuestion>();
  private readonly answered = new Map<string, QuestionRecord>();
  private readonly closed = new Map<string, ClosedQuestion>();

  constructor(carried?: { pending?: PendingQuestion[]; answered?: QuestionRecord[] }) {
    for (const q of carried?.pending ?? []) this.pending.set(q.questionId, q);
    for (const r of carried?.answered ?? []) this.answered.set(r.questionId, r);
  }

  /** Parks a question until it is answered. */
  ask(questionId: string, question: string, step: number, now: string): PendingQuestion {
    const asked: PendingQuestion = { questionId, question, step, askedAt: now };
    this.pending.set(questionId, asked);
    return asked;
  }

  /** Why `payload` cannot answer a pending question, or undefined when it may be applied. */
  problemWith(payload: unknown): AnswerProblem | undefined {
    const shape = answerShapeProblem(payload);
    if (shape) return shape;
    const { questionId } = payload as AnswerQuestionInput;
    if (this.answered.has(questionId)) return { code: 'QUESTION_ALREADY_ANSWERED', message: `Question "${questionId}" was already answered; an answer is given once.` };
    const closed = this.closed.get(questionId);
    if (closed) return { code: 'QUESTION_CLOSED', message: `The run has ended (${closed.reason}); question "${questionId}" was closed unanswered and can no longer be answered.` };
    if (!this.pending.has(questionId)) {
      const ids = [...this.pending.keys()];
      return { code: 'UNKNOWN_QUESTION', message: `No pending question "${questionId}" in this run; pending: ${ids.join(', ') || '(none)'}.` };
    }
    return undefined;
  }

  /** Records an answer `problemWith` accepted. */
  answer(input: AnswerQuestionInput, now: string): QuestionRecord {
    const asked = this.pending.get(input.questionId);
    if (!asked) throw new Error(`answer called for unknown question ${input.questionId}`);
    const record: QuestionRecord = { ...asked, answer: input.answer, answeredAt: now, ...(input.answeredBy !== undefined && { answeredBy: input.answeredBy }) };
    this.pending.delete(input.questionId);
    this.answered.set(input.questionId, record);
    return record;
  }

  /** Closes every pending question unanswered (the run is ending); returns those closed. */
  closeAll(why: ClosedWait): ClosedQuestion[] {
    const closed = [...this.pending.values()].map((q): ClosedQuestion => ({ ...q, ...why }));
    for (const q of closed) this.closed.set(q.questionId, q);
    this.pending.clear();
    return closed;
  }

  closedQuestions(): ClosedQuestion[] {
    return [...this.closed.values()];
  }

  answerFor(questionId: string): QuestionRecord | undefined {
    return this.answered.get(questionId);
  }

  pendingQuestions(): PendingQuestion[] {
    return [...this.pending.values()];
  }

  answeredQuestions(): QuestionRecord[] {
    return [...this.answered.values()];
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }
}

/**
 * Why `payload` is not a well-formed, bounded answer (whatever the run holds), or undefined. The
 * client checks this before sending; the update's validator checks it again.
 */
export function answerShapeProblem(payload: unknown): AnswerProblem | undefined {
  if (typeof payload !== 'object' || payload === null) return invalid('the payload must be an object { questionId, answer, answeredBy? }');
  const { questionId, answer, answeredBy } = payload as Record<string, unknown>;
  if (typeof questionId !== 'string' || questionId === '' || questionId.length > QUESTION_LIMITS.questionIdChars) {
    return invalid(`\`questionId\` must be a string of 1 to ${QUESTION_LIMITS.questionIdChars} characters (see status().pendingQuestions)`);
  }
  if (typeof answer !== 'string' || answer.trim() === '') return invalid('`answer` must be a non-empty string');
  if (answer.length > QUESTION_LIMITS.answerChars) return invalid(`\`answer\` is ${answer.length} characters; keep it within ${QUESTION_LIMITS.answerChars}`);
  if (answeredBy !== undefined && (typeof answeredBy !== 'string' || answeredBy.length > QUESTION_LIMITS.answeredByChars)) {
    return invalid(`\`answeredBy\` must be a string of at most ${QUESTION_LIMITS.answeredByChars} characters`);
  }
  return undefined;
}

function invalid(message: string): AnswerProblem {
  return { code: 'INVALID_ANSWER', message: `Invalid answer: ${message}.` };
}
