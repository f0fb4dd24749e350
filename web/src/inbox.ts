/**
 * The inbox page: every approval waiting for a decision across the runs of this harness
 * (`GET /approvals`), with who may decide, the tool's input and the deadline when the run reports
 * them, and Approve / Reject / Edit, decided by `POST /runs/{id}/approvals/{approvalId}`; below
 * them the questions agents asked and the client tool calls waiting for a result (`inbox-waits.ts`).
 */
import { api } from './api.js';
import { h, time } from './dom.js';
import { forgetDraft } from './wait-boxes.js';
import { questionCard, toolCallCard, type QuestionItem, type ToolCallItem } from './inbox-waits.js';
import { approvalBox, type Decider } from './tool-parts.js';

interface PendingApproval {
  approvalId: string;
  toolName: string;
  input: Record<string, unknown>;
  requestedAt: string;
  path?: string[];
  /** Who may decide: names and `role:<role>` entries; absent = anyone. */
  approvers?: string[];
  /** When the approval times out, and what happens then. */
  deadline?: { at: string; onTimeout: string };
  /** Approvals that need several approvers: how many have approved so far. */
  quorum?: { needed: number; votes: unknown[] };
  interrupt?: { description?: string };
  /** The tool's model judge escalated the call to people, and why. */
  judge?: { model: string; reason: string };
}

interface Item {
  runId: string;
  agentId: string;
  threadId?: string;
  /** Set when the run is a fork of another run. */
  forkOf?: { workflowId: string; step: number };
  approval: PendingApproval;
}

/** Mounts the inbox into `root`. */
export function mountInbox(root: HTMLElement): () => void {
  const list = h('div', { class: 'inbox-list' });
  const problems = new Map<string, string>();
  let items: Item[] = [];
  let questions: QuestionItem[] = [];
  let toolCalls: ToolCallItem[] = [];
  let loading = false;

  const refresh = async () => {
    loading = true;
    draw();
    try {
      const [a, q, t] = await Promise.all([
        api<{ approvals: Item[] }>('/approvals'),
        api<{ questions: QuestionItem[] }>('/questions'),
        api<{ toolCalls: ToolCallItem[] }>('/tool-calls'),
      ]);
      items = a.approvals;
      questions = q.questions;
      toolCalls = t.toolCalls;
      problems.delete('list');
    } catch (err) {
      problems.set('list', (err as Error).message);
    }
    loading = false;
    draw();
  };

  const post = (path: string, body: Record<string, unknown>, key: string) =>
    void (async () => {
      try {
        await api(path, { method: 'POST', body });
        problems.delete(key);
        forgetDraft(key);
        await refresh();
      } catch (err) {
        problems.set(key, (err as Error).message);
        draw();
      }
    })();

  const decideOn = (item: Item): Decider => {
    const post = async (body: Record<string, unknown>) => {
      try {
        await api(`/runs/${encodeURIComponent(item.runId)}/approvals/${encodeURIComponent(item.approval.approvalId)}`, { method: 'POST', body });
        problems.delete(item.approval.approvalId);
        await refresh();
      } catch (err) {
        problems.set(item.approval.approvalId, (err as Error).message);
        draw();
      }
    };
    return {
      approve: () => void post({ decision: 'approve' }),
      reject: (_id, reason) => void post({ decision: 'reject', ...(reason.trim() && { reason: reason.trim() }) }),
      edit: (_id, input) => void post({ decision: 'edit', input }),
    };
  };

  function draw(): void {
    const listProblem = problems.get('list');
    list.replaceChildren(
      ...(listProblem ? [h('div', { class: 'problem', role: 'alert' }, listProblem)] : []),
      ...(items.length === 0 && !loading && !listProblem ? [h('p', { class: 'empty' }, 'No approvals waiting.')] : []),
      ...items.map((item) => card(item)),
      ...(questions.length > 0 ? [h('h2', {}, 'Questions for you'), ...questions.map((q) => questionCard(q, post, problems.get(q.question.questionId)))] : []),
      ...(toolCalls.length > 0 ? [h('h2', {}, 'Client tool calls waiting for a result'), ...toolCalls.map((t) => toolCallCard(t, post, problems.get(t.call.toolCallId)))] : []),
    );
  }

  function card(item: Item): HTMLElement {
    const { approval } = item;
    const problem = problems.get(approval.approvalId);
    return h(
      'article',
      { class: 'inbox-item', 'data-approval-id': approval.approvalId, 'data-run-id': item.runId },
      h('div', { class: 'tool-name' }, `tool ${approval.toolName}`, approval.path ? ` (from sub-agent ${approval.path.join(' → ')})` : ''),
      h(
        'dl',
        {},
        h('dt', {}, 'run'),
        h(
          'dd',
          {},
          item.runId,
          ' · agent ',
          item.agentId,
          ...(item.threadId ? [' · ', h('a', { href: `#/chat/${encodeURIComponent(item.threadId)}` }, `thread ${item.threadId}`)] : []),
          ...(item.forkOf ? [' · ', h('span', { class: 'fork-of' }, `fork of ${item.forkOf.workflowId} at step ${item.forkOf.step}`)] : []),
        ),
        h('dt', {}, 'requested'),
        h('dd', {}, time(approval.requestedAt)),
        h('dt', {}, 'who may decide'),
        h(
          'dd',
          {},
          approval.approvers?.length ? approval.approvers.join(', ') : 'anyone',
          approval.quorum ? ` · ${approval.quorum.votes.length} of ${approval.quorum.needed} approvals given` : '',
        ),
        h('dt', {}, 'deadline'),
        h('dd', {}, approval.deadline ? `${time(approval.deadline.at)}, then ${approval.deadline.onTimeout}` : 'none'),
      ),
      approval.interrupt?.description ? h('p', {}, approval.interrupt.description) : null,
      approval.judge ? h('p', { class: 'judge-note' }, `Judge ${approval.judge.model} escalated: ${approval.judge.reason}`) : null,
      approvalBox(approval.approvalId, approval.input, decideOn(item), draw),
      problem ? h('div', { class: 'problem', role: 'alert' }, problem) : null,
    );
  }

  root.replaceChildren(
    h('section', { class: 'inbox' }, h('div', { class: 'toolbar' }, h('h1', {}, 'Pending approvals'), h('button', { onclick: () => void refresh() }, 'Refresh')), list),
  );
  void refresh();
  return () => {};
}
