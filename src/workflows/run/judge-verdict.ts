/**
 * The rules of a tool's model judge, as plain functions (unit-tested without a server): when it
 * is asked, what it is shown, and how whatever comes back becomes a verdict. A judge may only
 * approve or escalate; every other outcome — a `reject`, an unreadable answer, a failure — is an
 * escalation with the reason why, so a judge can never silently refuse a call or fail a run.
 */
import type { ApprovalRuleSpec } from './approval-rules.js';
import type { ToolSpec } from './agent-spec.js';
import { JUDGE_LIMITS, type JudgeVerdict } from './contract.js';
import type { TranscriptMessage } from '../shared/conversation.js';

/** What the judge activity is given: the call (bounded), and maybe the user's latest message. */
export interface JudgeCallInput {
  agentId: string;
  toolName: string;
  toolCallId: string;
  /** The workspace model that judges (the activity refuses a model the tool's judge does not name). */
  model: string;
  /** The call's arguments as JSON, cut to `JUDGE_LIMITS.argumentsChars`. */
  arguments: string;
  /** The run's latest user message, cut to `JUDGE_LIMITS.userMessageChars`. */
  userMessage?: string;
}

/** What the judge activity answers: its reading of the model's answer (see `judge-answer.ts`). */
export interface JudgeAnswer {
  decision: 'approve' | 'escalate';
  reason: string;
  fallback?: 'reject_answer' | 'invalid_answer';
  usage?: { inputTokens: number; outputTokens: number; totalTokens: number };
}

/**
 * Whether the tool's judge looks at a call: only when the tool has one and no approval rule
 * matched. A rule that decides needs no judge; a rule that asks people (`decide: ask`) says who
 * decides — with `approvals: 2` several people — and a model must not stand in for them.
 */
export function judgeApplies(spec: Pick<ToolSpec, 'judge'>, rule: ApprovalRuleSpec | undefined): boolean {
  return spec.judge !== undefined && rule === undefined;
}

/** The judge activity's input for `call`, every caller-controlled text cut to its bound. */
export function judgeInput(
  agentId: string,
  call: { id: string; name: string; args: Record<string, unknown> },
  model: string,
  transcript: readonly TranscriptMessage[] | undefined,
): JudgeCallInput {
  const lastUser = transcript && [...transcript].reverse().find((m) => m.role === 'user');
  return {
    agentId,
    toolName: call.name,
    toolCallId: call.id,
    model,
    arguments: cut(JSON.stringify(call.args) ?? '{}', JUDGE_LIMITS.argumentsChars),
    ...(lastUser && { userMessage: cut(lastUser.content, JUDGE_LIMITS.userMessageChars) }),
  };
}

/**
 * The verdict recorded for what the judge activity returned. Checked again here, not trusted: an
 * answer that is not an approve or escalate with a reason escalates.
 */
export function verdictFrom(answer: unknown, model: string): JudgeVerdict {
  const a = answer as Partial<JudgeAnswer> | null | undefined;
  const reason = typeof a?.reason === 'string' && a.reason.trim() ? a.reason.trim() : undefined;
  if (a && (a.decision === 'approve' || a.decision === 'escalate') && reason !== undefined) {
    const fallback = a.decision === 'escalate' && (a.fallback === 'reject_answer' || a.fallback === 'invalid_answer') ? a.fallback : undefined;
    return { decision: a.decision, reason: cut(reason, JUDGE_LIMITS.reasonChars), model, ...(fallback && { fallback }) };
  }
  return { decision: 'escalate', reason: 'The judge gave no usable answer, so a person decides.', model, fallback: 'invalid_answer' };
}

/** The verdict when the judge failed or timed out after its retries: a person decides. */
export function failedVerdict(error: string, model: string): JudgeVerdict {
  return { decision: 'escalate', reason: cut(`The judge failed (${error}), so a person decides.`, JUDGE_LIMITS.reasonChars), model, fallback: 'failed' };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
