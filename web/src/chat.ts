/**
 * The chat page: one harness thread (`#/chat/<id>`), any agent, tokens as they stream, tool calls
 * with Approve / Reject / Edit inline, and Stop, which cancels the run (not only the request).
 * Which approvals still wait is read from the run's status after every response, so the page
 * shows what the run says, also after a refused decision or a reload.
 */
import type { UIMessage } from 'ai';
import { api } from './api.js';
import { PageChat } from './chat-engine.js';
import { h } from './dom.js';
import { isToolPart, toolCallView, toolName, type Decider, type ToolPart, type WaitContext } from './tool-parts.js';
import { forgetDraft } from './wait-boxes.js';

interface RunStatus {
  state: string;
  pendingApprovals: { approvalId: string }[];
  approvals: { approvalId: string; decision: string }[];
  pendingQuestions?: { questionId: string }[];
  pendingToolCalls?: { toolCallId: string; outputSchema?: Record<string, unknown> }[];
}

/** Mounts the chat for thread `chatId` into `root`; returns a function that unmounts it. */
export function mountChat(root: HTMLElement, chatId: string): () => void {
  const agent = h('input', { type: 'text', id: 'agent', placeholder: 'routed', value: sessionStorage.getItem('harness-agent') ?? '', 'aria-label': 'agent' });
  agent.addEventListener('change', () => sessionStorage.setItem('harness-agent', agent.value));
  const edits = new Map<string, Record<string, unknown>>();
  const questions = new Set<string>();
  const calls = new Map<string, Record<string, unknown> | undefined>();
  let runState: string | undefined;
  let notice = '';

  let scheduled = false;
  const redraw = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      draw();
    });
  };
  const chat = new PageChat(chatId, { agentId: () => agent.value, edits }, redraw, () => {
    edits.clear();
    void syncWithRun();
  });

  /** Puts each approval part in the state the run reports (a refused decision waits again). */
  async function syncWithRun(): Promise<void> {
    const runId = chat.runId;
    if (!runId) return;
    const status = await api<RunStatus>(`/runs/${encodeURIComponent(runId)}`).catch(() => undefined);
    if (!status) return;
    runState = status.state;
    questions.clear();
    for (const q of status.pendingQuestions ?? []) questions.add(q.questionId);
    calls.clear();
    for (const c of status.pendingToolCalls ?? []) calls.set(c.toolCallId, c.outputSchema);
    const pending = new Set(status.pendingApprovals.map((p) => p.approvalId));
    const rejected = new Set(status.approvals.filter((a) => a.decision === 'reject').map((a) => a.approvalId));
    chat.messages = chat.messages.map((m) =>
      m.role !== 'assistant'
        ? m
        : {
            ...m,
            parts: m.parts.map((p) => {
              // An answer or result the run refused: the call waits again, as the run says.
              if (isToolPart(p) && (questions.has(p.toolCallId) || calls.has(p.toolCallId)) && p.state !== 'input-available') {
                return { ...p, state: 'input-available', output: undefined, errorText: undefined } as typeof p;
              }
              if (!isToolPart(p) || !p.approval || !['approval-requested', 'approval-responded'].includes(p.state)) return p;
              if (pending.has(p.approval.id)) return { ...p, state: 'approval-requested', approval: { id: p.approval.id } } as typeof p;
              if (rejected.has(p.approval.id)) return { ...p, state: 'output-denied' } as typeof p;
              return p;
            }),
          },
    );
  }

  const decide: Decider = {
    approve: (id) => void chat.addToolApprovalResponse({ id, approved: true }),
    reject: (id, reason) => void chat.addToolApprovalResponse({ id, approved: false, ...(reason.trim() && { reason: reason.trim() }) }),
    edit: (id, input) => {
      edits.set(id, input);
      void chat.addToolApprovalResponse({ id, approved: true });
    },
  };

  const waits: WaitContext = {
    questions,
    calls,
    answer: (part, text) => {
      forgetDraft(part.toolCallId);
      void chat.addToolOutput({ tool: toolName(part), toolCallId: part.toolCallId, output: text });
    },
    supply: (part, result, isError) => {
      forgetDraft(part.toolCallId);
      void chat.addToolOutput(
        isError
          ? { tool: toolName(part), toolCallId: part.toolCallId, state: 'output-error', errorText: String(result) }
          : { tool: toolName(part), toolCallId: part.toolCallId, output: result },
      );
    },
  };

  const stop = async () => {
    const runId = chat.runId;
    await chat.stop();
    if (!runId) return;
    try {
      await api(`/runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST', body: {} });
      notice = `Run ${runId} cancelled.`;
    } catch (err) {
      notice = `Stop: ${(err as Error).message}`;
    }
    await syncWithRun();
    redraw();
  };

  const input = h('textarea', { id: 'message', rows: '2', placeholder: 'Message', 'aria-label': 'message' });
  const send = (e: Event) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    notice = '';
    void chat.sendMessage({ text });
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) send(e);
  });
  const list = h('div', { class: 'messages', 'aria-live': 'polite' });
  const status = h('div', { class: 'run-status' });
  const stopButton = h('button', { type: 'button', class: 'stop', onclick: () => void stop() }, 'Stop');
  const form = h('form', { class: 'composer', onsubmit: send }, input, h('button', { type: 'submit', class: 'send' }, 'Send'), stopButton);

  root.replaceChildren(
    h('section', { class: 'chat' }, h('div', { class: 'toolbar' }, h('label', {}, 'Agent ', agent), h('span', { class: 'chat-id' }, `thread ${chatId}`), h('a', { href: '#/chat', class: 'new-chat' }, 'New chat')), list, status, form),
  );

  function draw(): void {
    list.replaceChildren(...chat.messages.map((m) => messageView(m, decide, redraw, waits)));
    const busy = chat.status === 'submitted' || chat.status === 'streaming';
    const waiting = (chat.messages.at(-1)?.parts.some((p) => isToolPart(p) && p.state === 'approval-requested') ?? false) || questions.size > 0 || calls.size > 0;
    stopButton.hidden = !(busy || waiting);
    const error = chat.error ? `${chat.error.message}` : '';
    status.replaceChildren(
      ...(busy ? [h('span', { class: 'busy' }, chat.status === 'submitted' ? 'starting…' : 'streaming…')] : []),
      ...(!busy && runState ? [h('span', {}, `run ${chat.runId ?? ''}: ${runState.replaceAll('_', ' ')}`)] : []),
      ...(error ? [h('div', { class: 'problem', role: 'alert' }, error)] : []),
      ...(notice ? [h('div', { class: 'notice' }, notice)] : []),
    );
    list.lastElementChild?.scrollIntoView({ block: 'end' });
  }

  draw();
  // A reload (or a second tab) picks up the thread's active run where it is.
  void chat.resumeStream();
  return () => void chat.stop();
}

function messageView(m: UIMessage, decide: Decider, redraw: () => void, waits: WaitContext): HTMLElement {
  const parts = m.parts.flatMap((p): HTMLElement[] => {
    if (p.type === 'text') return [h('div', { class: 'text' }, p.text)];
    if (isToolPart(p)) return [toolCallView(p as ToolPart, decide, redraw, waits)];
    return [];
  });
  return h('article', { class: `message ${m.role}`, 'data-message-id': m.id }, h('div', { class: 'role' }, m.role === 'user' ? 'you' : 'agent'), ...parts);
}
