/**
 * Webhook notices about what a run waits for besides approvals: `ask_human` questions and client
 * tool calls. They go to the same webhooks (the agent's, and the tool's: `ask_human` or the client
 * tool) with the same signing as approval notices; a webhook's `events` pick them the same way:
 * asked / requested → `requested`, answered / supplied → `decided`, closed by the run's deadline →
 * `timed_out`. A question or call closed because the run was cancelled or failed is not notified
 * (like an approval the run's ending rejected).
 */
import type { NotifyEvent } from './agent-spec.js';
import type { HarnessEvent, HarnessEventBody } from './events.js';

/** Longest text (question, answer, input, result) a notice carries, in characters. */
export const NOTICE_TEXT_CHARS = 1000;

interface NoticeBase {
  /** `<runId>:<id>:<event>`: the same on every attempt, so a receiver can drop repeats. */
  deliveryId: string;
  runId: string;
  agentId: string;
  toolName: string;
  /** ISO-8601 workflow time of the request, answer or closing. */
  at: string;
}

/** A webhook body about an `ask_human` question (`toolName` is `ask_human`). */
export interface QuestionNotice extends NoticeBase {
  event: 'question.asked' | 'question.answered' | 'question.timed_out';
  questionId: string;
  /** The question, cut to `NOTICE_TEXT_CHARS`. */
  question: string;
  answer?: string;
  answeredBy?: string;
}

/** A webhook body about a client tool call. */
export interface ToolCallNotice extends NoticeBase {
  event: 'client_tool.requested' | 'client_tool.supplied' | 'client_tool.timed_out';
  toolCallId: string;
  /** The call's input as JSON, cut to `NOTICE_TEXT_CHARS`. */
  input: string;
  /** The supplied result as text (JSON unless a string), cut to `NOTICE_TEXT_CHARS`. */
  result?: string;
  isError?: boolean;
  suppliedBy?: string;
}

/** A notice and which of a webhook's `events` it counts as. */
export interface WaitNotice {
  kind: NotifyEvent;
  notice: QuestionNotice | ToolCallNotice;
}

/** The notice `event` of a run asks for, if any. */
export function waitNoticeOf(event: HarnessEvent | HarnessEventBody, runId: string, agentId: string): WaitNotice | undefined {
  const base = (id: string, name: string, at: string, type: string): NoticeBase => ({ deliveryId: `${runId}:${id}:${type}`, runId, agentId, toolName: name, at });
  switch (event.type) {
    case 'question.asked': {
      const q = event.question;
      return { kind: 'requested', notice: { ...base(q.questionId, 'ask_human', q.askedAt, event.type), event: event.type, questionId: q.questionId, question: cut(q.question) } };
    }
    case 'question.answered': {
      const a = event.answer;
      return {
        kind: 'decided',
        notice: {
          ...base(a.questionId, 'ask_human', a.answeredAt, event.type),
          event: event.type,
          questionId: a.questionId,
          question: cut(a.question),
          answer: cut(a.answer),
          ...(a.answeredBy !== undefined && { answeredBy: a.answeredBy }),
        },
      };
    }
    case 'question.closed': {
      const q = event.question;
      if (!q.timedOut) return undefined;
      const type = 'question.timed_out';
      return { kind: 'timed_out', notice: { ...base(q.questionId, 'ask_human', q.closedAt, type), event: type, questionId: q.questionId, question: cut(q.question) } };
    }
    case 'client_tool.requested': {
      const c = event.call;
      return { kind: 'requested', notice: { ...base(c.toolCallId, c.toolName, c.requestedAt, event.type), event: event.type, toolCallId: c.toolCallId, input: json(c.input) } };
    }
    case 'client_tool.supplied': {
      const r = event.result;
      return {
        kind: 'decided',
        notice: {
          ...base(r.toolCallId, r.toolName, r.suppliedAt, event.type),
          event: event.type,
          toolCallId: r.toolCallId,
          input: json(r.input),
          result: cut(typeof r.result === 'string' ? r.result : JSON.stringify(r.result)),
          isError: r.isError,
          ...(r.suppliedBy !== undefined && { suppliedBy: r.suppliedBy }),
        },
      };
    }
    case 'client_tool.closed': {
      const c = event.call;
      if (!c.timedOut) return undefined;
      const type = 'client_tool.timed_out';
      return { kind: 'timed_out', notice: { ...base(c.toolCallId, c.toolName, c.closedAt, type), event: type, toolCallId: c.toolCallId, input: json(c.input) } };
    }
    default:
      return undefined;
  }
}

function json(value: unknown): string {
  return cut(JSON.stringify(value));
}

function cut(text: string): string {
  return text.length > NOTICE_TEXT_CHARS ? `${text.slice(0, NOTICE_TEXT_CHARS)}…` : text;
}
