/**
 * The model judge's plain rules, without a server: when it is asked, what it is shown (bounded),
 * how its answer reads (only approve or escalate; a reject or garbage escalates), how the ledger
 * records its approval and its escalation, and the workspace config's errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { judgeSystemPrompt, judgeUserPrompt, parseJudgeAnswer } from '../../src/activities/judge-answer.js';
import type { ApprovalRuleSpec } from '../../src/workflows/run/approval-rules.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import { formatDecision, formatStatus } from '../../src/cli/output.js';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE } from '../../src/common/defaults.js';
import { JUDGE_LIMITS, type PendingApproval, type RunStatus } from '../../src/workflows/run/contract.js';
import { currentDetails } from '../../src/workflows/run/ui-details.js';
import { failedVerdict, judgeApplies, judgeInput, verdictFrom } from '../../src/workflows/run/judge-verdict.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import { agentSpec } from '../../src/workspace/agent-spec.js';
import { loadWorkspace, parseWorkspaceText, WorkspaceError } from '../../src/workspace/index.js';
import { TEST_TOOLS, tempDir } from '../support/paths.js';

const judge = { model: 'j', timeoutMs: 30_000, maxAttempts: 3, includeUserMessage: true };
const ask: ApprovalRuleSpec = { name: 'big', when: {}, decide: 'ask', approvals: 2 };

describe('when the judge is asked', () => {
  it('only for a tool with a judge and a call no rule matched', () => {
    expect(judgeApplies({ judge }, undefined)).toBe(true);
    expect(judgeApplies({}, undefined)).toBe(false);
    // A rule that asks people (two of them here) is never shortcut by the judge; nor one asking one person.
    expect(judgeApplies({ judge }, ask)).toBe(false);
    expect(judgeApplies({ judge }, { ...ask, approvals: 1 })).toBe(false);
  });

  it('sees the call and the latest user message, each cut to its bound', () => {
    const call = { id: 'c1', name: 'refund', args: { note: 'x'.repeat(10_000) } };
    const transcript = [
      { role: 'user' as const, content: 'first' },
      { role: 'assistant' as const, content: '', toolCalls: [] },
      { role: 'user' as const, content: 'y'.repeat(5000) },
    ];
    const input = judgeInput('a', call, 'j', transcript);
    expect(input).toMatchObject({ agentId: 'a', toolName: 'refund', toolCallId: 'c1', model: 'j' });
    expect(input.arguments).toHaveLength(JUDGE_LIMITS.argumentsChars);
    expect(input.arguments.endsWith('…')).toBe(true);
    expect(input.userMessage).toHaveLength(JUDGE_LIMITS.userMessageChars);
    expect(input.userMessage!.startsWith('yyy')).toBe(true);
    expect(judgeInput('a', { id: 'c1', name: 'refund', args: { amount: 5 } }, 'j', undefined)).toEqual({
      agentId: 'a',
      toolName: 'refund',
      toolCallId: 'c1',
      model: 'j',
      arguments: '{"amount":5}',
    });
  });

  it('is prompted with the instructions, the answer format, and the call as data', () => {
    const system = judgeSystemPrompt('Approve refunds for late deliveries.');
    expect(system).toContain('Approve refunds for late deliveries.');
    expect(system).toContain('{"decision": "approve" | "escalate", "reason": "<one sentence>"}');
    expect(system).toContain('You cannot reject');
    expect(judgeUserPrompt({ agentId: 'a', toolName: 'refund', toolCallId: 'c', model: 'j', arguments: '{"amount":5}', userMessage: 'refund "it"' })).toBe(
      'Tool: refund\nArguments (JSON): {"amount":5}\nThe user\'s latest message: "refund \\"it\\""',
    );
  });
});

describe("reading the judge's answer", () => {
  it('takes approve and escalate with a reason, fenced or with prose around', () => {
    expect(parseJudgeAnswer('{"decision": "approve", "reason": "late delivery"}')).toEqual({ decision: 'approve', reason: 'late delivery' });
    expect(parseJudgeAnswer('Sure.\n```json\n{"decision":"Escalate","reason":" unusual amount "}\n```')).toEqual({ decision: 'escalate', reason: 'unusual amount' });
  });

  it('turns a reject into an escalation that says so', () => {
    expect(parseJudgeAnswer('{"decision": "reject", "reason": "looks like fraud"}')).toEqual({
      decision: 'escalate',
      reason: 'The judge answered "reject" (looks like fraud); a judge may only approve or escalate, so a person decides.',
      fallback: 'reject_answer',
    });
  });

  it('escalates garbage, an approve without a reason, and never quotes the answer', () => {
    const garbage = parseJudgeAnswer('lol no idea SECRET-ish text');
    expect(garbage).toEqual({ decision: 'escalate', reason: "The judge's answer (27 characters) held no JSON object, so a person decides.", fallback: 'invalid_answer' });
    expect(parseJudgeAnswer('{"decision": "approve"}')).toMatchObject({ decision: 'escalate', fallback: 'invalid_answer' });
    expect(parseJudgeAnswer('{"decision": "approve", "reason": 5}')).toMatchObject({ decision: 'escalate', fallback: 'invalid_answer' });
    expect(parseJudgeAnswer('{broken')).toMatchObject({ decision: 'escalate', fallback: 'invalid_answer' });
  });

  it('cuts a long reason to the bound', () => {
    const long = parseJudgeAnswer(JSON.stringify({ decision: 'approve', reason: 'r'.repeat(5000) }));
    expect(long.reason).toHaveLength(JUDGE_LIMITS.reasonChars);
  });
});

describe('the verdict the workflow records', () => {
  it('checks the activity result again: anything but approve/escalate with a reason escalates', () => {
    expect(verdictFrom({ decision: 'approve', reason: 'fine' }, 'j')).toEqual({ decision: 'approve', reason: 'fine', model: 'j' });
    expect(verdictFrom({ decision: 'escalate', reason: 'odd', fallback: 'reject_answer' }, 'j')).toEqual({ decision: 'escalate', reason: 'odd', model: 'j', fallback: 'reject_answer' });
    for (const bad of [undefined, null, {}, { decision: 'reject', reason: 'no' }, { decision: 'approve', reason: '  ' }, { decision: 'approve' }]) {
      expect(verdictFrom(bad, 'j')).toMatchObject({ decision: 'escalate', fallback: 'invalid_answer', model: 'j' });
    }
    expect(verdictFrom({ decision: 'approve', reason: 'r'.repeat(5000) }, 'j').reason).toHaveLength(JUDGE_LIMITS.reasonChars);
    // An approve can never carry a fallback (only escalations do).
    expect(verdictFrom({ decision: 'approve', reason: 'ok', fallback: 'invalid_answer' }, 'j')).toEqual({ decision: 'approve', reason: 'ok', model: 'j' });
  });

  it('a failed judge escalates with the failure as its reason', () => {
    expect(failedVerdict('Activity task timed out', 'j')).toEqual({
      decision: 'escalate',
      reason: 'The judge failed (Activity task timed out), so a person decides.',
      model: 'j',
      fallback: 'failed',
    });
  });
});

const agent: AgentSpec = {
  agentId: 'a',
  modelId: 'm',
  tools: [{ name: 'refund', description: '', requiresApproval: true, inputSchema: { type: 'object' }, approvers: ['role:finance'], judge }],
  limits: {} as AgentSpec['limits'],
};

describe('the ledger', () => {
  it("records a judge's approval via judge, with its reason and verdict", () => {
    const run = new RunLedger('r1', { agentId: 'a', input: 'refund' });
    run.setAgent(agent);
    const record = run.decideByJudge({ id: 'c1', name: 'refund', args: { amount: 5 } }, { decision: 'approve', reason: 'late delivery', model: 'j' }, 't1');
    expect(record).toEqual({
      approvalId: 'c1',
      toolName: 'refund',
      decision: 'approve',
      requestedInput: { amount: 5 },
      input: { amount: 5 },
      decidedAt: 't1',
      via: 'judge',
      reason: 'late delivery',
      judge: { decision: 'approve', reason: 'late delivery', model: 'j' },
    });
    expect(run.pendingApprovals()).toEqual([]);
  });

  it("shows an escalation's reason on the pending approval and keeps it on the person's decision", () => {
    const run = new RunLedger('r1', { agentId: 'a', input: 'refund' });
    run.setAgent(agent);
    const verdict = { decision: 'escalate' as const, reason: 'unusual amount', model: 'j' };
    const pending = run.requestApproval({ id: 'c1', name: 'refund', args: { amount: 900 } }, 't0', undefined, undefined, verdict);
    expect(pending).toMatchObject({ approvalId: 'c1', approvers: ['role:finance'], judge: verdict });
    expect(pending.quorum).toBeUndefined();
    const record = run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'fin', approverRoles: ['finance'] }, 'update', 't1');
    expect(record).toMatchObject({ decision: 'approve', via: 'update', approver: 'fin', judge: verdict });
  });
});

const ws = (judgeYaml: string, graph = '') => `
tools:
  module: ${JSON.stringify(TEST_TOOLS)}
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
  j: { provider: scripted, pricing: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 }, script: [{ turns: [{ text: '{"decision":"approve","reason":"ok"}' }] }] }
agents:
  - id: a
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        approvers: ["role:finance"]
${judgeYaml}
${graph}`;

function issues(text: string): string {
  try {
    parseWorkspaceText(text, 'harness.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceError);
    return (e as Error).message;
  }
  throw new Error('expected a WorkspaceError');
}

describe('the judge in the workspace file', () => {
  it('loads with defaults into the tool spec the workflow runs', async () => {
    const file = join(tempDir(), 'harness.yaml');
    writeFileSync(file, ws('        judge: { model: j, instructions: "  Approve late-delivery refunds.  " }'));
    const workspace = await loadWorkspace(file);
    expect(workspace.config.agents[0]!.requireApproval[0]).toMatchObject({
      judge: { model: 'j', instructions: 'Approve late-delivery refunds.', timeout: 30_000, maxAttempts: 3, includeUserMessage: true },
    });
    expect(agentSpec(workspace, 'a')!.tools[0]!.judge).toEqual({
      model: 'j',
      timeoutMs: 30_000,
      maxAttempts: 3,
      includeUserMessage: true,
      pricing: { inputPerMillionTokens: 1, outputPerMillionTokens: 2 },
    });
  });

  it('refuses bad judge config, saying what to write', async () => {
    const say = /judge\.instructions: give `instructions`: what the judge may approve and what it must leave to a person/;
    expect(issues(ws('        judge: { model: j }'))).toMatch(say);
    expect(issues(ws('        judge: { model: j, instructions: "  " }'))).toMatch(say);
    expect(issues(ws('        judge: { model: j, instructions: ok, maxAttempts: 0 }'))).toMatch(/judge\.maxAttempts: Too small/);
    expect(issues(ws('        judge: { model: j, instructions: ok, timeout: soon }'))).toMatch(/judge\.timeout: /);
    expect(issues(ws('        judge: { model: j, instructions: ok, mode: strict }'))).toMatch(/judge\.mode: unknown key "mode": remove it or fix its spelling/);
    expect(issues(ws('        judge: gpt'))).toMatch(/judge: expected \{ model: <a model under `models`>, instructions/);
    const file = join(tempDir(), 'harness.yaml');
    writeFileSync(file, ws('        judge: { model: nope, instructions: ok }'));
    await expect(loadWorkspace(file)).rejects.toThrow(/requireApproval\[0\]\.judge\.model.*unknown model "nope"; declared models: m, j/s);
  });
});

describe('where people see the judge', () => {
  const escalated: PendingApproval = {
    approvalId: 'c1',
    toolName: 'refund',
    input: { amount: 900 },
    requestedAt: '2026-01-01T00:00:00.000Z',
    step: 1,
    judge: { decision: 'escalate', reason: 'a gift-card refund is unusual', model: 'j' },
  };
  const status: RunStatus = {
    runId: 'run-1',
    agentId: 'support',
    state: 'waiting_for_approval',
    step: 1,
    pendingApprovals: [escalated],
    approvals: [],
    ignoredDecisions: [],
    ignoredDecisionCount: 0,
    usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    agentState: {},
  };

  it("the Web UI's current details and `harness status` show an escalation's reason", () => {
    expect(currentDetails(status)).toContain('Judge `j` escalated it: a gift-card refund is unusual');
    const printed = stripVTControlCharacters(formatStatus(status, { address: DEFAULT_ADDRESS, namespace: DEFAULT_NAMESPACE }).join('\n'));
    expect(printed).toContain('judge:   j escalated: a gift-card refund is unusual');
  });

  it("`harness status` shows a judge's approval, and a person's decision after an escalation", () => {
    const byJudge = stripVTControlCharacters(
      formatDecision({
        approvalId: 'c2',
        toolName: 'refund',
        decision: 'approve',
        requestedInput: {},
        input: {},
        decidedAt: 't',
        via: 'judge',
        reason: 'late delivery',
        judge: { decision: 'approve', reason: 'late delivery', model: 'j' },
      }).join('\n'),
    );
    expect(byJudge).toContain('approved via judge at t');
    expect(byJudge).toContain('judge:  j approved');
    expect(byJudge).toContain('reason: late delivery');
    const byPerson = stripVTControlCharacters(
      formatDecision({ approvalId: 'c1', toolName: 'refund', decision: 'approve', requestedInput: {}, input: {}, decidedAt: 't', via: 'update', approver: 'sam', judge: escalated.judge }).join('\n'),
    );
    expect(byPerson).toContain('approved by sam via update');
    expect(byPerson).toContain('judge:  j escalated: a gift-card refund is unusual');
  });
});
