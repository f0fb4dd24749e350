/** The tool parts of an assistant message, and how each shows: running, waiting, decided, done. */
import type { UIMessage } from 'ai';
import { h, pretty } from './dom.js';
import { questionBox, toolResultBox } from './wait-boxes.js';

/** A tool call part (`tool-<name>`), as far as the page reads it. */
export interface ToolPart {
  type: string;
  toolCallId: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
}

export const isToolPart = (p: UIMessage['parts'][number]): p is UIMessage['parts'][number] & ToolPart => p.type.startsWith('tool-') || p.type === 'dynamic-tool';
export const toolName = (p: ToolPart) => (p.type === 'dynamic-tool' ? ((p as { toolName?: string }).toolName ?? 'tool') : p.type.slice('tool-'.length));

/** How the page answers an approval. */
export interface Decider {
  approve(id: string): void;
  reject(id: string, reason: string): void;
  edit(id: string, input: Record<string, unknown>): void;
}

/** Per approval: whether its edit box is open and what is in it (kept across redraws). */
export const editing = new Map<string, string>();

/** The approval box: tool input, Approve / Reject / Edit. Shared by the chat and the inbox. */
export function approvalBox(id: string, input: unknown, decide: Decider, redraw: () => void): HTMLElement {
  const reason = h('input', { type: 'text', class: 'reason', placeholder: 'reason (optional)', 'aria-label': 'reason' });
  const draft = editing.get(id);
  const editor = draft !== undefined ? h('textarea', { class: 'edit', rows: '6', 'aria-label': 'edited input' }, draft) : undefined;
  editor?.addEventListener('input', () => editing.set(id, editor.value));
  const problem = h('div', { class: 'problem', role: 'alert' });
  const approveEdited = () => {
    try {
      const parsed = JSON.parse(editor!.value) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the input must be a JSON object');
      editing.delete(id);
      decide.edit(id, parsed as Record<string, unknown>);
    } catch (err) {
      problem.textContent = `Not valid: ${(err as Error).message}`;
    }
  };
  return h(
    'div',
    { class: 'approval' },
    h('div', { class: 'label' }, 'Waiting for your approval'),
    editor ?? h('pre', { class: 'input' }, pretty(input)),
    h(
      'div',
      { class: 'buttons' },
      editor
        ? h('button', { class: 'approve', onclick: approveEdited }, 'Approve with edits')
        : h('button', { class: 'approve', onclick: () => decide.approve(id) }, 'Approve'),
      editor
        ? h('button', { onclick: () => (editing.delete(id), redraw()) }, 'Cancel edit')
        : h('button', { onclick: () => (editing.set(id, pretty(input)), redraw()) }, 'Edit'),
      h('button', { class: 'reject', onclick: () => decide.reject(id, reason.value) }, 'Reject'),
      reason,
    ),
    problem,
  );
}

/**
 * What the run waits for from the page besides approvals (read from its status): `ask_human`
 * questions, and client tool calls with their output schemas. The page answers through these.
 */
export interface WaitContext {
  questions: ReadonlySet<string>;
  calls: ReadonlyMap<string, Record<string, unknown> | undefined>;
  answer(part: ToolPart, text: string): void;
  supply(part: ToolPart, result: unknown, isError: boolean): void;
}

/** The answer or result box of a call the run waits on the page for, if it is one. */
function waitBox(part: ToolPart, waits: WaitContext | undefined): HTMLElement | undefined {
  if (!waits || part.state !== 'input-available') return undefined;
  const id = part.toolCallId;
  if (waits.questions.has(id)) {
    const question = (part.input as { question?: unknown } | undefined)?.question;
    return questionBox(id, typeof question === 'string' ? question : pretty(part.input), (text) => waits.answer(part, text));
  }
  if (waits.calls.has(id)) return toolResultBox(id, part.input, waits.calls.get(id), (result, isError) => waits.supply(part, result, isError));
  return undefined;
}

/** One tool call of the conversation. */
export function toolCallView(part: ToolPart, decide: Decider, redraw: () => void, waits?: WaitContext): HTMLElement {
  const name = toolName(part);
  const body: (Node | string)[] = [];
  const waiting = waitBox(part, waits);
  if (waiting) {
    return h('div', { class: 'tool waiting', 'data-tool-call': part.toolCallId }, h('div', { class: 'tool-name' }, `tool ${name}`), waiting);
  }
  switch (part.state) {
    case 'approval-requested':
      body.push(approvalBox(part.approval?.id ?? part.toolCallId, part.input, decide, redraw));
      break;
    case 'approval-responded':
      body.push(h('pre', { class: 'input' }, pretty(part.input)), h('div', { class: 'status' }, part.approval?.approved ? 'approved, running…' : 'rejected'));
      break;
    case 'output-available':
      body.push(h('pre', { class: 'input' }, pretty(part.input)), h('div', { class: 'output' }, '→ ', typeof part.output === 'string' ? part.output : pretty(part.output)));
      break;
    case 'output-error':
      body.push(h('pre', { class: 'input' }, pretty(part.input)), h('div', { class: 'output error' }, `error: ${part.errorText ?? ''}`));
      break;
    case 'output-denied':
      body.push(h('pre', { class: 'input' }, pretty(part.input)), h('div', { class: 'status denied' }, 'rejected'));
      break;
    default:
      body.push(h('pre', { class: 'input' }, pretty(part.input)), h('div', { class: 'status' }, 'running…'));
  }
  return h('div', { class: `tool ${part.state}`, 'data-tool-call': part.toolCallId }, h('div', { class: 'tool-name' }, `tool ${name}`), ...body);
}
