/**
 * Calls of client tools (`tools.client` in the workspace): the caller's app, not an activity,
 * produces the result, by the `supplyToolResult` update. Pending until supplied. A plain class the
 * workflow owns (no Temporal calls), unit-tested without a server.
 */
import type { ToolSpec } from './agent-spec.js';
import { CLIENT_TOOL_LIMITS, type ClosedToolCall, type ClosedWait, type PendingToolCall, type SuppliedToolResult, type SupplyToolResultInput } from './contract.js';
import { jsonBytes, validateAgainstSchema } from './decision-rules.js';

/** Why a supplied result must be refused: a stable code and a message saying how to fix it. */
export interface SupplyProblem {
  code: 'UNKNOWN_TOOL_CALL' | 'TOOL_RESULT_ALREADY_SUPPLIED' | 'TOOL_CALL_CLOSED' | 'INVALID_TOOL_RESULT' | 'TOOL_RESULT_TOO_LARGE';
  message: string;
}

/**
 * Why `payload` is not a well-formed, bounded result (whatever the run holds), or undefined. The
 * client checks this before sending; the update's validator checks it again.
 */
export function supplyShapeProblem(payload: unknown): SupplyProblem | undefined {
  if (typeof payload !== 'object' || payload === null) return invalid('the payload must be an object { toolCallId, result, isError?, suppliedBy? }');
  const { toolCallId, result, isError, suppliedBy } = payload as Record<string, unknown>;
  if (typeof toolCallId !== 'string' || toolCallId === '' || toolCallId.length > CLIENT_TOOL_LIMITS.toolCallIdChars) {
    return invalid(`\`toolCallId\` must be a string of 1 to ${CLIENT_TOOL_LIMITS.toolCallIdChars} characters (see status().pendingToolCalls)`);
  }
  if (result === undefined) return invalid('`result` is required: any JSON value');
  if (isError !== undefined && typeof isError !== 'boolean') return invalid('`isError` must be a boolean');
  if (suppliedBy !== undefined && (typeof suppliedBy !== 'string' || suppliedBy.length > CLIENT_TOOL_LIMITS.suppliedByChars)) {
    return invalid(`\`suppliedBy\` must be a string of at most ${CLIENT_TOOL_LIMITS.suppliedByChars} characters`);
  }
  const bytes = jsonBytes(result);
  if (bytes > CLIENT_TOOL_LIMITS.resultBytes) {
    return {
      code: 'TOOL_RESULT_TOO_LARGE',
      message: `Tool result of ${bytes} bytes is over the limit of ${CLIENT_TOOL_LIMITS.resultBytes} bytes (as JSON); pass large data by reference (a path or URL).`,
    };
  }
  return undefined;
}

export class ClientToolCalls {
  private readonly pending = new Map<string, PendingToolCall>();
  private readonly supplied = new Map<string, SuppliedToolResult>();
  private readonly closed = new Map<string, ClosedToolCall>();

  constructor(
    private readonly toolOf: (name: string) => ToolSpec | undefined,
    carried?: { pending?: PendingToolCall[]; supplied?: SuppliedToolResult[] },
  ) {
    for (const c of carried?.pending ?? []) this.pending.set(c.toolCallId, c);
    for (const r of carried?.supplied ?? []) this.supplied.set(r.toolCallId, r);
  }

  /** Parks a client tool call until its result is supplied. */
  request(call: Omit<PendingToolCall, 'requestedAt'>, now: string): PendingToolCall {
    const pending: PendingToolCall = { ...call, requestedAt: now };
    this.pending.set(call.toolCallId, pending);
    return pending;
  }

  /** Why `payload` cannot be applied, or undefined when it may. */
  problemWith(payload: unknown): SupplyProblem | undefined {
    const shape = supplyShapeProblem(payload);
    if (shape) return shape;
    const { toolCallId, result, isError } = payload as SupplyToolResultInput;
    if (this.supplied.has(toolCallId)) return { code: 'TOOL_RESULT_ALREADY_SUPPLIED', message: `Tool call "${toolCallId}" already has its result; a result is supplied once.` };
    const closed = this.closed.get(toolCallId);
    if (closed) return { code: 'TOOL_CALL_CLOSED', message: `The run has ended (${closed.reason}); tool call "${toolCallId}" was closed without a result.` };
    const call = this.pending.get(toolCallId);
    if (!call) {
      const ids = [...this.pending.keys()];
      return { code: 'UNKNOWN_TOOL_CALL', message: `No pending client tool call "${toolCallId}" in this run; pending: ${ids.join(', ') || '(none)'}.` };
    }
    const schema = this.toolOf(call.toolName)?.outputSchema;
    const errors = schema && !isError ? validateAgainstSchema(schema, result) : [];
    if (errors.length) return invalid(`the result does not match the output schema of tool "${call.toolName}": ${errors.join('; ')}`);
    return undefined;
  }

  /** Records a result `problemWith` accepted. */
  supply(input: SupplyToolResultInput, now: string): SuppliedToolResult {
    const call = this.pending.get(input.toolCallId);
    if (!call) throw new Error(`supply called for unknown tool call ${input.toolCallId}`);
    const record: SuppliedToolResult = {
      ...call,
      result: input.result,
      isError: input.isError ?? false,
      suppliedAt: now,
      ...(input.suppliedBy !== undefined && { suppliedBy: input.suppliedBy }),
    };
    this.pending.delete(input.toolCallId);
    this.supplied.set(input.toolCallId, record);
    return record;
  }

  /** Closes every pending call without a result (the run is ending); returns those closed. */
  closeAll(why: ClosedWait): ClosedToolCall[] {
    const closed = [...this.pending.values()].map((c): ClosedToolCall => ({ ...c, ...why }));
    for (const c of closed) this.closed.set(c.toolCallId, c);
    this.pending.clear();
    return closed;
  }

  closedCalls(): ClosedToolCall[] {
    return [...this.closed.values()];
  }

  resultFor(toolCallId: string): SuppliedToolResult | undefined {
    return this.supplied.get(toolCallId);
  }

  isPending(toolCallId: string): boolean {
    return this.pending.has(toolCallId);
  }

  pendingCalls(): PendingToolCall[] {
    return [...this.pending.values()];
  }

  suppliedResults(): SuppliedToolResult[] {
    return [...this.supplied.values()];
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }
}

/** What the model gets of a supplied result: a string as is, anything else as JSON. */
export function resultText(record: SuppliedToolResult): string {
  return typeof record.result === 'string' ? record.result : JSON.stringify(record.result);
}

function invalid(message: string): SupplyProblem {
  return { code: 'INVALID_TOOL_RESULT', message: `Invalid tool result: ${message}.` };
}
