/**
 * The rules of a fork, as plain functions (unit-tested without a server): where step N of a run
 * is (`forkPointOf`, answered by the original's `stepForkPoint` query), and the fork's run input from
 * that point and a caller's request (`forkInputFrom`, used by the client before anything starts).
 *
 * "Step N" is the run's step number as `status().step`, events and `harness steps` show it: the
 * N-th model call. Its model message is the N-th assistant message of the run's transcript,
 * counted from the run's first step (1, or the step a fork starts at).
 */
import { needsReference, previewOf } from '../shared/content-ref.js';
import { transcriptRefDepth, TRANSCRIPT_REF_MAX_DEPTH, type ToolCall, type TranscriptRef } from '../shared/conversation.js';
import type { AgentRunInput, ApprovalDecisionInput } from './contract.js';
import { DECISION_LIMITS } from './contract.js';
import { jsonBytes, validateAgainstSchema } from './decision-rules.js';
import { FORK_LIMITS, type ForkPoint, type ForkPointReply, type ForkProblem, type ForkRequest, type StepMessage } from './fork.js';
import type { RunLedger } from './ledger.js';

/** Where a fork from `step` of the run `ledger` keeps would start, or why it cannot. */
export function forkPointOf(ledger: RunLedger, step: number): ForkPointReply {
  const { input } = ledger;
  const runId = ledger.runId;
  if (ledger.execution === 'graph') {
    return fail('FORK_NOT_SUPPORTED', `Run "${runId}" runs a graph agent: forking from a step works for model/tool-loop agents only.`);
  }
  if (!Number.isInteger(step) || step < 1 || step > ledger.step) {
    const has = ledger.step === 0 ? 'has made no model call yet' : `has steps 1 to ${ledger.step}`;
    return fail('STEP_OUT_OF_RANGE', `Run "${runId}" ${has}; there is no step ${String(step)}. Fork from one of its steps (see \`harness steps ${runId}\`).`);
  }
  const first = input.fork ? input.fork.of.step : 1;
  if (step < first) {
    const of = input.fork!.of;
    return fail(
      'STEP_IN_ORIGINAL',
      `Run "${runId}" is a fork of "${of.workflowId}" from step ${of.step}: its step ${step} is that run's. Fork "${of.workflowId}" from step ${step} instead.`,
    );
  }
  const at = assistantIndex(ledger, step - first);
  if (at === undefined) return fail('STEP_IN_PROGRESS', `Step ${step} of run "${runId}" is still calling the model; fork from it once it has answered.`);
  const message = ledger.transcript[at] as StepMessage;
  if (message.toolCalls.length === 0) {
    return fail(
      'STEP_WITHOUT_TOOL_CALLS',
      `Step ${step} of run "${runId}" is the model's answer without tool calls: a fork from it has nothing to change. Fork from an earlier step with tool calls.`,
    );
  }
  const history: TranscriptRef | undefined = at === 0 ? input.history : { workflowId: runId, upTo: at, ...(input.history && { before: input.history }) };
  if (transcriptRefDepth(history) > TRANSCRIPT_REF_MAX_DEPTH) {
    return fail('FORK_NOT_SUPPORTED', `Run "${runId}" continues a chain of ${TRANSCRIPT_REF_MAX_DEPTH} earlier runs (forks of forks): fork an earlier run of the chain.`);
  }
  const names = [...new Set(message.toolCalls.map((c) => c.name))];
  const point: ForkPoint = {
    workflowId: runId,
    agentId: ledger.agentId,
    step,
    steps: ledger.step,
    input: needsReference(input.input) ? previewOf(input.input) : input.input,
    ...(input.context && { context: input.context }),
    ...(input.state && { state: input.state }),
    ...(ledger.toolContext().files.length > 0 && { files: ledger.toolContext().files }),
    ...(history && { history }),
    message,
    tools: names.flatMap((name) => {
      const spec = ledger.tool(name);
      return spec ? [{ name, inputSchema: spec.inputSchema, requiresApproval: spec.requiresApproval }] : [];
    }),
  };
  return { ok: true, point };
}

/** The transcript index of the `n`-th (0-based) model message, if the run has it yet. */
function assistantIndex(ledger: RunLedger, n: number): number | undefined {
  let seen = 0;
  for (let i = 0; i < ledger.transcript.length; i++) {
    if (ledger.transcript[i]!.role !== 'assistant') continue;
    if (seen === n) return i;
    seen += 1;
  }
  return undefined;
}

/**
 * The fork's run input: the original's agent, context and files, its earlier messages by
 * reference, and the step's model message with the request's edits; or why the request does not
 * fit the step.
 */
export function forkInputFrom(
  point: ForkPoint,
  request: ForkRequest,
  originalRunId?: string,
): { ok: true; input: AgentRunInput } | { ok: false; problem: ForkProblem } {
  const shape = forkRequestProblem(request);
  if (shape) return { ok: false, problem: shape };
  const calls = new Map(point.message.toolCalls.map((c) => [c.id, c]));
  const tools = new Map(point.tools.map((t) => [t.name, t]));
  const edited: string[] = [];
  const decisions: ApprovalDecisionInput[] = [];
  const args = new Map<string, Record<string, unknown>>();
  for (const change of request.toolCalls ?? []) {
    const call = calls.get(change.id);
    if (!call) {
      const ids = [...calls.values()].map((c) => `${c.id} (${c.name})`).join(', ');
      return fail('UNKNOWN_TOOL_CALL', `Step ${point.step} of run "${point.workflowId}" has no tool call "${change.id}". Its tool calls: ${ids}.`);
    }
    const tool = tools.get(call.name);
    if (change.input !== undefined) {
      const errors = tool ? validateAgainstSchema(tool.inputSchema, change.input) : [];
      if (errors.length) return fail('INVALID_FORK_INPUT', `Edited input for tool call "${change.id}" (${call.name}) does not match the tool's schema: ${errors.join('; ')}`);
      args.set(change.id, change.input);
      edited.push(change.id);
    }
    if (change.decision !== undefined) {
      if (!tool?.requiresApproval) {
        return fail('DECISION_NOT_NEEDED', `Tool call "${change.id}" (${call.name}) needs no approval, so it takes no decision. Drop \`decision\` for it (an edited input still applies).`);
      }
      decisions.push({
        approvalId: change.id,
        decision: change.decision,
        ...(request.approver !== undefined && { approver: request.approver }),
        ...(request.approverRoles?.length && { approverRoles: request.approverRoles }),
        ...(change.reason !== undefined && { reason: change.reason }),
      });
    }
  }
  // An edited call is a valid call now, whatever the model's was.
  const edit = ({ invalid: _unparsed, ...call }: ToolCall): ToolCall => ({ ...call, args: args.get(call.id)! });
  const message: StepMessage = { ...point.message, toolCalls: point.message.toolCalls.map((c) => (args.has(c.id) ? edit(c) : c)) };
  if (jsonBytes(message) > FORK_LIMITS.messageBytes) {
    return fail('FORK_TOO_LARGE', `The model message of step ${point.step} with its edits is over ${FORK_LIMITS.messageBytes} bytes as JSON: pass large tool inputs by reference (a path or URL).`);
  }
  const input: AgentRunInput = {
    agentId: point.agentId,
    input: point.input,
    ...(point.context && { context: point.context }),
    ...(point.state && { state: point.state }),
    ...(point.files && { files: point.files }),
    ...(point.history && { history: point.history }),
    fork: {
      of: { workflowId: point.workflowId, ...(originalRunId && { runId: originalRunId }), step: point.step },
      message,
      edited,
      ...(decisions.length > 0 && { decisions }),
    },
  };
  return { ok: true, input };
}

/** Why a fork request is malformed (types, bounds), or undefined. */
export function forkRequestProblem(request: unknown): ForkProblem | undefined {
  const bytes = jsonBytes(request);
  if (bytes > FORK_LIMITS.requestBytes) {
    return { code: 'FORK_TOO_LARGE', message: `Fork request of ${bytes} bytes is over the limit of ${FORK_LIMITS.requestBytes} bytes (as JSON): pass large tool inputs by reference (a path or URL).` };
  }
  const bad = (message: string): ForkProblem => ({ code: 'INVALID_FORK_REQUEST', message: `Malformed fork request: ${message}` });
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return bad('expected an object {"fromStep": number, "toolCalls"?: [...]}');
  const r = request as Record<string, unknown>;
  if (typeof r.fromStep !== 'number' || !Number.isInteger(r.fromStep) || r.fromStep < 1) return bad('fromStep must be a whole number ≥ 1 (the step to fork from)');
  if (r.approver !== undefined && (typeof r.approver !== 'string' || r.approver.length > DECISION_LIMITS.approverChars)) {
    return bad(`approver must be a string of at most ${DECISION_LIMITS.approverChars} characters`);
  }
  if (r.approverRoles !== undefined) {
    const roles = r.approverRoles;
    if (!Array.isArray(roles) || roles.length > DECISION_LIMITS.approverRoles || roles.some((x) => typeof x !== 'string' || x.length === 0 || x.length > DECISION_LIMITS.roleChars)) {
      return bad(`approverRoles must be at most ${DECISION_LIMITS.approverRoles} non-empty strings of at most ${DECISION_LIMITS.roleChars} characters`);
    }
  }
  if (r.toolCalls === undefined) return undefined;
  if (!Array.isArray(r.toolCalls) || r.toolCalls.length > FORK_LIMITS.toolCalls) return bad(`toolCalls must be an array of at most ${FORK_LIMITS.toolCalls} changes`);
  const seen = new Set<string>();
  for (const [i, c] of (r.toolCalls as unknown[]).entries()) {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return bad(`toolCalls[${i}] must be an object {"id": string, "input"?: object, "decision"?: "approve" | "reject", "reason"?: string}`);
    const { id, input, decision, reason, ...rest } = c as Record<string, unknown>;
    if (typeof id !== 'string' || id.length === 0 || id.length > DECISION_LIMITS.approvalIdChars) return bad(`toolCalls[${i}].id must be a tool call id (1-${DECISION_LIMITS.approvalIdChars} characters)`);
    if (seen.has(id)) return bad(`toolCalls[${i}]: tool call "${id}" is changed twice; give each call once`);
    seen.add(id);
    if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input))) return bad(`toolCalls[${i}].input must be a JSON object (the tool's new input)`);
    if (decision !== undefined && decision !== 'approve' && decision !== 'reject') return bad(`toolCalls[${i}].decision must be "approve" or "reject"`);
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > DECISION_LIMITS.reasonChars)) return bad(`toolCalls[${i}].reason must be a string of at most ${DECISION_LIMITS.reasonChars} characters`);
    if (reason !== undefined && decision === undefined) return bad(`toolCalls[${i}].reason goes with a decision`);
    if (input === undefined && decision === undefined) return bad(`toolCalls[${i}] changes nothing: give an input, a decision or both`);
    const unknown = Object.keys(rest);
    if (unknown.length) return bad(`toolCalls[${i}] has unknown keys: ${unknown.slice(0, 5).join(', ')}`);
  }
  return undefined;
}

function fail(code: ForkProblem['code'], message: string): { ok: false; problem: ForkProblem } {
  return { ok: false, problem: { code, message } };
}
