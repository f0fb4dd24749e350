/**
 * The `ask_human` questions a run's sub-agents are waiting on, as the run sees them: a plain class
 * with no Temporal calls, unit-tested without a server. The same scheme as `DelegatedApprovals`:
 * a child's question `q`, asked under the tool call `t` that started the child, is `t/q` here (a
 * grandchild's `t/u/q`); an answer to `t/q` is checked here (pending? already answered? a
 * well-formed answer?), then forwarded to the child, which checks again and answers. While that
 * answer is on its way the question counts as answered, so a second answer is refused, not raced.
 */
import type { AnswerQuestionInput, ClosedQuestion, PendingQuestion, QuestionRecord } from '../run/contract.js';
import { answerShapeProblem, type AnswerProblem } from '../run/questions.js';
import type { DelegatedProblem } from './contract.js';
import { delegatedApprovalId } from './delegated-approvals.js';

interface Entry {
  /** The id in this run's id space. */
  id: string;
  toolCallId: string;
  childWorkflowId: string;
  /** The id in the child's id space. */
  childQuestionId: string;
  question: PendingQuestion;
  record?: QuestionRecord;
  closed?: ClosedQuestion;
  /** The request id of an answer sent to the child and not answered yet. */
  inFlight?: string;
}

/** Who waits for the child's reply to a forwarded answer. */
export type QuestionRequestOrigin =
  /** An `answerQuestion` update on this run: its handler waits for the reply. */
  | { kind: 'update' }
  /** This run's parent forwarded it: the reply goes up with the parent's request id. */
  | { kind: 'relay'; upRequestId: string };

export type QuestionReply = { record: QuestionRecord } | { problem: DelegatedProblem };

/** A reply and whom it is for. */
export interface QuestionReplyRoute {
  origin: QuestionRequestOrigin;
  reply: QuestionReply;
}

/** The questions of a run's sub-agents one run of a continued chain hands the next. */
export interface CarriedQuestions {
  answered: QuestionRecord[];
  closed: ClosedQuestion[];
}

export class DelegatedQuestions {
  private readonly entries = new Map<string, Entry>();
  /** Running children by the tool call that started them, and the step that called each. */
  private readonly children = new Map<string, { childWorkflowId: string; step: number }>();
  private readonly requests = new Map<string, { entryId: string; origin: QuestionRequestOrigin }>();
  private readonly replies = new Map<string, QuestionReply>();

  constructor(private readonly newRequestId: () => string) {}

  /**
   * Takes back the questions an earlier run of a continued chain had answered or closed (none can
   * be pending then: a run continues as new between steps, when no sub-agent runs). They show in
   * `status()` as before, and a second answer to one is refused as before.
   */
  restore(carried: CarriedQuestions | undefined): void {
    for (const record of carried?.answered ?? []) this.restoreEntry(record, { record });
    for (const closed of carried?.closed ?? []) this.restoreEntry(closed, { closed });
  }

  /** The answered and closed questions, for the next run of a continued chain (undefined: none). */
  carried(): CarriedQuestions | undefined {
    const answered = this.records();
    const closed = this.closedQuestions();
    return answered.length || closed.length ? { answered, closed } : undefined;
  }

  private restoreEntry(question: PendingQuestion, end: Pick<Entry, 'record' | 'closed'>): void {
    const [toolCallId = question.questionId] = question.questionId.split('/');
    const { answer: _a, answeredBy: _b, answeredAt: _c, closedAt: _d, reason: _e, ...pending } = question as PendingQuestion & Partial<QuestionRecord & ClosedQuestion>;
    this.entries.set(question.questionId, {
      id: question.questionId,
      toolCallId,
      childWorkflowId: question.origin?.runId ?? '',
      childQuestionId: question.origin?.questionId ?? question.questionId,
      question: pending,
      ...end,
    });
  }

  /** A child started for tool call `toolCallId` of this run's model step `step`. */
  childStarted(toolCallId: string, childWorkflowId: string, step: number): void {
    this.children.set(toolCallId, { childWorkflowId, step });
  }

  /** A child reported a question; returns it in this run's id space, or undefined if already known. */
  asked(toolCallId: string, question: PendingQuestion): PendingQuestion | undefined {
    const child = this.children.get(toolCallId);
    const id = delegatedApprovalId(toolCallId, question.questionId);
    // A report from a child that has ended (or was never started here) has nothing left to answer.
    if (child === undefined || this.entries.has(id)) return undefined;
    // Shown with this run's own step (the one that called the sub-agent), not the child's.
    const mine: PendingQuestion = { ...question, questionId: id, step: child.step };
    this.entries.set(id, { id, toolCallId, childWorkflowId: child.childWorkflowId, childQuestionId: question.questionId, question: mine });
    return mine;
  }

  /**
   * A child reported a question answered. Returns the record in this run's id space (undefined if
   * unknown or already answered) and, when it replies to a forwarded answer, whom to tell.
   */
  answered(toolCallId: string, record: QuestionRecord, requestId: string | undefined): { record?: QuestionRecord; route?: QuestionReplyRoute } {
    const entry = this.entries.get(delegatedApprovalId(toolCallId, record.questionId));
    let mine: QuestionRecord | undefined;
    if (entry && !entry.record && !entry.closed) {
      mine = { ...record, questionId: entry.id, step: entry.question.step, ...whereAsked(entry.question) };
      entry.record = mine;
    }
    if (requestId === undefined) return mine ? { record: mine } : {};
    const route = this.reply(requestId, { record: mine ?? entry?.record ?? record });
    return { ...(mine && { record: mine }), ...(route && { route }) };
  }

  /** A child refused a forwarded answer (or it could not be sent). Returns whom to tell, if the request is this book's. */
  refused(requestId: string, problem: DelegatedProblem): QuestionReplyRoute | undefined {
    return this.reply(requestId, { problem });
  }

  owns(questionId: string): boolean {
    return this.entries.has(questionId);
  }

  /** Why an answer to a delegated question must be refused, or undefined. */
  problemWith(payload: unknown): AnswerProblem | undefined {
    const shape = answerShapeProblem(payload);
    if (shape) return shape;
    const { questionId } = payload as AnswerQuestionInput;
    const entry = this.entries.get(questionId);
    if (!entry) return { code: 'UNKNOWN_QUESTION', message: `No pending question "${questionId}" in this run.` };
    if (entry.record || entry.inFlight !== undefined) {
      const where = entry.record ? '' : `: the answer is on its way to sub-agent run ${entry.childWorkflowId}`;
      return { code: 'QUESTION_ALREADY_ANSWERED', message: `Question "${questionId}" was already answered${where}; an answer is given once.` };
    }
    if (entry.closed) {
      return { code: 'QUESTION_CLOSED', message: `Sub-agent run ${entry.childWorkflowId} has ended (${entry.closed.reason}); question "${questionId}" can no longer be answered.` };
    }
    return undefined;
  }

  /** Marks an answer (already checked with `problemWith`) as on its way; returns what to send to which child. */
  forward(answer: AnswerQuestionInput, origin: QuestionRequestOrigin): { childWorkflowId: string; requestId: string; answer: AnswerQuestionInput } {
    const entry = this.entries.get(answer.questionId);
    if (!entry) throw new Error(`forward called for unknown question ${answer.questionId}`);
    const requestId = this.newRequestId();
    entry.inFlight = requestId;
    this.requests.set(requestId, { entryId: entry.id, origin });
    return { childWorkflowId: entry.childWorkflowId, requestId, answer: { ...answer, questionId: entry.childQuestionId } };
  }

  /** The reply for an update waiting on this run, once it has come (taken: asked once). */
  takeReply(requestId: string): QuestionReply | undefined {
    const reply = this.replies.get(requestId);
    this.replies.delete(requestId);
    return reply;
  }

  hasReply(requestId: string): boolean {
    return this.replies.has(requestId);
  }

  /**
   * The child started by `toolCallId` has ended: its questions still pending here are closed.
   * Returns them and the replies owed to requests still waiting.
   */
  childEnded(toolCallId: string, reason: string, now: string): { closed: ClosedQuestion[]; routes: QuestionReplyRoute[] } {
    const child = this.children.get(toolCallId);
    this.children.delete(toolCallId);
    const closed: ClosedQuestion[] = [];
    for (const entry of this.entries.values()) {
      if (entry.toolCallId !== toolCallId || entry.record || entry.closed) continue;
      entry.closed = { ...entry.question, closedAt: now, reason };
      closed.push(entry.closed);
    }
    const routes: QuestionReplyRoute[] = [];
    for (const [requestId, request] of [...this.requests]) {
      if (this.entries.get(request.entryId)?.toolCallId !== toolCallId) continue;
      const message = `Sub-agent run ${child?.childWorkflowId ?? toolCallId} has ended (${reason}); its questions can no longer be answered.`;
      const route = this.reply(requestId, { problem: { code: 'RUN_NOT_ACTIVE', message } });
      if (route) routes.push(route);
    }
    return { closed, routes };
  }

  hasPending(): boolean {
    return this.pending().length > 0;
  }

  pending(): PendingQuestion[] {
    return [...this.entries.values()].filter((e) => !e.record && !e.closed).map((e) => e.question);
  }

  records(): QuestionRecord[] {
    return [...this.entries.values()].flatMap((e) => (e.record ? [e.record] : []));
  }

  closedQuestions(): ClosedQuestion[] {
    return [...this.entries.values()].flatMap((e) => (e.closed ? [e.closed] : []));
  }

  /** Settles a forwarded request: stores the reply for a waiting update, or says whom to tell. */
  private reply(requestId: string, reply: QuestionReply): QuestionReplyRoute | undefined {
    const request = this.requests.get(requestId);
    if (!request) return undefined;
    this.requests.delete(requestId);
    const entry = this.entries.get(request.entryId);
    if (entry?.inFlight === requestId) delete entry.inFlight;
    if (request.origin.kind === 'update') this.replies.set(requestId, reply);
    return { origin: request.origin, reply };
  }
}

function whereAsked(question: PendingQuestion): Pick<PendingQuestion, 'path' | 'origin'> {
  return { ...(question.path && { path: question.path }), ...(question.origin && { origin: question.origin }) };
}
