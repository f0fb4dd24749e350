/**
 * The run of a graph agent: the agent's LangGraph graph runs in `runGraph` activities, one per
 * segment (from the start or a resume, to the end or the next interrupts). The workflow carries the
 * graph's checkpoint from one segment to the next, turns every interrupt into a pending approval,
 * waits for the decisions (signal or update, like tool approvals), and resumes the graph with them.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { HarnessActivities } from '../activities/index.js';
import { retryPolicy } from './activity-options.js';
import { awaitDecision } from './await-decision.js';
import { messageIdFor } from './events.js';
import { timeoutIn, timeoutReason } from './failures.js';
import type { RunEvents } from './run-events.js';
import type { AgentRunState } from './run-state.js';
import type { AgentPlan, ApprovalRecord, GraphApprovalRequest, GraphResume, RunState, ToolSpec } from './types.js';

/** A segment may hold several model and tool calls; a dead worker is still noticed by heartbeat. */
const DEFAULT_SEGMENT_TIMEOUT_MS = 30 * 60_000;

export async function graphLoop(
  run: AgentRunState,
  plan: AgentPlan,
  setState: (s: RunState) => void,
  events: RunEvents,
): Promise<string> {
  const { limits } = plan;
  const segmentTimeoutMs = limits.graphSegmentTimeoutMs ?? DEFAULT_SEGMENT_TIMEOUT_MS;
  const { runGraph } = proxyActivities<HarnessActivities>({
    startToCloseTimeout: segmentTimeoutMs,
    heartbeatTimeout: limits.heartbeatTimeoutMs,
    retry: { ...retryPolicy(limits.modelRetry), nonRetryableErrorTypes: ['UNKNOWN_AGENT', 'GRAPH_STATE_TOO_LARGE'] },
  });
  const settings = plan.graph ?? {};
  let checkpoint: string | undefined;
  let resume: GraphResume[] | undefined;

  for (;;) {
    if (run.step >= limits.maxSteps) {
      throw ApplicationFailure.create({
        type: 'MAX_STEPS_EXCEEDED',
        nonRetryable: true,
        message: `The graph ran ${run.step} segments (each ends at interrupts) without finishing, the limit (limits.maxSteps = ${limits.maxSteps}). Raise limits.maxSteps in the workspace file.`,
      });
    }
    run.step += 1;
    const step = run.step;
    const messageId = messageIdFor(run.runId, step);
    events.emit({ type: 'step.started', step, model: plan.modelId, messageId });
    const segment = await runGraph
      .executeWithOptions({ summary: `graph ${plan.agentId} · segment ${step}${resume ? ' · resumed' : ''}` }, [
        {
          agentId: plan.agentId,
          step,
          ...(checkpoint !== undefined && { checkpoint }),
          ...(resume && { resume }),
          ...(run.input.history && { history: run.input.history }),
        },
      ])
      .catch((err: unknown) => {
        const timeout = timeoutIn(err);
        if (!timeout) throw err;
        throw ApplicationFailure.create({
          type: 'GRAPH_TIMEOUT',
          nonRetryable: true,
          message: `Graph segment ${step} ${timeoutReason(timeout, segmentTimeoutMs, 'graphSegmentTimeout', limits.heartbeatTimeoutMs)}, on the last of the attempts limits.modelRetry allows.`,
        });
      });
    const usage = run.addUsage(segment.usage, plan.pricing);
    events.emit({ type: 'step.completed', step, messageId, toolCalls: segment.approvals.length, ...(usage && { usage }) });
    checkpoint = segment.checkpoint;
    if (segment.status === 'completed') {
      const output = segment.output ?? '';
      run.transcript.push({ role: 'assistant', content: output, toolCalls: [] });
      return output;
    }

    const now = new Date().toISOString();
    for (const request of segment.approvals) {
      run.addApprovalTarget(approvalTarget(request, settings.approvers));
      const approval = run.requestApproval({ id: request.approvalId, name: request.toolName, args: request.input }, now, {
        interruptId: request.interruptId,
        kind: request.kind,
        node: request.node,
        allowedDecisions: request.allowedDecisions,
        ...(request.description !== undefined && { description: request.description }),
      });
      events.emit({ type: 'approval.requested', approval });
    }
    setState('waiting_for_approval');
    const records = await Promise.all(
      segment.approvals.map((r) => awaitDecision(run, r.approvalId, settings, `Graph interrupt ${r.approvalId} (${r.toolName})`)),
    );
    setState('running');
    resume = resumeFor(segment.approvals, records);
  }
}

/** What a decision on this approval is checked against: the edit schema and who may decide. */
function approvalTarget(request: GraphApprovalRequest, approvers: string[] | undefined): ToolSpec {
  return {
    name: request.toolName,
    description: request.description ?? '',
    inputSchema: request.inputSchema ?? { type: 'object' },
    requiresApproval: true,
    ...(approvers && { approvers }),
  };
}

/** The decisions, grouped by the interrupt they answer. */
function resumeFor(requests: GraphApprovalRequest[], records: ApprovalRecord[]): GraphResume[] {
  const byInterrupt = new Map<string, GraphResume>();
  requests.forEach((request, i) => {
    const record = records[i]!;
    const entry = byInterrupt.get(request.interruptId) ?? { interruptId: request.interruptId, kind: request.kind, decisions: [] };
    entry.decisions.push({
      ...(request.actionIndex !== undefined && { actionIndex: request.actionIndex }),
      toolName: request.toolName,
      decision: record.decision,
      ...(record.decision === 'edit' && { input: record.input }),
      ...(record.approver !== undefined && { approver: record.approver }),
      ...(record.reason !== undefined && { reason: record.reason }),
    });
    byInterrupt.set(request.interruptId, entry);
  });
  return [...byInterrupt.values()];
}
