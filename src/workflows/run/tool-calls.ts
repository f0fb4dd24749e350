/**
 * The tool calls of one model step: each waits for its decision when it needs approval, then runs
 * (a `callTool` activity, or a child run for a sub-agent); results go into the transcript in call
 * order. A tool that fails is the model's problem to work around, not the end of the run.
 */
import { ActivityFailure, isCancellation, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { HarnessActivities, ToolResult } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';
import { describeFailure, timeoutIn, timeoutReason } from '../shared/failures.js';
import { toolSpan } from '../shared/telemetry.js';
import { awaitDecision } from './await-decision.js';
import { rejectionMessage } from './ledger.js';
import type { RunParts } from './parts.js';

/** Runs a step's tool calls in parallel; their results join the transcript in call order. */
export async function runToolCalls(parts: RunParts, calls: ToolCall[], tools: ActivityInterfaceFor<HarnessActivities>): Promise<void> {
  const { ledger, events } = parts;
  const results = await Promise.all(
    calls.map(async (call) => {
      const result = await runToolCall(parts, call, tools);
      events.emit({ type: 'tool.result', step: ledger.step, toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError });
      return { call, result };
    }),
  );
  for (const { call, result } of results) {
    // In call order, so parallel tools that set the same key resolve the same way on every replay.
    ledger.applyAgentStateUpdate(result.stateUpdate);
    ledger.transcript.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError });
  }
}

async function runToolCall(parts: RunParts, call: ToolCall, tools: ActivityInterfaceFor<HarnessActivities>): Promise<ToolResult> {
  const { ledger, events, subAgents } = parts;
  if (call.invalid) {
    return { content: `Invalid call of tool "${call.name}": ${call.invalid}. Send the arguments as a JSON object.`, isError: true };
  }
  const spec = ledger.tool(call.name);
  if (!spec) {
    return { content: `Unknown tool "${call.name}". Available tools: ${ledger.toolNames().join(', ') || '(none)'}.`, isError: true };
  }
  let args = call.args;
  let summary = `tool ${call.name}`;
  if (spec.requiresApproval) {
    const record = await awaitDecision(ledger, call.id, spec, `Tool call ${call.id} (${call.name})`);
    if (record.decision === 'reject') return { content: rejectionMessage(record), isError: true };
    args = record.input;
    const verb = record.decision === 'edit' ? 'edited and approved' : 'approved';
    summary += ` · ${verb}${record.via === 'timeout' ? ' on timeout' : record.approver ? ` by ${record.approver}` : ''}`;
  }
  try {
    events.emit({ type: 'tool.started', step: ledger.step, toolCallId: call.id, toolName: call.name, input: args });
    if (spec.subAgent) return await toolSpan(call.name, call.id, true, () => subAgents.call(call, spec, args));
    return await toolSpan(call.name, call.id, false, () =>
      tools.callTool.executeWithOptions({ summary }, [
        { agentId: ledger.agentId, toolName: call.name, toolCallId: call.id, input: args, ...(ledger.hasNoToolContext() && { noRunContext: true as const }) },
      ]),
    );
  } catch (err) {
    if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
    const timeout = timeoutIn(err);
    const limits = ledger.limits!;
    const content = timeout
      ? `Tool "${call.name}" ${timeoutReason(timeout, limits.toolCallTimeoutMs, 'toolCallTimeout', limits.heartbeatTimeoutMs)}.`
      : describeFailure(err);
    return { content, isError: true };
  }
}
