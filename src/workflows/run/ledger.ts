/**
 * The ledger of one run: what it has done and holds (steps, transcript, usage, agent state, its
 * routing and agent spec) and its own approvals with the rules for deciding them, as a plain class
 * the workflow owns. No Temporal calls, so its rules are unit-tested without a server. The run's
 * lifecycle (its state, search attribute, events, UI details) is `RunLifecycle`'s.
 */
import type { AgentSpec, ToolSpec } from './agent-spec.js';
import type { CarriedLedger } from './continue-as-new.js';
import type {
  AgentRunInput,
  AgentRunResult,
  ApprovalDecisionInput,
  ApprovalRecord,
  ApprovalVote,
  DecisionResult,
  JudgeVerdict,
  PendingApproval,
  PolicyOutcome,
  RoutingDecision,
  RunFile,
  RunState,
  RunStatus,
  ToolRunContext,
} from './contract.js';
import type { ApprovalGrant } from '../grants/contract.js';
import { grantFrom, grantProblem } from '../grants/run-grants.js';
import type { ApprovalRuleSpec } from './approval-rules.js';
import { countVote } from './quorum.js';
import { checkDecisionAgainstRun, parseDecision, type DecisionProblem } from './decision-rules.js';
import { firstMessageOf } from './first-message.js';
import { IgnoredDecisionLog } from './ignored-decisions.js';
import { QuestionBook } from './questions.js';
import { ClientToolCalls } from './client-tools.js';
import { needsReference, previewOf, type ContentRef } from '../shared/content-ref.js';
import type { ToolCall, TranscriptMessage } from '../shared/conversation.js';
import { addInto, costOf, zeroUsage, type ModelPricing, type TokenUsage } from '../shared/usage.js';

/**
 * A run's context, state and files ride in each tool call's input up to this many characters of
 * JSON; larger ones are read by the `toolContext` query (so history grows by at most this per call).
 */
export const MAX_INLINE_TOOL_CONTEXT_CHARS = 4 * 1024;

export class RunLedger {
  step = 0;
  output?: string;
  /** Where the whole final answer is, when the model's answer was kept by reference. */
  outputRef?: ContentRef;
  error?: string;
  readonly transcript: TranscriptMessage[];
  readonly usage: TokenUsage = zeroUsage();
  /** The agent running: the requested one, until routing picks one. */
  agentId: string;
  /** The agent's own state: starts as the run input's `state`, updated by tools. */
  agentState: Record<string, unknown>;
  private routing?: RoutingDecision;
  private policy?: PolicyOutcome;
  private agent?: AgentSpec;
  private tools = new Map<string, ToolSpec>();
  private readonly pending = new Map<string, PendingApproval>();
  private readonly decided = new Map<string, ApprovalRecord>();
  private readonly ignored: IgnoredDecisionLog;
  /** Questions the agent asked a person (`ask_human`). */
  readonly questions: QuestionBook;
  /** Calls of client tools waiting for (or given) their results from the caller's app. */
  readonly clientTools: ClientToolCalls;
  /** The run's files as it keeps them (big inline contents by reference, once stored). */
  private files: RunFile[];
  /** The whole first user message while it waits to be stored by reference (`keepInputByReference`). */
  private pendingInput?: string;
  /** Called for every recorded decision, however it came (person, deadline, run ending). */
  onDecided?: (record: ApprovalRecord) => void;
  /** Called for every approval counted towards a quorum that is not yet reached. */
  onVoted?: (approval: PendingApproval, vote: ApprovalVote) => void;
  /** Called for every approval requested (tool call or graph interrupt), after it is pending. */
  onRequested?: (approval: PendingApproval) => void;

  constructor(
    readonly runId: string,
    readonly input: AgentRunInput,
  ) {
    const carried = input.carried?.ledger;
    // A fork starts with the model's message of the step it was forked from: the user's message and
    // everything up to that step are the original's, read by reference (`input.history`).
    const fork = carried ? undefined : input.fork;
    const first = firstMessageOf(input);
    if (first !== undefined && needsReference(first)) this.pendingInput = first;
    // A big input shows as a preview until it is stored; the model is called only after that.
    this.transcript = carried ? [...carried.transcript] : fork ? [fork.message] : [{ role: 'user', content: this.pendingInput ? previewOf(first!) : first! }];
    if (fork) this.step = fork.of.step;
    this.files = carried?.files ?? input.files ?? [];
    this.agentId = carried?.agentId ?? input.agentId ?? 'auto';
    this.agentState = { ...(carried?.agentState ?? input.state ?? {}) };
    this.questions = new QuestionBook(carried?.questions);
    this.clientTools = new ClientToolCalls((name) => this.tool(name), carried?.clientTools);
    this.ignored = new IgnoredDecisionLog(carried && { kept: carried.ignoredDecisions, total: carried.ignoredDecisionCount });
    if (carried) {
      this.step = carried.step;
      Object.assign(this.usage, carried.usage);
      this.routing = carried.routing;
      this.policy = carried.policy;
      this.setAgent(carried.agent);
      for (const record of carried.approvals) this.decided.set(record.approvalId, record);
      for (const approval of carried.pending ?? []) this.pending.set(approval.approvalId, approval);
    }
  }

  /**
   * What a continued run needs to go on where this one stops (between steps, or parked on
   * approvals): the conversation, totals, decisions, pending approvals, routing and agent spec.
   */
  snapshot(): CarriedLedger {
    if (!this.agent || !this.routing || !this.policy) throw new Error('snapshot() before the run was planned');
    return {
      agentId: this.agentId,
      step: this.step,
      transcript: [...this.transcript],
      files: this.files,
      usage: { ...this.usage },
      agentState: this.agentState,
      routing: this.routing,
      policy: this.policy,
      agent: this.agent,
      approvals: this.approvals(),
      ...(this.pending.size > 0 && { pending: this.pendingApprovals() }),
      questions: { pending: this.questions.pendingQuestions(), answered: this.questions.answeredQuestions() },
      clientTools: { pending: this.clientTools.pendingCalls(), supplied: this.clientTools.suppliedResults() },
      ignoredDecisions: this.ignored.list(),
      ignoredDecisionCount: this.ignored.count,
    };
  }

  /** Whether the first message or an inline file is big enough to be kept by reference (`keepInputByReference`). */
  get hasInputToStore(): boolean {
    return this.pendingInput !== undefined || this.files.some((f) => f.content !== undefined && needsReference(f.content));
  }

  /**
   * Keeps a big first message and big inline files by reference, by `store` (an activity; undefined
   * when the workers have no payload store: the texts then stay inline).
   */
  async keepInputByReference(store: (text: string) => Promise<ContentRef | undefined>): Promise<void> {
    const text = this.pendingInput;
    const files = await Promise.all(
      this.files.map(async (f) => {
        if (f.content === undefined || !needsReference(f.content)) return f;
        const contentRef = await store(f.content);
        if (!contentRef) return f;
        const { content: _whole, ...rest } = f;
        return { ...rest, contentRef };
      }),
    );
    this.files = files;
    if (text === undefined) return;
    const contentRef = await store(text);
    this.transcript[0] = contentRef ? { role: 'user', content: previewOf(text, contentRef), contentRef } : { role: 'user', content: text };
    this.pendingInput = undefined;
  }

  /** Merges a tool's agent-state update (shallow). */
  applyAgentStateUpdate(update: Record<string, unknown> | undefined): void {
    if (update) this.agentState = { ...this.agentState, ...update };
  }

  toolContext(): ToolRunContext {
    return { context: this.input.context ?? {}, state: this.agentState, files: this.files };
  }

  /**
   * What a tool call's input says of the run's context, state and files: nothing to read
   * (`noRunContext`), all of it when small (`runContext`, at most {@link MAX_INLINE_TOOL_CONTEXT_CHARS}
   * of JSON; big files are references already), or neither, and the activity asks the run by query.
   * Either of the first two spares the tool a round trip through the server before it starts.
   * A `local` call always gets all of it: it runs inside this run's workflow task, and the server
   * answers a query only once that task completes, so a query would wait on the call itself. (A
   * local activity's input is not recorded in history; only its result is, in its marker.)
   */
  toolContextForInput(local = false): { noRunContext?: true; runContext?: ToolRunContext } {
    const run = this.toolContext();
    const { context, state, files } = run;
    if (Object.keys(context).length === 0 && Object.keys(state).length === 0 && files.length === 0) return { noRunContext: true };
    return local || JSON.stringify(run).length <= MAX_INLINE_TOOL_CONTEXT_CHARS ? { runContext: run } : {};
  }

  setRouting(routing: RoutingDecision, policy: PolicyOutcome): void {
    this.routing = routing;
    this.policy = policy;
    this.agentId = routing.selectedAgentId;
  }

  setAgent(agent: AgentSpec): void {
    this.agent = agent;
    this.tools = new Map(agent.tools.map((t) => [t.name, t]));
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

  /**
   * Parks a tool call (or a graph interrupt, with `interrupt` set) until a person decides it, or
   * until `rule.approvals` distinct people approve it when an approval rule asked. `judge`: the
   * tool's model judge escalated it (its reason is shown to the people who decide).
   */
  requestApproval(call: ToolCall, now: string, interrupt?: PendingApproval['interrupt'], rule?: ApprovalRuleSpec, judge?: JudgeVerdict): PendingApproval {
    const spec = this.tools.get(call.name);
    const timeoutMs = spec?.approvalTimeoutMs;
    const approval: PendingApproval = {
      approvalId: call.id,
      toolName: call.name,
      input: call.args,
      requestedAt: now,
      step: this.step,
      ...((rule?.approvers ?? spec?.approvers)?.length && { approvers: [...(rule?.approvers ?? spec!.approvers!)] }),
      ...(timeoutMs !== undefined && {
        deadline: { at: new Date(Date.parse(now) + timeoutMs).toISOString(), onTimeout: spec?.onApprovalTimeout ?? 'reject' },
      }),
      ...(interrupt && { interrupt }),
      ...(rule && {
        quorum: { rule: rule.name, needed: rule.approvals ?? 1, ...(rule.approvers && { approvers: rule.approvers }), votes: [] },
      }),
      ...(judge && { judge }),
    };
    this.pending.set(call.id, approval);
    this.onRequested?.(approval);
    return approval;
  }

  /** The run's own approvals waiting for a decision. */
  pendingApprovals(): PendingApproval[] {
    return [...this.pending.values()];
  }

  /** The run's own approval `approvalId` while it waits for a decision. */
  pendingApproval(approvalId: string): PendingApproval | undefined {
    return this.pending.get(approvalId);
  }

  hasPendingApprovals(): boolean {
    return this.pending.size > 0;
  }

  /** Whether the run waits for people: a pending approval, an unanswered `ask_human` question or a client tool call. */
  waitsForPeople(): boolean {
    return this.pending.size > 0 || this.questions.hasPending() || this.clientTools.hasPending();
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
    const grant = parsed.decision.grant && grantProblem(parsed.decision, this.pending.get(parsed.decision.approvalId)!, this.tools, this.input.threadId);
    if (grant) return { code: 'INVALID_DECISION_PAYLOAD', message: grant };
    const allowed = this.pending.get(parsed.decision.approvalId)?.interrupt?.allowedDecisions;
    if (allowed && !allowed.includes(parsed.decision.decision)) {
      return {
        code: 'INVALID_DECISION_PAYLOAD',
        message: `Approval "${parsed.decision.approvalId}" accepts only ${allowed.join(', ')} (the graph's review config); "${parsed.decision.decision}" is not allowed.`,
      };
    }
    return undefined;
  }

  /**
   * Applies a decision that `problemWith` accepted. An approve that leaves an approval short of its
   * quorum is counted and answered with the progress; the approval stays pending.
   */
  applyDecision(decision: ApprovalDecisionInput, via: 'signal' | 'update', now: string): DecisionResult;
  applyDecision(decision: ApprovalDecisionInput, via: 'timeout' | 'cancel', now: string): ApprovalRecord;
  applyDecision(decision: ApprovalDecisionInput, via: ApprovalRecord['via'], now: string): DecisionResult {
    const approval = this.pending.get(decision.approvalId);
    if (!approval) throw new Error(`applyDecision called for unknown approval ${decision.approvalId}`);
    if ((via === 'signal' || via === 'update') && approval.quorum) {
      const vote = countVote(approval, decision, via, now);
      if (vote) {
        this.onVoted?.(approval, vote);
        return { status: 'pending', approvalId: approval.approvalId, toolName: approval.toolName, quorum: approval.quorum };
      }
    }
    return this.close(approval, decision, via, now);
  }

  /**
   * Decides a tool call by an approval rule on its arguments, without asking anyone: recorded
   * `via: "policy"` with the rule's name and reason.
   */
  decideByRule(call: ToolCall, rule: ApprovalRuleSpec & { decide: 'approve' | 'reject' }, now: string): ApprovalRecord {
    const approval: PendingApproval = { approvalId: call.id, toolName: call.name, input: call.args, requestedAt: now, step: this.step };
    const reason = rule.reason ?? `approval rule ${rule.name}`;
    return this.close(approval, { approvalId: call.id, decision: rule.decide, reason }, 'policy', now, rule.name);
  }

  /**
   * Approves a tool call a standing grant covers, without asking: recorded `via: "grant"`, with
   * the grant and who gave it as the approver.
   */
  decideByGrant(call: ToolCall, grant: ApprovalGrant, now: string): ApprovalRecord {
    const approval: PendingApproval = { approvalId: call.id, toolName: call.name, input: call.args, requestedAt: now, step: this.step };
    const reason = `covered by grant ${grant.grantId} (${grant.scope}) from ${grant.grantedBy}`;
    const record = this.close(approval, { approvalId: call.id, decision: 'approve', approver: grant.grantedBy, reason }, 'grant', now);
    record.grant = grant;
    return record;
  }

  /**
   * Approves a tool call the tool's model judge approved, without asking: recorded `via: "judge"`
   * with the judge's reason and verdict (never a rejection: a judge only approves or escalates).
   */
  decideByJudge(call: ToolCall, verdict: JudgeVerdict & { decision: 'approve' }, now: string): ApprovalRecord {
    const approval: PendingApproval = { approvalId: call.id, toolName: call.name, input: call.args, requestedAt: now, step: this.step, judge: verdict };
    return this.close(approval, { approvalId: call.id, decision: 'approve', reason: verdict.reason }, 'judge', now);
  }

  private close(approval: PendingApproval, decision: ApprovalDecisionInput, via: ApprovalRecord['via'], now: string, rule?: string): ApprovalRecord {
    const votes = approval.quorum && approval.quorum.needed > 1 && approval.quorum.votes.length > 0 ? approval.quorum.votes : undefined;
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
      ...((rule ?? approval.quorum?.rule) !== undefined && { rule: rule ?? approval.quorum?.rule }),
      ...(votes && { votes: [...votes] }),
      ...(approval.judge && { judge: approval.judge }),
      ...(decision.grant && decision.decision === 'approve' && { grant: grantFrom(this.runId, this.agentId, this.input.threadId, approval, decision, now) }),
    };
    this.pending.delete(decision.approvalId);
    this.decided.set(decision.approvalId, record);
    this.onDecided?.(record);
    return record;
  }

  /** Decides an approval without a person: its deadline passed. */
  decideOnTimeout(approvalId: string, decision: 'approve' | 'reject', reason: string, now: string): ApprovalRecord {
    const quorum = this.pending.get(approvalId)?.quorum;
    if (decision === 'approve' && quorum && quorum.needed > 1) {
      // Several people were required: a deadline must not stand in for the ones who did not approve.
      const short = `${reason}; ${quorum.votes.length} of ${quorum.needed} approvals, so not approved`;
      return this.applyDecision({ approvalId, decision: 'reject', reason: short }, 'timeout', now);
    }
    return this.applyDecision({ approvalId, decision, reason }, 'timeout', now);
  }

  /** Closes every pending approval when the run ends without them (cancelled, failed, timed out). */
  closePending(reason: string, now: string): void {
    for (const id of [...this.pending.keys()]) {
      this.applyDecision({ approvalId: id, decision: 'reject', reason }, 'cancel', now);
    }
  }

  /** Records a refused decision signal (as a digest: see `IgnoredDecisionLog`). */
  recordIgnored(payload: unknown, problem: { code: string; message: string }, now: string): void {
    this.ignored.record(payload, problem.code, `${problem.code}: ${problem.message}`, now);
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

  /** What the `status` query shows of this run in `state` (sub-agents' approvals are added by `SubAgents`). */
  status(state: RunState): RunStatus {
    return {
      runId: this.runId,
      agentId: this.agentId,
      ...(this.routing && { routing: this.routing }),
      ...(this.policy && { policy: this.policy }),
      ...(this.input.threadId !== undefined && { threadId: this.input.threadId }),
      ...(this.input.fork && { forkOf: this.input.fork.of }),
      state,
      step: this.step,
      pendingApprovals: [...this.pending.values()],
      approvals: this.approvals(),
      pendingQuestions: this.questions.pendingQuestions(),
      questions: this.questions.answeredQuestions(),
      pendingToolCalls: this.clientTools.pendingCalls(),
      toolResults: this.clientTools.suppliedResults(),
      ...(this.questions.closedQuestions().length > 0 && { closedQuestions: this.questions.closedQuestions() }),
      ...(this.clientTools.closedCalls().length > 0 && { closedToolCalls: this.clientTools.closedCalls() }),
      ignoredDecisions: this.ignored.list(),
      ignoredDecisionCount: this.ignored.count,
      usage: { ...this.usage },
      agentState: this.agentState,
      ...(this.output !== undefined && { output: this.output }),
      ...(this.outputRef && { outputRef: this.outputRef }),
      ...(this.error !== undefined && { error: this.error }),
    };
  }

  /** What a completed run returns. */
  result(output: string): AgentRunResult {
    return {
      runId: this.runId,
      agentId: this.agentId,
      output,
      ...(this.outputRef && { outputRef: this.outputRef }),
      messages: this.transcript,
      steps: this.step,
      approvals: this.approvals(),
      usage: { ...this.usage },
      agentState: this.agentState,
    };
  }

  /** The agent's own approval webhooks (a tool's come with `tool(name).notify`). */
  get agentNotify(): AgentSpec['notify'] {
    return this.agent?.notify;
  }

  /** How the agent runs (`graph`), once planned; undefined for the built-in loop. */
  get execution(): AgentSpec['execution'] {
    return this.agent?.execution;
  }

  get limits(): AgentSpec['limits'] | undefined {
    return this.agent?.limits;
  }
}

/** The message a model gets for a rejected tool call: who rejected it and why. */
export function rejectionMessage(record: ApprovalRecord): string {
  const who = record.approver ? ` by ${record.approver}` : '';
  const why = record.reason ? `: ${record.reason}` : '';
  return `Tool call rejected${who}${why}. The tool did not run.`;
}
