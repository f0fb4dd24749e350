/**
 * Gating a step's tool calls that need approval, before any runs: approval rules on the
 * arguments first (they may approve or reject outright, or say who must decide), then standing
 * grants (a call a grant covers is approved without asking), then people. Every automatic
 * decision is recorded with how it came (`via: "policy"` / `"grant"`) and why.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';
import { firstMatchingRule } from './approval-rules.js';
import { now, type RunParts } from './parts.js';

// A grant lookup is one query to the agent's grants keeper: quick, and safe to repeat.
const grants = proxyLocalActivities<HarnessActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 5, initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '2s' },
});

/** Decides or parks every call of `calls` that needs approval; people are asked only for those left. */
export async function gateToolCalls({ ledger, events, lifecycle, input }: RunParts, calls: ToolCall[]): Promise<void> {
  const gated = calls.filter((c) => !c.invalid && ledger.tool(c.name)?.requiresApproval);
  let asked = 0;
  for (const call of gated) {
    const spec = ledger.tool(call.name)!;
    const rule = firstMatchingRule(spec.approvalRules, call.args);
    if (rule && rule.decide !== 'ask') {
      ledger.decideByRule(call, { ...rule, decide: rule.decide }, now());
      continue;
    }
    // A rule that asks names its own approvers: a grant (given under the tool's approvers) covers only calls no rule matched.
    if (!rule && spec.grantScopes?.length) {
      const grant = await grants.findGrant({
        agentId: ledger.agentId,
        toolName: call.name,
        input: call.args,
        ...(input.threadId !== undefined && { threadId: input.threadId }),
      });
      if (grant) {
        ledger.decideByGrant(call, grant, now());
        continue;
      }
    }
    events.emit({ type: 'approval.requested', approval: ledger.requestApproval(call, now(), undefined, rule) });
    asked += 1;
  }
  if (asked) lifecycle.approvalsChanged();
}
