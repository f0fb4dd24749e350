/**
 * Hand-written Temporal workflows the harness is measured against. Deliberately minimal: the
 * transcript lives in a local array, each model call and tool call is one activity, an approval
 * is one `condition` on a signal or an update. No routing/policy activity, no search attributes,
 * no per-activity summaries, no timeouts, no state machine — only what the scenario needs.
 *
 * - `baselineAgent` with `activities: 'baseline'`: the floor — our scripted model and tools called
 *   through bench/activities.ts, the transcript passed in every model-call input.
 * - `baselineAgent` with `activities: 'harness'`: the same workflow calling the harness's own
 *   `callModel` / `callTool` (which read the transcript and tool context back by query), to split
 *   "what our activities cost" from "what agentRun adds".
 * - `naiveAgent`: the naive long-conversation design (full transcript into every model call),
 *   for the history-growth benchmark.
 */
import { ApplicationFailure, condition, proxyActivities, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { HarnessActivities } from '../../src/activities/index.js';
import {
  approvalDecisionSignal,
  decideApprovalUpdate,
  toolContextQuery,
  transcriptQuery,
} from '../../src/workflows/run/contract.js';
import type { ApprovalDecisionInput, ApprovalRecord } from '../../src/workflows/run/contract.js';
import type { ModelTurn } from '../../src/activities/call-model.js';
import type { ToolCall, TranscriptMessage } from '../../src/workflows/shared/conversation.js';
import type { ToolResult } from '../../src/activities/call-tool.js';
import type { BaselineActivities } from '../activities.js';
import { baselineStatusQuery } from './messages.js';

export interface BaselineAgentInput {
  agentId: string;
  input: string;
  /** Tool calls wait for a decision (signal `approvalDecision` or update `decideApproval`). */
  approval?: boolean;
  /** Which activities do the work (see the file comment). @default 'baseline' */
  activities?: 'baseline' | 'harness';
  /**
   * Run the baseline activities as local activities (in the workflow task's worker, recorded as
   * markers): no activity task to dispatch, no pending-activity row. What local activities would buy.
   * @default false
   */
  local?: boolean;
  /**
   * Only the tool calls as local activities (model calls stay activities): what agentRun does
   * with a tool declared local.
   * @default false
   */
  localTool?: boolean;
  /** @default 200 */
  maxSteps?: number;
}

export interface BaselineAgentResult {
  output: string;
  steps: number;
  /** The whole conversation, as agentRun returns it, so result payloads compare like for like. */
  messages: TranscriptMessage[];
}


// The same timeouts and retry budgets as agentRun's defaults (limits in the workspace schema).
const baseline = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 5 },
});
const baselineTools = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 3 },
});
// Local twins of the two above: same timeouts and retries, run inside the workflow task's worker.
const baselineLocal = proxyLocalActivities<BaselineActivities>({
  startToCloseTimeout: '2m',
  retry: { maximumAttempts: 5 },
});
const baselineToolsLocal = proxyLocalActivities<BaselineActivities>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 3 },
});
const harness = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: '30s',
  retry: { maximumAttempts: 5 },
});
const harnessTools = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

export async function baselineAgent(input: BaselineAgentInput): Promise<BaselineAgentResult> {
  const transcript: TranscriptMessage[] = [{ role: 'user', content: input.input }];
  const useHarness = input.activities === 'harness';
  let step = 0;
  let pendingApprovalId: string | undefined;
  let decision: ApprovalDecisionInput | undefined;

  setHandler(baselineStatusQuery, () => ({ step, ...(pendingApprovalId !== undefined && { pendingApprovalId }) }));
  if (useHarness) {
    setHandler(transcriptQuery, (q) => (q?.upTo === undefined ? transcript : transcript.slice(0, q.upTo)));
    setHandler(toolContextQuery, () => ({ context: {}, state: {}, files: [] }));
  }
  if (input.approval) {
    setHandler(approvalDecisionSignal, (d) => {
      if (d.approvalId === pendingApprovalId && decision === undefined) decision = d;
    });
    setHandler(
      decideApprovalUpdate,
      (d): ApprovalRecord => {
        decision = d;
        return { approvalId: d.approvalId, toolName: '', decision: d.decision, requestedInput: {}, input: d.input ?? {}, decidedAt: '', via: 'update' };
      },
      {
        validator: (d) => {
          if (d.approvalId !== pendingApprovalId || decision !== undefined) {
            throw ApplicationFailure.create({ type: 'UNKNOWN_APPROVAL', message: `no pending approval ${d.approvalId}`, nonRetryable: true });
          }
        },
      },
    );
  }

  const maxSteps = input.maxSteps ?? 200;
  while (step < maxSteps) {
    step += 1;
    const turn: ModelTurn = useHarness
      ? await harness.callModel({ agentId: input.agentId, step, transcriptLength: transcript.length })
      : await (input.local ? baselineLocal : baseline).baselineCallModel({ agentId: input.agentId, transcript });
    transcript.push({ role: 'assistant', content: turn.content, toolCalls: turn.toolCalls });
    if (turn.toolCalls.length === 0) return { output: turn.content, steps: step, messages: transcript };
    for (const call of turn.toolCalls) {
      if (input.approval) {
        pendingApprovalId = call.id;
        await condition(() => decision !== undefined);
        pendingApprovalId = undefined;
        decision = undefined;
      }
      const result = await callTool(input.agentId, call, useHarness, input.local === true || input.localTool === true);
      transcript.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError });
    }
  }
  throw ApplicationFailure.create({ type: 'MAX_STEPS_EXCEEDED', message: `over ${maxSteps} steps`, nonRetryable: true });
}

function callTool(agentId: string, call: ToolCall, useHarness: boolean, local: boolean): Promise<ToolResult> {
  const input = { agentId, toolName: call.name, toolCallId: call.id, input: call.args };
  if (useHarness) return harnessTools.callTool(input);
  return (local ? baselineToolsLocal : baselineTools).baselineCallTool(input);
}

/** The naive long-conversation design: the whole transcript in every model-call activity input. */
export async function naiveAgent(input: { agentId: string; input: string; maxSteps?: number }): Promise<BaselineAgentResult> {
  return baselineAgent({ ...input, activities: 'baseline' });
}
