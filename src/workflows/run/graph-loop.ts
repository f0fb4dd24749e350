/**
 * The run of a graph agent: the agent's LangGraph graph runs in `runGraph` activities, one per
 * segment (from the start or a resume, to the end or the next interrupts). The workflow carries the
 * graph's checkpoint from one segment to the next, turns every interrupt into a pending approval,
 * waits for the decisions (signal or update, like tool approvals), and resumes the graph with them.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { GraphApprovalRequest, GraphResume } from '../../activities/graph/types.js';
import type { HarnessActivities } from '../../activities/index.js';
import { timeoutIn, timeoutReason } from '../shared/failures.js';
import { retryPolicy } from './activity-options.js';
import type { AgentSpec, GraphApprovalSettings, ToolSpec } from './agent-spec.js';
import { awaitDecision } from './await-decision.js';
import type { ApprovalRecord } from './contract.js';
import { messageIdFor } from './events.js';
import { now, type RunParts } from './parts.js';

/** A segment may hold several model and tool calls; a dead worker is still noticed by heartbeat. */
const DEFAULT_SEGMENT_TIMEOUT_MS = 30 * 60_000;

/** Runs the graph segment by segment until it completes; returns its answer. */
export async function graphLoop(parts: RunParts, agent: AgentSpec): Promise<string> {
  const { ledger, events, lifecycle } = parts;
  const { limits } = agent;
  const segmentTimeoutMs = limits.graphSegmentTimeoutMs ?? DEFAULT_SEGMENT_TIMEOUT_MS;
  const { runGraph } = proxyActivities<HarnessActivities>({
    startToCloseTimeout: segmentTimeoutMs,
    heartbeatTimeout: limits.heartbeatTimeoutMs,
    retry: { ...retryPolicy(limits.modelRetry), nonRetryableErrorTypes: ['UNKNOWN_AGENT', 'GRAPH_STATE_TOO_LARGE'] },
  });
  const settings = agent.graph ?? {};
  let checkpoint: string | undefined;
  let resume: GraphResume[] | undefined;

  for (;;) {
    if (ledger.step >= limits.maxSteps) {
      throw ApplicationFailure.create({
        type: 'MAX_STEPS_EXCEEDED',
        nonRetryable: true,
        message: `The graph ran ${ledger.step} segments (each ends at interrupts) without finishing, the limit (limits.maxSteps = ${limits.maxSteps}). Raise limits.maxSteps in the workspace file.`,
      });
    }
    ledger.step += 1;
    const step = ledger.step;
    const messageId = messageIdFor(ledger.runId, step);
    events.emit({ type: 'step.started', step, model: agent.modelId, messageId });
    const segment = await runGraph
      .executeWithOptions({ summary: `graph ${agent.agentId} · segment ${step}${resume ? ' · resumed' : ''}` }, [
        {
          agentId: agent.agentId,
          step,
          ...(checkpoint !== undefined && { checkpoint }),
          ...(resume && { resume }),
          ...(ledger.input.history && { history: ledger.input.history }),
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
    const usage = ledger.addUsage(segment.usage, agent.pricing);
    events.emit({ type: 'step.completed', step, messageId, toolCalls: segment.approvals.length, ...(usage && { usage }) });
    checkpoint = segment.checkpoint;
    if (segment.status === 'completed') {
      const output = segment.output ?? '';
      ledger.transcript.push({ role: 'assistant', content: output, toolCalls: [] });
      return output;
    }

    for (const request of segment.approvals) {
      ledger.addApprovalTarget(approvalTarget(request, settings));
      const approval = ledger.requestApproval({ id: request.approvalId, name: request.toolName, args: request.input }, now(), {
        interruptId: request.interruptId,
        kind: request.kind,
        node: request.node,
        allowedDecisions: request.allowedDecisions,
        ...(request.description !== undefined && { description: request.description }),
      });
      events.emit({ type: 'approval.requested', approval });
    }
    lifecycle.approvalsChanged();
    const records = await Promise.all(
      segment.approvals.map((r) => awaitDecision(ledger, r.approvalId, settings, `Graph interrupt ${r.approvalId} (${r.toolName})`)),
    );
    resume = resumeFor(segment.approvals, records);
  }
}

/** What a decision on this approval is checked against: the edit schema and who may decide. */
function approvalTarget(request: GraphApprovalRequest, settings: GraphApprovalSettings): ToolSpec {
  const { approvers, approvalTimeoutMs, onApprovalTimeout } = settings;
  return {
    name: request.toolName,
    description: request.description ?? '',
    inputSchema: request.inputSchema ?? { type: 'object' },
    requiresApproval: true,
    ...(approvers && { approvers }),
    ...(approvalTimeoutMs !== undefined && { approvalTimeoutMs }),
    ...(onApprovalTimeout !== undefined && { onApprovalTimeout }),
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
