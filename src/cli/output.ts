/**
 * Terminal output: colours only on a TTY (and never with NO_COLOR), shell-ready commands for
 * deciding approvals, and the human-readable run status. Pure formatting, no I/O besides `out`/`err`.
 */
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE } from '../common/defaults.js';
import type { ApprovalRecord, DecisionResult, PendingApproval, PendingQuestion, QuestionRecord, RunState, RunStatus } from '../workflows/run/contract.js';
import { isApprovalProgress } from '../workflows/run/contract.js';
import { approversInWords, decideCommands as decideCommandsFor, shellQuote } from '../workflows/run/decide-commands.js';
import { deadlineInWords } from '../workflows/run/ui-details.js';

type Paint = (s: string) => string;

function palette(stream: NodeJS.WriteStream) {
  const on = Boolean(stream.isTTY) && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
  const sgr = (open: number, close: number): Paint => (on ? (s) => `\x1b[${open}m${s}\x1b[${close}m` : (s) => s);
  return {
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** Colours for stdout; they vanish when stdout is a pipe or file. */
export const c = palette(process.stdout);
/** Colours for stderr (progress and warnings), judged by stderr's own TTY-ness. */
export const cErr = palette(process.stderr);

/** Writes lines to stdout. */
export function out(...lines: string[]): void {
  process.stdout.write(lines.map((l) => `${l}\n`).join(''));
}

/** Writes lines to stderr (progress and warnings, so stdout stays machine-readable). */
export function err(...lines: string[]): void {
  process.stderr.write(lines.map((l) => `${l}\n`).join(''));
}

export function paintState(state: RunState | undefined): string {
  if (state === undefined) return c.dim('-');
  if (state === 'completed') return c.green(state);
  if (state === 'waiting_for_approval') return c.yellow(state);
  if (state === 'failed' || state === 'cancelled') return c.red(state);
  if (state === 'queued' || state === 'starting') return c.dim(state);
  return c.cyan(state);
}

export { shellQuote };

/** Where decide commands must point; flags are only spelled out when they differ from the defaults. */
export interface Target {
  address: string;
  namespace: string;
  /** How to call the Temporal CLI in printed commands (see `temporalCommand()`); default `temporal`. */
  temporal?: string;
}

function targetFlags(t: Target): string {
  return [
    t.address !== DEFAULT_ADDRESS ? ` --address ${shellQuote(t.address)}` : '',
    t.namespace !== DEFAULT_NAMESPACE ? ` --namespace ${shellQuote(t.namespace)}` : '',
  ].join('');
}

/** The exact commands that decide one approval: ours (update) and the stock Temporal CLI (signal). */
export function decideCommands(runId: string, approval: Pick<PendingApproval, 'approvalId' | 'approvers'>, target: Target) {
  return decideCommandsFor(runId, approval, { flags: targetFlags(target), ...(target.temporal !== undefined && { temporal: target.temporal }) });
}

export function compactJson(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** A pending approval with the commands that decide it. */
export function formatPending(runId: string, p: PendingApproval, target: Target, indent = '  '): string[] {
  const cmds = decideCommands(runId, p, target);
  return [
    `${indent}${c.bold(p.approvalId)}  ${c.cyan(p.toolName)}  (step ${p.step}, requested ${p.requestedAt})`,
    ...delegatedLines(p, `${indent}  `),
    ...quorumLines(p, `${indent}  `),
    ...(p.judge ? [`${indent}  judge:   ${p.judge.model} escalated: ${p.judge.reason}`] : []),
    `${indent}  input:   ${compactJson(p.input)}`,
    `${indent}  who:     ${approversInWords(p.approvers) ?? 'anyone'}   ${c.dim(deadlineInWords(p.deadline))}`,
    `${indent}  approve: ${cmds.approve}`,
    `${indent}  reject:  ${cmds.reject}`,
    `${indent}  signal:  ${cmds.signal}`,
  ];
}

/**
 * For a sub-agent's approval: which agents it came through and where it waits. The decide
 * commands around it still name the run they were printed for (the top-level run).
 */
export function delegatedLines(p: Pick<PendingApproval, 'path' | 'origin'>, indent = '    '): string[] {
  if (!p.path) return [];
  const where = p.origin ? `  ${c.dim(`(waits in run ${p.origin.runId} as ${p.origin.approvalId})`)}` : '';
  return [`${indent}from:    sub-agent ${p.path.join(' → ')}${where}`];
}

const PAST: Record<ApprovalRecord['decision'], string> = { approve: 'approved', reject: 'rejected', edit: 'edited' };

/** What an approval that needs several approvers has so far: `needs 2 approvals (rule …): 1 so far (alice)`. */
function quorumLines(p: PendingApproval, indent: string): string[] {
  const q = p.quorum;
  if (!q) return [];
  const who = q.approvers ? `, from ${q.approvers.join(', ')}` : '';
  const so = q.votes.length ? `: ${q.votes.length} so far (${q.votes.map((v) => v.approver).join(', ')})` : '';
  return [`${indent}needs:   ${q.needed} approval${q.needed > 1 ? 's' : ''}${who} (rule ${q.rule})${so}`];
}

/**
 * One decided approval: who, how, why, and the input the tool ran with; or, for an approval that
 * still needs more approvers, the approval just counted.
 */
/** An answered `ask_human` question, as `harness answer` and `harness status` print it. */
export function formatAnswer(r: QuestionRecord, indent = '  '): string[] {
  return [
    `${indent}${c.bold(r.questionId)}  ${c.green('answered')}${r.answeredBy ? ` by ${r.answeredBy}` : ''} at ${r.answeredAt}`,
    `${indent}  question: ${r.question}`,
    `${indent}  answer:   ${r.answer}`,
  ];
}

/** A pending `ask_human` question, with the command that answers it. */
export function formatQuestion(runId: string, q: PendingQuestion, indent = '  '): string[] {
  return [
    `${indent}${c.bold(q.questionId)}  ${c.cyan('ask_human')}  ${c.dim(`step ${q.step}, asked ${q.askedAt}`)}`,
    `${indent}  question: ${q.question}`,
    `${indent}  answer:   ${c.dim(`harness answer ${shellQuote(runId)} "…" --question ${shellQuote(q.questionId)}`)}`,
  ];
}

export function formatDecision(r: DecisionResult, indent = '  '): string[] {
  if (isApprovalProgress(r)) {
    const last = r.quorum.votes[r.quorum.votes.length - 1];
    return [
      `${indent}${c.bold(r.approvalId)}  ${c.cyan(r.toolName)}  ${c.green('approval counted')}${last ? ` for ${last.approver}` : ''}: ` +
        `${r.quorum.votes.length} of ${r.quorum.needed}, still pending (rule ${r.quorum.rule})`,
    ];
  }
  const verb = r.decision === 'reject' ? c.red(PAST[r.decision]) : c.green(PAST[r.decision]);
  const lines = [
    `${indent}${c.bold(r.approvalId)}  ${c.cyan(r.toolName)}  ${verb}${r.approver ? ` by ${r.approver}` : ''} via ${r.via} at ${r.decidedAt}`,
    ...(r.path ? [`${indent}  from:   sub-agent ${r.path.join(' → ')}`] : []),
  ];
  if (r.rule) lines.push(`${indent}  rule:   ${r.rule}`);
  if (r.judge) lines.push(`${indent}  judge:  ${r.judge.model} ${r.judge.decision === 'approve' ? 'approved' : 'escalated'}${r.via === 'judge' ? '' : `: ${r.judge.reason}`}`);
  if (r.votes) lines.push(`${indent}  approvals: ${r.votes.map((v) => v.approver).join(', ')}`);
  if (r.reason) lines.push(`${indent}  reason: ${r.reason}`);
  if (r.decision === 'edit') {
    lines.push(`${indent}  input:  ${compactJson(r.input)}`, `${indent}  (model asked for ${compactJson(r.requestedInput)})`);
  } else {
    lines.push(`${indent}  input:  ${compactJson(r.input)}`);
  }
  return lines;
}

/** Indents a multi-line text block. */
export function block(text: string, indent = '  '): string[] {
  return text.split('\n').map((l) => `${indent}${l}`);
}

/** The human-readable `harness status`. */
export function formatStatus(s: RunStatus, target: Target): string[] {
  const lines = [
    `${c.bold(s.runId)}  ${paintState(s.state)}`,
    `  agent:  ${s.agentId}${s.threadId ? `   thread: ${s.threadId}` : ''}`,
    ...(s.parent
      ? [`  parent: ${s.parent.workflowId} (sub-agent ${[...s.parent.path, s.agentId].join(' → ')}; its approvals are also decided there)`]
      : []),
    ...(s.forkOf ? [`  fork of: ${s.forkOf.workflowId} at step ${s.forkOf.step} (steps up to it are that run's)`] : []),
    `  steps:  ${s.step}   tokens: ${s.usage.totalTokens} (in ${s.usage.inputTokens} / out ${s.usage.outputTokens})`,
  ];
  if (s.routing && s.routing.via !== 'explicit') {
    lines.push(`  routed: requested ${s.routing.requestedAgentId} → ${s.routing.selectedAgentId} (${s.routing.via}: ${s.routing.reason})`);
  }
  if (s.policy?.matchedPolicies.length) lines.push(`  policies: ${s.policy.matchedPolicies.join(', ')}`);
  if (s.policy && !s.policy.allowed) {
    lines.push('', c.bold(c.red('Refused by policy:')), ...s.policy.reasons.map((r) => `  - ${r}`));
  }
  if (s.pendingApprovals.length) {
    lines.push('', c.bold(`Pending approvals (${s.pendingApprovals.length}):`));
    for (const p of s.pendingApprovals) lines.push(...formatPending(s.runId, p, target));
  }
  const questions = s.pendingQuestions ?? [];
  if (questions.length) {
    lines.push('', c.bold(`Pending questions (${questions.length}):`));
    for (const q of questions) lines.push(...formatQuestion(s.runId, q));
  }
  const calls = s.pendingToolCalls ?? [];
  if (calls.length) {
    lines.push('', c.bold(`Client tool calls waiting for a result (${calls.length}):`));
    for (const p of calls) lines.push(`  ${c.bold(p.toolCallId)}  ${c.cyan(p.toolName)}  input: ${compactJson(p.input)}  ${c.dim(`(POST /runs/${s.runId}/tool-calls/${p.toolCallId})`)}`);
  }
  if (s.questions?.length) {
    lines.push('', c.bold(`Answered questions (${s.questions.length}):`));
    for (const r of s.questions) lines.push(...formatAnswer(r));
  }
  if (s.approvals.length) {
    lines.push('', c.bold(`Decisions (${s.approvals.length}):`));
    for (const r of s.approvals) lines.push(...formatDecision(r));
  }
  if (s.ignoredDecisions.length) {
    const shown = s.ignoredDecisionCount > s.ignoredDecisions.length ? `latest ${s.ignoredDecisions.length} of ${s.ignoredDecisionCount}` : `${s.ignoredDecisions.length}`;
    lines.push('', c.bold(`Ignored decisions (${shown}):`) + c.dim('  signals the run refused; nothing changed'));
    for (const i of s.ignoredDecisions) {
      const { bytes, sha256, head, truncated } = i.payload;
      lines.push(`  ${i.receivedAt}  ${c.red(i.reason)}`, `    payload: ${head}${truncated ? '…' : ''}  ${c.dim(`(${bytes} bytes, sha256 ${sha256.slice(0, 16)}…)`)}`);
    }
  }
  if (s.output !== undefined) lines.push('', c.bold('Output:'), ...block(s.output));
  if (s.error !== undefined) lines.push('', c.bold(c.red('Error:')), ...block(s.error));
  return lines;
}

/** A plain text table; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [c.bold(line(headers)), ...rows.map(line)];
}
