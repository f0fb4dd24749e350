import { describe, expect, it } from 'vitest';
import { QUESTION_LIMITS } from '../../src/workflows/run/contract.js';
import { QuestionBook, answerShapeProblem, questionOf } from '../../src/workflows/run/questions.js';

const AT = '2026-01-01T00:00:00.000Z';

describe('QuestionBook', () => {
  it('keeps a question pending until answered, then records the answer once', () => {
    const book = new QuestionBook();
    book.ask('call_1', 'Which office?', 1, AT);
    expect(book.hasPending()).toBe(true);
    expect(book.problemWith({ questionId: 'call_1', answer: 'Berlin' })).toBeUndefined();
    const record = book.answer({ questionId: 'call_1', answer: 'Berlin', answeredBy: 'ann' }, AT);
    expect(record).toEqual({ questionId: 'call_1', question: 'Which office?', step: 1, askedAt: AT, answer: 'Berlin', answeredBy: 'ann', answeredAt: AT });
    expect(book.hasPending()).toBe(false);
    expect(book.answerFor('call_1')?.answer).toBe('Berlin');
    expect(book.problemWith({ questionId: 'call_1', answer: 'Paris' })?.code).toBe('QUESTION_ALREADY_ANSWERED');
  });

  it('refuses unknown questions and malformed, empty or oversized answers', () => {
    const book = new QuestionBook();
    book.ask('call_1', 'Which office?', 1, AT);
    expect(book.problemWith({ questionId: 'nope', answer: 'x' })).toMatchObject({ code: 'UNKNOWN_QUESTION', message: expect.stringContaining('call_1') });
    expect(book.problemWith({ questionId: 'call_1', answer: '   ' })?.code).toBe('INVALID_ANSWER');
    expect(book.problemWith({ questionId: 'call_1', answer: 'x'.repeat(QUESTION_LIMITS.answerChars + 1) })?.code).toBe('INVALID_ANSWER');
    expect(book.problemWith({ questionId: 'call_1', answer: 'x', answeredBy: 7 })?.code).toBe('INVALID_ANSWER');
    expect(book.problemWith(null)?.code).toBe('INVALID_ANSWER');
    expect(answerShapeProblem({ questionId: '', answer: 'x' })?.code).toBe('INVALID_ANSWER');
    expect(book.hasPending()).toBe(true);
  });

  it('carries pending and answered questions into a continued run', () => {
    const book = new QuestionBook();
    book.ask('a', 'A?', 1, AT);
    book.ask('b', 'B?', 1, AT);
    book.answer({ questionId: 'a', answer: 'yes' }, AT);
    const next = new QuestionBook({ pending: book.pendingQuestions(), answered: book.answeredQuestions() });
    expect(next.pendingQuestions().map((q) => q.questionId)).toEqual(['b']);
    expect(next.answerFor('a')?.answer).toBe('yes');
  });

  it('checks the question an ask_human call carries', () => {
    expect(questionOf({ question: 'Why?' })).toEqual({ question: 'Why?' });
    expect(questionOf({})).toHaveProperty('problem');
    expect(questionOf({ question: 'x'.repeat(QUESTION_LIMITS.questionChars + 1) })).toHaveProperty('problem');
  });
});
