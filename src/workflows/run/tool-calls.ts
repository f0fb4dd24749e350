/**
 * The tool calls of one model step: each waits for its decision when it needs approval, then runs
 * (a `callTool` activity, or a child run for a sub-agent); results go into the transcript in call
 * order. A tool that fails is the model's problem to work around, not the end of the run.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, proxyLocalActivities, TimeoutFailure, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { HarnessActivities, ToolResult } from '../../activities/index.js';
import type { ToolCall } from '../shared/conversation.js';
import { describeFailure, formatMs, timeoutIn, timeoutReason } from '../shared/failures.js';
import { toolSpan } from '../shared/telemetry.js';
import { retryPolicy } from './activity-options.js';
import type { ToolSpec } from './agent-spec.js';
import { askHuman, clientTool } from './ask-human.js';
import { awaitDecision } from './await-decision.js';
import { continueWhileParked } from './continue-as-new.js';
import { rejectionMessage } from './ledger.js';
import type { ApprovalRecord } from './contract.js';
import type { RunParts } from './parts.js';
import { StepProgress, type FinishedToolCall } from './step-progress.js';

/**
 * Runs a step's tool calls in parallel; their results join the transcript in call order. While
 * they wait for decisions the run may continue as new (`continueWhileParked`); the next run calls
 * this again with the calls that had `finished`.
 */
export async function runToolCalls(
  parts: RunParts,
  calls: ToolCall[],
  tools: ActivityInterfaceFor<HarnessActivities>,
  finished?: FinishedToolCall[],
): Promise<void> {
  const { ledger, events } = parts;
  const step = new StepProgress(calls, finished);
  // A `.then`, not `async`/`await`: one promise per call instead of two.
  const run = (call: ToolCall): Promise<{ call: ToolCall; result: ToolResult }> => {
    const earlier = step.resultOf(call.id);
    if (earlier) return Promise.resolve({ call, result: earlier });
    return runToolCall(parts, call, tools, step).then((result) => {
      step.finish(call.id, result);
      const ref = result.contentRef && { contentRef: result.contentRef };
      events.emit({ type: 'tool.result', step: ledger.step, toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError, ...ref });
      return { call, result };
    });
  };
  // The usual step, one call that cannot park, is awaited as is: `Promise.all` would add two
  // promises, and each workflow promise costs the SDK a stack capture.
  const parks = mayPark(parts, calls);
  if (calls.length === 1 && !parks) return addResults(parts, [await run(calls[0]!)]);
  const all = Promise.all(calls.map(run));
  // Only a step that may park on people can hand over; others make no promise for it.
  if (parks) await Promise.race([all, continueWhileParked(parts, step, ledger.limits!)]);
  addResults(parts, await all);
}

/** The step's results, in call order, into the agent's state and the transcript. */
function addResults({ ledger }: RunParts, results: { call: ToolCall; result: ToolResult }[]): void {
  for (const { call, result } of results) {
    // In call order, so parallel tools that set the same key resolve the same way on every replay.
    ledger.applyAgentStateUpdate(result.stateUpdate);
    const ref = result.contentRef && { contentRef: result.contentRef };
    ledger.transcript.push({ role: 'tool', toolCallId: call.id, toolName: call.name, content: result.content, isError: result.isError, ...ref });
  }
}

/**
 * Whether the step may leave the run waiting for people, the only state it may continue as new in
 * (`continueWhileParked`): it waits already (a run continued while parked), or one of its calls
 * needs approval, asks a person, waits for a client's result, or runs a sub-agent (whose own
 * approvals park this run).
 */
function mayPark({ ledger }: RunParts, calls: ToolCall[]): boolean {
  if (ledger.waitsForPeople()) return true;
  return calls.some((call) => {
    const spec = call.invalid ? undefined : ledger.tool(call.name);
    return spec !== undefined && (spec.requiresApproval || spec.builtin === 'ask_human' || spec.execution === 'client' || spec.subAgent !== undefined);
  });
}

async function runToolCall(parts: RunParts, call: ToolCall, tools: ActivityInterfaceFor<HarnessActivities>, step: StepProgress): Promise<ToolResult> {
  const { ledger, events, subAgents } = parts;
  if (call.invalid) {
    return { content: `Invalid call of tool "${call.name}": ${call.invalid}. Send the arguments as a JSON object.`, isError: true };
  }
  const spec = ledger.tool(call.name);
  if (!spec) {
    return { content: `Unknown tool "${call.name}". Available tools: ${ledger.toolNames().join(', ') || '(none)'}.`, isError: true };
  }
  if (spec.builtin === 'ask_human') return askHuman(parts, call);
  let args = call.args;
  let summary = `tool ${call.name}`;
  if (spec.requiresApproval) {
    const record = await awaitDecision(ledger, call.id, spec, `Tool call ${call.id} (${call.name})`);
    if (record.decision === 'reject') return { content: rejectionMessage(record), isError: true };
    if (record.grant && (record.via === 'update' || record.via === 'signal')) await saveGrant(parts, record, tools);
    args = record.input;
    const verb = record.decision === 'edit' ? 'edited and approved' : 'approved';
    summary += ` · ${verb}${decidedBy(record)}`;
  }
  if (spec.execution === 'client') return clientTool(parts, call, args);
  // Handing over: this call waits for ever, the next run of the chain starts it.
  if (!step.start(call.id)) await new Promise<never>(() => {});
  try {
    events.emit({ type: 'tool.started', step: ledger.step, toolCallId: call.id, toolName: call.name, input: args });
    if (spec.subAgent) return await toolSpan(call.name, call.id, true, () => subAgents.call(call, spec, args));
    return await toolSpan(call.name, call.id, false, () => callToolActivity(parts, spec, call, args, summary, tools));
  } catch (err) {
    const local = spec.execution === 'local';
    // A local activity's failure reaches the workflow as it is, not inside an ActivityFailure
    // (the SDK core writes the activity's own failure into the marker: temporalio/sdk-core#449).
    const failed = err instanceof ActivityFailure || (local && (err instanceof ApplicationFailure || err instanceof TimeoutFailure));
    if (!failed || isCancellation(err)) {
      step.abandon(call.id);
      throw err;
    }
    const timeout = timeoutIn(err);
    const limits = ledger.limits!;
    const content = !timeout
      ? local && err instanceof ApplicationFailure
        ? err.message
        : describeFailure(err)
      : local
        ? `Tool "${call.name}" timed out after ${formatMs(spec.timeoutMs!)} (tools.perTool.${call.name}.timeout; a local tool).`
        : `Tool "${call.name}" ${timeoutReason(timeout, limits.toolCallTimeoutMs, 'toolCallTimeout', limits.heartbeatTimeoutMs)}.`;
    return { content, isError: true };
  }
}

/**
 * The `callTool` activity of one call: a regular activity, or for a tool declared local a local
 * activity (same function, summary and retry policy; its own timeout). A local call runs inside
 * this workflow task: no activity task goes through the server, history gets a marker with its
 * result, and a cancellation (Stop) reaches the run only once the call has ended.
 */
function callToolActivity(
  { ledger }: RunParts,
  spec: ToolSpec,
  call: ToolCall,
  args: Record<string, unknown>,
  summary: string,
  tools: ActivityInterfaceFor<HarnessActivities>,
): Promise<ToolResult> {
  const local = spec.execution === 'local';
  const input = { agentId: ledger.agentId, toolName: call.name, toolCallId: call.id, input: args, ...ledger.toolContextForInput(local) };
  if (!local) return tools.callTool.executeWithOptions({ summary }, [input]);
  const { callTool } = proxyLocalActivities<HarnessActivities>({
    startToCloseTimeout: spec.timeoutMs!,
    retry: retryPolicy(ledger.limits!.toolRetry),
  });
  return callTool.executeWithOptions({ summary }, [input]);
}

/** How a tool call's approval shows in its activity summary: ` on timeout`, ` by rule …`, ` · judge: approve — …`, ` by alice`. */
function decidedBy(record: ApprovalRecord): string {
  if (record.via === 'timeout') return ' on timeout';
  if (record.via === 'policy') return ` by rule ${record.rule ?? ''}`.trimEnd();
  // The Web UI shows the judge's reason on the tool's activity: `approved · judge: approve — <reason>`.
  if (record.via === 'judge') return ` · judge: approve — ${clip(record.judge?.reason ?? record.reason ?? '')}`;
  const escalated = record.judge ? ` (judge escalated: ${clip(record.judge.reason)})` : '';
  if (record.votes) return ` by ${record.votes.map((v) => v.approver).join(', ')}${escalated}`;
  return `${record.approver ? ` by ${record.approver}` : ''}${escalated}`;
}

/** A reason cut for a one-line summary. */
function clip(text: string, chars = 100): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/**
 * Hands the grant a person gave to the agent's grants keeper before the tool runs, so the next
 * call it covers finds it. A keeper that cannot be reached costs the grant, never the run: the
 * approval itself stands, and an event says so.
 */
async function saveGrant(parts: RunParts, record: ApprovalRecord, tools: ActivityInterfaceFor<HarnessActivities>): Promise<void> {
  try {
    await tools.recordGrant.executeWithOptions({ summary: `grant ${record.toolName} (${record.grant!.scope}) from ${record.grant!.grantedBy}` }, [record.grant!]);
    parts.events.emit({ type: 'grant.recorded', grant: record.grant! });
  } catch (err) {
    if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
    parts.events.emit({ type: 'grant.failed', grantId: record.grant!.grantId, error: describeFailure(err) });
  }
}
