/**
 * The state of one run and the decisions on it, as a plain class the workflow owns. It has no
 * Temporal calls, so its rules are unit-tested without a server; the workflow only wires it to
 * handlers, activities and search attributes.
 */
import {
  checkDecisionAgainstRun,
  parseDecision,
  type DecisionProblem,
} from './decision-validation.js';
import type {
  AgentPlan,
  AgentRunInput,
  ApprovalDecisionInput,
  CarriedRunState,
  ApprovalRecord,
  IgnoredDecision,
  PendingApproval,
  PolicyOutcome,
  RoutingDecision,
  RunState,
  RunStatus,
  TokenUsage,
  ModelPricing,
  RunFile,
  ToolCall,
  ToolRunContext,
  ToolSpec,
  TranscriptMessage,
} from './types.js';

export class AgentRunState {
  state: RunState = 'running';
  step = 0;
  output?: string;
  error?: string;
  readonly transcript: TranscriptMessage[];
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  /** The agent running: the requested one, until routing picks one. */
  agentId: string;
  private routing?: RoutingDecision;
  private policy?: PolicyOutcome;
  private plan?: AgentPlan;
  private tools = new Map<string, ToolSpec>();
  private readonly pending = new Map<string, PendingApproval>();
  private readonly decided = new Map<string, ApprovalRecord>();
  private readonly ignored: IgnoredDecision[] = [];
  /** Called for every recorded decision, however it came (person, deadline, run ending). */
  onDecided?: (record: ApprovalRecord) => void;
  /** Called for every approval requested (tool call or graph interrupt), after it is pending. */
  onRequested?: (approval: PendingApproval) => void;

  constructor(
    readonly runId: string,
    readonly input: AgentRunInput,
  ) {
    const carried = input.carried?.run;
    this.transcript = carried ? [...carried.transcript] : [{ role: 'user', content: withFiles(input.input, input.files ?? []) }];
    this.agentId = carried?.agentId ?? input.agentId ?? 'auto';
    this.agentState = { ...(carried?.agentState ?? input.state ?? {}) };
    if (carried) {
      this.step = carried.step;
      Object.assign(this.usage, carried.usage);
      this.routing = carried.routing;
      this.policy = carried.policy;
      this.setPlan(carried.plan);
      for (const record of carried.approvals) this.decided.set(record.approvalId, record);
      this.ignored.push(...carried.ignoredDecisions);
    }
  }

  /**
   * What a continued run needs to go on where this one stops (only between steps, when nothing is
   * pending): the conversation, totals, decisions and the plan.
   */
  snapshot(): CarriedRunState {
    if (!this.plan || !this.routing || !this.policy) throw new Error('snapshot() before the run was planned');
    if (this.pending.size > 0) throw new Error('snapshot() while approvals are pending');
    return {
      agentId: this.agentId,
      step: this.step,
      transcript: [...this.transcript],
      usage: { ...this.usage },
      agentState: this.agentState,
      routing: this.routing,
      policy: this.policy,
      plan: this.plan,
      approvals: this.approvals(),
      ignoredDecisions: [...this.ignored],
    };
  }

  /** Agent state: starts as the run's `state`, updated by tools. */
  agentState: Record<string, unknown>;

  applyStateUpdate(update: Record<string, unknown> | undefined): void {
    if (update) this.agentState = { ...this.agentState, ...update };
  }

  toolContext(): ToolRunContext {
    return { context: this.input.context ?? {}, state: this.agentState, files: this.input.files ?? [] };
  }

  /** Whether a tool would see nothing in `toolContext()` (then its activity need not ask). */
  hasNoToolContext(): boolean {
    const { context, state, files } = this.toolContext();
    return Object.keys(context).length === 0 && Object.keys(state).length === 0 && files.length === 0;
  }

  setRouting(routing: RoutingDecision, policy: PolicyOutcome): void {
    this.routing = routing;
    this.policy = policy;
    this.agentId = routing.selectedAgentId;
  }

  setPlan(plan: AgentPlan): void {
    this.plan = plan;
    this.tools = new Map(plan.tools.map((t) => [t.name, t]));
  }

  tool(name: string): ToolSpec | undefined {
    return this.tools.get(name);
  }

  toolNames(): string[] {
    return [...this.tools.keys()];
  }

  /**
   * Makes decisions on approvals of `spec.name` checkable (edit schema, approvers) when the name
   * is not one of the agent's tools: a graph agent's interrupts.
   */
  addApprovalTarget(spec: ToolSpec): void {
    if (!this.tools.has(spec.name)) this.tools.set(spec.name, spec);
  }

  /** Parks a tool call (or a graph interrupt, with `interrupt` set) until a person decides it. */
  requestApproval(call: ToolCall, now: string, interrupt?: PendingApproval['interrupt']): PendingApproval {
    const approval: PendingApproval = {
      approvalId: call.id,
      toolName: call.name,
      input: call.args,
      requestedAt: now,
      step: this.step,
      ...(interrupt && { interrupt }),
    };
    this.pending.set(call.id, approval);
    this.onRequested?.(approval);
    return approval;
  }

  hasPendingApprovals(): boolean {
    return this.pending.size > 0;
  }

  decisionFor(approvalId: string): ApprovalRecord | undefined {
    return this.decided.get(approvalId);
  }

  /** Why a decision payload must be refused, or undefined when it may be applied. */
  problemWith(payload: unknown): DecisionProblem | undefined {
    const parsed = parseDecision(payload);
    if (!parsed.ok) return parsed.problem;
    const problem = checkDecisionAgainstRun(parsed.decision, this.pending, this.decided, this.tools);
    if (problem) return problem;
    // A graph's review config may allow only some decisions for an action (e.g. no edits).
    const allowed = this.pending.get(parsed.decision.approvalId)?.interrupt?.allowedDecisions;
    if (allowed && !allowed.includes(parsed.decision.decision)) {
      return {
        code: 'INVALID_DECISION_PAYLOAD',
        message: `Approval "${parsed.decision.approvalId}" accepts only ${allowed.join(', ')} (the graph's review config); "${parsed.decision.decision}" is not allowed.`,
      };
    }
    return undefined;
  }

  /** Applies a decision that `problemWith` accepted. */
  applyDecision(decision: ApprovalDecisionInput, via: ApprovalRecord['via'], now: string): ApprovalRecord {
    const approval = this.pending.get(decision.approvalId);
    if (!approval) throw new Error(`applyDecision called for unknown approval ${decision.approvalId}`);
    const record: ApprovalRecord = {
      approvalId: approval.approvalId,
      toolName: approval.toolName,
      decision: decision.decision,
      requestedInput: approval.input,
      input: decision.decision === 'edit' && decision.input ? decision.input : approval.input,
      decidedAt: now,
      via,
      ...(decision.approver !== undefined && { approver: decision.approver }),
      ...(decision.approverRoles !== undefined && decision.approverRoles.length > 0 && { approverRoles: decision.approverRoles }),
      ...(decision.reason !== undefined && { reason: decision.reason }),
    };
    this.pending.delete(decision.approvalId);
    this.decided.set(decision.approvalId, record);
    this.onDecided?.(record);
    return record;
  }

  /** Decides an approval without a person: its deadline passed. */
  decideOnTimeout(approvalId: string, decision: 'approve' | 'reject', reason: string, now: string): ApprovalRecord {
    return this.applyDecision({ approvalId, decision, reason }, 'timeout', now);
  }

  /** Closes every pending approval when the run ends without them (cancelled, failed, timed out). */
  closePending(reason: string, now: string): void {
    for (const id of [...this.pending.keys()]) {
      this.applyDecision({ approvalId: id, decision: 'reject', reason }, 'cancel', now);
    }
  }

  recordIgnored(payload: unknown, reason: string, now: string): void {
    this.ignored.push({ receivedAt: now, payload, reason });
  }

  /** Adds one model call's usage to the run's totals; returns it with its cost when priced. */
  addUsage(usage: TokenUsage | undefined, pricing?: ModelPricing): TokenUsage | undefined {
    if (!usage) return undefined;
    const step = pricing ? { ...usage, costUsd: costOf(usage, pricing) } : usage;
    addInto(this.usage, step);
    return step;
  }

  approvals(): ApprovalRecord[] {
    return [...this.decided.values()];
  }

  status(): RunStatus {
    return {
      runId: this.runId,
      agentId: this.agentId,
      ...(this.routing && { routing: this.routing }),
      ...(this.policy && { policy: this.policy }),
      ...(this.input.threadId !== undefined && { threadId: this.input.threadId }),
      state: this.state,
      step: this.step,
      pendingApprovals: [...this.pending.values()],
      approvals: this.approvals(),
      ignoredDecisions: [...this.ignored],
      usage: { ...this.usage },
      agentState: this.agentState,
      ...(this.output !== undefined && { output: this.output }),
      ...(this.error !== undefined && { error: this.error }),
    };
  }

  get limits(): AgentPlan['limits'] | undefined {
    return this.plan?.limits;
  }
}

/** The message a model gets for a rejected tool call: who rejected it and why. */
export function rejectionMessage(record: ApprovalRecord): string {
  const who = record.approver ? ` by ${record.approver}` : '';
  const why = record.reason ? `: ${record.reason}` : '';
  return `Tool call rejected${who}${why}. The tool did not run.`;
}

/**
 * The user message the model sees: the input, then the run's files — inline text in full,
 * references by name, size and hash (a tool reads them).
 */
export function withFiles(input: string, files: RunFile[]): string {
  if (files.length === 0) return input;
  const parts = files.map((f) => {
    const meta = [`${f.size} bytes`, f.mediaType, f.sha256 && `sha256 ${f.sha256}`].filter(Boolean).join(', ');
    if (f.content !== undefined) return `--- file ${f.name} (${meta}) ---\n${f.content}\n--- end of ${f.name} ---`;
    return `--- file ${f.name} (${meta}): ${f.path ?? f.url} (not inline) ---`;
  });
  return `${input}\n\nAttached files:\n${parts.join('\n')}`;
}

export function costOf(usage: TokenUsage, pricing: ModelPricing): number {
  return (usage.inputTokens * pricing.inputPerMillionTokens + usage.outputTokens * pricing.outputPerMillionTokens) / 1_000_000;
}

/** Adds `usage` into `total` in place (cost only when either side has one). */
export function addInto(total: TokenUsage, usage: TokenUsage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
  total.totalTokens += usage.totalTokens;
  if (usage.costUsd !== undefined) total.costUsd = (total.costUsd ?? 0) + usage.costUsd;
}
