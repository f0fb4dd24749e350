/**
 * The inbox cards for what runs wait for besides approvals: `ask_human` questions
 * (`GET /questions`, answered by `POST /runs/{id}/questions/{questionId}`) and client tool calls
 * (`GET /tool-calls`, supplied by `POST /runs/{id}/tool-calls/{toolCallId}`).
 */
import { h, time } from './dom.js';
import { questionBox, toolResultBox } from './wait-boxes.js';

interface RunRef {
  runId: string;
  agentId: string;
  threadId?: string;
}

export interface QuestionItem extends RunRef {
  question: { questionId: string; question: string; askedAt: string };
}

export interface ToolCallItem extends RunRef {
  call: { toolCallId: string; toolName: string; input: Record<string, unknown>; outputSchema?: Record<string, unknown>; requestedAt: string };
}

/** Sends a body to an API path; `key` names the card its problem shows on. */
export type Post = (path: string, body: Record<string, unknown>, key: string) => void;

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

function runLine(item: RunRef): HTMLElement {
  return h('dd', {}, item.runId, ' · agent ', item.agentId, ...(item.threadId ? [' · ', h('a', { href: `#/chat/${encodeURIComponent(item.threadId)}` }, `thread ${item.threadId}`)] : []));
}

/** A question's card: who asked, when, and the answer box. */
export function questionCard(item: QuestionItem, post: Post, problem: string | undefined): HTMLElement {
  const { questionId, question, askedAt } = item.question;
  return h(
    'article',
    { class: 'inbox-item question', 'data-question-id': questionId, 'data-run-id': item.runId },
    h('div', { class: 'tool-name' }, 'question (ask_human)'),
    h('dl', {}, h('dt', {}, 'run'), runLine(item), h('dt', {}, 'asked'), h('dd', {}, time(askedAt))),
    questionBox(questionId, question, (answer) => post(`${runPath(item.runId)}/questions/${encodeURIComponent(questionId)}`, { answer }, questionId)),
    problem ? h('div', { class: 'problem', role: 'alert' }, problem) : null,
  );
}

/** A client tool call's card: the tool, its input, and the result box. */
export function toolCallCard(item: ToolCallItem, post: Post, problem: string | undefined): HTMLElement {
  const { toolCallId, toolName, input, outputSchema, requestedAt } = item.call;
  const supply = (result: unknown, isError: boolean) =>
    post(`${runPath(item.runId)}/tool-calls/${encodeURIComponent(toolCallId)}`, { result, ...(isError && { isError: true }) }, toolCallId);
  return h(
    'article',
    { class: 'inbox-item tool-call', 'data-tool-call-id': toolCallId, 'data-run-id': item.runId },
    h('div', { class: 'tool-name' }, `client tool ${toolName}`),
    h('dl', {}, h('dt', {}, 'run'), runLine(item), h('dt', {}, 'requested'), h('dd', {}, time(requestedAt))),
    toolResultBox(toolCallId, input, outputSchema, supply),
    problem ? h('div', { class: 'problem', role: 'alert' }, problem) : null,
  );
}
