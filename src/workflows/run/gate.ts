/**
 * Gating a step's tool calls that need approval, before any runs: approval rules on the
 * arguments first (they may approve or reject outright, or say who must decide), then standing
 * grants (a call a grant covers is approved without asking), then the tool's model judge (it may
 * approve, or escalate to people), then people. Every automatic decision is recorded with how it
 * came (`via: "policy"` / `"grant"` / `"judge"`) and why.
 */
import { ActivityFailure, isCancellation, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import type { ApprovalGrant } from '../grants/contract.js';
import type { ToolCall } from '../shared/conversation.js';
import { describeFailure, formatMs, timeoutIn } from '../shared/failures.js';
import type { JudgeSettings } from './agent-spec.js';
import { firstMatchingRule, type ApprovalRuleSpec } from './approval-rules.js';
import type { JudgeVerdict } from './contract.js';
import { failedVerdict, judgeApplies, judgeInput, verdictFrom } from './judge-verdict.js';
import { now, type RunParts } from './parts.js';

// A grant lookup is one query to the agent's grants keeper: quick, and safe to repeat.
const grants = proxyLocalActivities<HarnessActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5, initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2s' },
});

/** How one gated call is settled: decided without a person, or asked (with the rule that asks, or the judge's escalation). */
type Gate =
  | { by: 'rule'; rule: ApprovalRuleSpec & { decide: 'approve' | 'reject' } }
  | { by: 'grant'; grant: ApprovalGrant }
  | { by: 'judge'; verdict: JudgeVerdict & { decision: 'approve' } }
  | { by: 'people'; rule?: ApprovalRuleSpec; judge?: JudgeVerdict };

/** Whether any call of `calls` needs approval (`gateToolCalls` has something to do). */
export function hasGatedCalls(ledger: RunParts['ledger'], calls: ToolCall[]): boolean {
  return calls.some((c) => isGated(ledger, c));
}

function isGated(ledger: RunParts['ledger'], call: ToolCall): boolean {
  return !call.invalid && ledger.tool(call.name)?.requiresApproval === true;
}

/**
 * Decides or parks every call of `calls` that needs approval; people are asked only for those left.
 * Undefined when that is done already: with no grant to look up and no judge to ask, gating makes
 * no promise (each one costs the SDK a stack capture).
 */
export function gateToolCalls(parts: RunParts, calls: ToolCall[]): Promise<void> | undefined {
  const gated = calls.filter((c) => isGated(parts.ledger, c));
  const settled = gated.map((call) => gateNow(parts, call));
  if (settled.every((g) => g !== undefined)) return applyGates(parts, gated, settled as Gate[]);
  // Lookups and judges of the step's calls run side by side; their outcomes apply in call order,
  // so records and events keep the model's order whatever finished first.
  return Promise.all(gated.map((call, i) => settled[i] ?? gateOf(parts, call))).then((gates) => applyGates(parts, gated, gates));
}

function applyGates({ ledger, events, lifecycle }: RunParts, gated: ToolCall[], gates: Gate[]): undefined {
  let asked = 0;
  gated.forEach((call, i) => {
    const gate = gates[i]!;
    if (gate.by === 'rule') ledger.decideByRule(call, gate.rule, now());
    else if (gate.by === 'grant') ledger.decideByGrant(call, gate.grant, now());
    else if (gate.by === 'judge') ledger.decideByJudge(call, gate.verdict, now());
    else {
      events.emit({ type: 'approval.requested', approval: ledger.requestApproval(call, now(), undefined, gate.rule, gate.judge) });
      asked += 1;
    }
  });
  if (asked) lifecycle.approvalsChanged();
  return undefined;
}

/** How `call` is settled when that needs no activity (a rule that decides, or people to ask); undefined when it needs a grant lookup or the judge. */
function gateNow({ ledger }: RunParts, call: ToolCall): Gate | undefined {
  const spec = ledger.tool(call.name)!;
  const rule = firstMatchingRule(spec.approvalRules, call.args);
  if (rule && rule.decide !== 'ask') return { by: 'rule', rule: { ...rule, decide: rule.decide } };
  if (!rule && spec.grantScopes?.length) return undefined;
  if (!judgeApplies(spec, rule)) return { by: 'people', ...(rule && { rule }) };
  return undefined;
}

/** How `call` is settled after a grant lookup (when no rule matched and the tool allows grants) or the judge. */
async function gateOf({ ledger, input }: RunParts, call: ToolCall): Promise<Gate> {
  const spec = ledger.tool(call.name)!;
  const rule = firstMatchingRule(spec.approvalRules, call.args);
  // A rule that asks names its own approvers: a grant (given under the tool's approvers) covers only calls no rule matched.
  if (!rule && spec.grantScopes?.length) {
    const grant = await grants.findGrant({
      agentId: ledger.agentId,
      toolName: call.name,
      input: call.args,
      ...(input.threadId !== undefined && { threadId: input.threadId }),
    });
    if (grant) return { by: 'grant', grant };
  }
  if (!judgeApplies(spec, rule)) return { by: 'people', ...(rule && { rule }) };
  const verdict = await askJudge({ ledger }, call, spec.judge!);
  if (verdict.decision === 'approve') return { by: 'judge', verdict: { ...verdict, decision: 'approve' } };
  return { by: 'people', judge: verdict };
}

/**
 * One judge activity for `call`, with the judge's retries and a bound on the whole of it. Whatever
 * goes wrong — retries used up, the bound passed — escalates: a judge never fails the run.
 */
async function askJudge({ ledger }: Pick<RunParts, 'ledger'>, call: ToolCall, judge: JudgeSettings): Promise<JudgeVerdict> {
  const { judgeToolCall } = proxyActivities<HarnessActivities>({
    startToCloseTimeout: judge.timeoutMs,
    scheduleToCloseTimeout: judge.timeoutMs,
    retry: { maximumAttempts: judge.maxAttempts, initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s' },
  });
  try {
    const answer = await judgeToolCall.executeWithOptions({ summary: `judge ${call.name} (${judge.model})` }, [
      judgeInput(ledger.agentId, call, judge.model, judge.includeUserMessage ? ledger.transcript : undefined),
    ]);
    ledger.addUsage(answer.usage, judge.pricing);
    return verdictFrom(answer, judge.model);
  } catch (err) {
    if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
    const what = timeoutIn(err) ? `no answer within its timeout of ${formatMs(judge.timeoutMs)}` : describeFailure(err);
    return failedVerdict(what, judge.model);
  }
}
