import { describe, expect, it } from 'vitest';
import type { PendingQuestion, QuestionRecord } from '../../src/workflows/run/contract.js';
import { DelegatedQuestions } from '../../src/workflows/sub-agents/delegated-questions.js';

const asked = (questionId: string): PendingQuestion => ({
  questionId,
  question: 'Which card?',
  step: 4,
  askedAt: '2026-01-01T00:00:00.000Z',
  path: ['support', 'billing'],
  origin: { runId: 'run-1.t1', questionId },
});
const answered = (questionId: string, answer = 'Visa'): QuestionRecord => ({ ...asked(questionId), answer, answeredAt: '2026-01-01T00:01:00.000Z' });

function book() {
  let n = 0;
  const questions = new DelegatedQuestions(() => `req-${++n}`);
  questions.childStarted('t1', 'run-1.t1', 2);
  return questions;
}

describe('DelegatedQuestions', () => {
  it("shows a child's question as <toolCallId>/<id> at the step that called the child; a repeated or orphan report adds nothing", () => {
    const questions = book();
    expect(questions.asked('t1', asked('q1'))).toMatchObject({ questionId: 't1/q1', step: 2, path: ['support', 'billing'], origin: { runId: 'run-1.t1', questionId: 'q1' } });
    expect(questions.asked('t1', asked('q1'))).toBeUndefined();
    expect(questions.asked('t9', asked('q1'))).toBeUndefined();
    expect(questions.pending().map((q) => q.questionId)).toEqual(['t1/q1']);
    expect(questions.hasPending()).toBe(true);
  });

  it('forwards a checked answer in the child id space, refuses a second one while it travels, and hands the reply to the waiting update', () => {
    const questions = book();
    questions.asked('t1', asked('q1'));
    expect(questions.problemWith({ questionId: 't1/q1', answer: '  ' })).toMatchObject({ code: 'INVALID_ANSWER' });
    expect(questions.problemWith({ questionId: 't1/q2', answer: 'Visa' })).toMatchObject({ code: 'UNKNOWN_QUESTION' });
    expect(questions.problemWith({ questionId: 't1/q1', answer: 'Visa' })).toBeUndefined();

    const out = questions.forward({ questionId: 't1/q1', answer: 'Visa', answeredBy: 'ann' }, { kind: 'update' });
    expect(out).toEqual({ childWorkflowId: 'run-1.t1', requestId: 'req-1', answer: { questionId: 'q1', answer: 'Visa', answeredBy: 'ann' } });
    expect(questions.problemWith({ questionId: 't1/q1', answer: 'Amex' })).toMatchObject({ code: 'QUESTION_ALREADY_ANSWERED', message: expect.stringContaining('on its way') });

    const { record, route } = questions.answered('t1', { ...answered('q1'), answeredBy: 'ann' }, 'req-1');
    expect(record).toMatchObject({ questionId: 't1/q1', answer: 'Visa', answeredBy: 'ann', step: 2 });
    expect(route?.origin).toEqual({ kind: 'update' });
    expect(questions.takeReply('req-1')).toEqual({ record });
    expect(questions.takeReply('req-1')).toBeUndefined();
    expect(questions.pending()).toEqual([]);
    expect(questions.records()).toEqual([record]);
    expect(questions.problemWith({ questionId: 't1/q1', answer: 'Amex' })).toMatchObject({ code: 'QUESTION_ALREADY_ANSWERED' });
  });

  it("a child's refusal frees the question for another answer and goes to whoever forwarded it", () => {
    const questions = book();
    questions.asked('t1', asked('q1'));
    questions.forward({ questionId: 't1/q1', answer: 'Visa' }, { kind: 'relay', upRequestId: 'up-7' });
    const route = questions.refused('req-1', { code: 'QUESTION_CLOSED', message: 'closed' });
    expect(route).toEqual({ origin: { kind: 'relay', upRequestId: 'up-7' }, reply: { problem: { code: 'QUESTION_CLOSED', message: 'closed' } } });
    expect(questions.refused('req-1', { code: 'QUESTION_CLOSED', message: 'again' })).toBeUndefined();
    expect(questions.refused('not-mine', { code: 'QUESTION_CLOSED', message: 'x' })).toBeUndefined();
    expect(questions.problemWith({ questionId: 't1/q1', answer: 'Visa' })).toBeUndefined();
  });

  it('an answer given in the child itself is recorded here without a request', () => {
    const questions = book();
    questions.asked('t1', asked('q1'));
    expect(questions.answered('t1', answered('q1', 'Amex'), undefined)).toEqual({ record: expect.objectContaining({ questionId: 't1/q1', answer: 'Amex' }) });
    expect(questions.answered('t1', answered('q1', 'Amex'), undefined)).toEqual({});
  });

  it('a child that ends closes its pending questions and answers the requests still waiting', () => {
    const questions = book();
    questions.asked('t1', asked('q1'));
    questions.asked('t1', asked('q2'));
    questions.forward({ questionId: 't1/q2', answer: 'Visa' }, { kind: 'update' });
    const { closed, routes } = questions.childEnded('t1', 'sub-agent run run-1.t1 ended: it failed', '2026-01-01T00:02:00.000Z');
    expect(closed.map((q) => [q.questionId, q.reason])).toEqual([
      ['t1/q1', 'sub-agent run run-1.t1 ended: it failed'],
      ['t1/q2', 'sub-agent run run-1.t1 ended: it failed'],
    ]);
    expect(routes).toEqual([{ origin: { kind: 'update' }, reply: { problem: expect.objectContaining({ code: 'RUN_NOT_ACTIVE' }) } }]);
    expect(questions.pending()).toEqual([]);
    expect(questions.closedQuestions()).toHaveLength(2);
    expect(questions.problemWith({ questionId: 't1/q1', answer: 'Visa' })).toMatchObject({ code: 'QUESTION_CLOSED' });
    expect(questions.asked('t1', asked('q3'))).toBeUndefined();
  });

  it('hands its answered and closed questions to the next run of a continued chain, which shows them and refuses them as before', () => {
    const questions = book();
    questions.asked('t1', asked('q1'));
    questions.asked('t1', asked('q2'));
    questions.answered('t1', { ...answered('q1'), answeredBy: 'ann' }, undefined);
    questions.childEnded('t1', 'completed', '2026-01-01T00:02:00.000Z');
    const carried = questions.carried()!;
    expect(carried.answered.map((r) => [r.questionId, r.answer])).toEqual([['t1/q1', 'Visa']]);
    expect(carried.closed.map((c) => [c.questionId, c.reason])).toEqual([['t1/q2', 'completed']]);

    const next = new DelegatedQuestions(() => 'req');
    next.restore(JSON.parse(JSON.stringify(carried)) as typeof carried);
    expect(next.records()).toEqual(carried.answered);
    expect(next.closedQuestions()).toEqual(carried.closed);
    expect(next.pending()).toEqual([]);
    expect(next.carried()).toEqual(carried);
    expect(next.problemWith({ questionId: 't1/q1', answer: 'Amex' })).toMatchObject({ code: 'QUESTION_ALREADY_ANSWERED' });
    expect(next.problemWith({ questionId: 't1/q2', answer: 'Amex' })).toMatchObject({ code: 'QUESTION_CLOSED', message: expect.stringContaining('run-1.t1 has ended (completed)') });
  });

  it('carries nothing when no sub-agent asked anything', () => {
    expect(book().carried()).toBeUndefined();
    const next = new DelegatedQuestions(() => 'req');
    next.restore(undefined);
    expect(next.records()).toEqual([]);
  });
});
