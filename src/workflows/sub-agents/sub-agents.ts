/**
 * Sub-agents inside `agentRun`: a tool call on another agent starts a child `agentRun`, and the
 * approvals that child (or its own children) waits for surface on this run, where they can be
 * decided like this run's own. `run/agent-run.ts` wires this class to the run by a few hooks
 * (status, decision routing, own approvals raised and decided); it registers the two signals of
 * the protocol in `contract.ts`. The bookkeeping is `DelegatedApprovals`' (a plain class).
 */
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  condition,
  executeChild,
  getExternalWorkflowHandle,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import type { ToolResult } from '../../activities/index.js';
import type { ToolSpec } from '../run/agent-spec.js';
import {
  AGENT_RUN_WORKFLOW,
  type AgentRunInput,
  type AgentRunResult,
  type AnswerQuestionInput,
  type ApprovalDecisionInput,
  type ApprovalRecord,
  type PendingApproval,
  type PendingQuestion,
  type QuestionRecord,
  type RunStatus,
} from '../run/contract.js';
import { parseDecision, type DecisionProblem } from '../run/decision-rules.js';
import type { AnswerProblem } from '../run/questions.js';
import type { RunLedger } from '../run/ledger.js';
import type { DelegatedApprovalView } from '../run/lifecycle.js';
import type { RunEvents } from '../run/run-events.js';
import type { ToolCall } from '../shared/conversation.js';
import { describeFailure } from '../shared/failures.js';
import { AGENT_ID, RUN_STATE } from '../shared/search-attributes.js';
import { childDetails, childFailure, depthProblem, parseSubAgentArgs, subAgentMessage } from './calls.js';
import {
  delegatedAnswerSignal,
  delegatedDecisionSignal,
  SUB_AGENT_HANDLER_DESCRIPTIONS,
  subAgentReportSignal,
  subAgentRunId,
  type DelegatedAnswerInput,
  type DelegatedDecisionInput,
  type DelegatedProblem,
  type SubAgentReport,
} from './contract.js';
import { DelegatedApprovals, type AnswerRoute, type RequestOrigin } from './delegated-approvals.js';
import { DelegatedQuestions, type CarriedQuestions, type QuestionReplyRoute, type QuestionRequestOrigin } from './delegated-questions.js';

type AgentRunWorkflow = (input: AgentRunInput) => Promise<AgentRunResult>;
type ReportBody = SubAgentReport extends infer R ? (R extends SubAgentReport ? Omit<R, 'toolCallId'> : never) : never;

export class SubAgents implements DelegatedApprovalView {
  private readonly delegated = new DelegatedApprovals(() => uuid4());
  private readonly questions = new DelegatedQuestions(() => uuid4());
  /**
   * Reports to the parent go one at a time, so it sees an approval requested before resolved.
   * Made on the first report: most runs have no parent, and every workflow promise costs the SDK a
   * stack capture.
   */
  private reports?: Promise<void>;
  /** Set while applying a decision the parent forwarded: the resolved report answers that request. */
  private answering?: string;
  /** Set while applying an answer the parent forwarded: the answered report replies to that request. */
  private answeringQuestion?: string;
  /** Applies an answer to one of this run's own questions (the run wires it: record, event, state). */
  applyOwnAnswer: (answer: AnswerQuestionInput) => QuestionRecord = () => {
    throw new Error('applyOwnAnswer is not wired');
  };
  /** Called whenever a sub-agent's approval comes or goes, so the run's state and UI details follow. */
  onChange: () => void = () => undefined;

  constructor(
    private readonly ledger: RunLedger,
    private readonly events: RunEvents,
    private readonly now: () => string,
  ) {
    // A run that continued as new keeps showing its sub-agents' decisions.
    this.delegated.restore(ledger.input.carried?.delegatedApprovals ?? []);
    this.questions.restore(ledger.input.carried?.delegatedQuestions);
  }

  /** Decided approvals of sub-agents, for the next run of a continued chain (none can be pending then). */
  decidedRecords(): ApprovalRecord[] {
    return this.delegated.records();
  }

  /** Answered and closed questions of sub-agents, for the next run of a continued chain (undefined: none). */
  carriedQuestions(): CarriedQuestions | undefined {
    return this.questions.carried();
  }

  /**
   * Resolves once every report to the parent has been sent, including reports queued meanwhile:
   * a run that continues as new must not drop one (the parent would never see an approval).
   */
  async flushReports(): Promise<void> {
    for (let sent: Promise<void> | undefined; sent !== this.reports; ) {
      sent = this.reports;
      await sent;
    }
  }

  /** Registers the signals children and the parent send this run. */
  installHandlers(): void {
    const describe = SUB_AGENT_HANDLER_DESCRIPTIONS;
    setHandler(subAgentReportSignal, (report) => this.onReport(report), { description: describe.subAgentReport });
    setHandler(delegatedDecisionSignal, (input) => this.onForwardedDecision(input), { description: describe.delegatedDecision });
    setHandler(delegatedAnswerSignal, (input) => this.onForwardedAnswer(input), { description: describe.delegatedAnswer });
  }

  /** This run's place in the chain: agents from the top-level run down to this one. */
  path(): string[] {
    return [...(this.ledger.input.parent?.path ?? []), this.ledger.agentId];
  }

  /** The run's status with its sub-agents' approvals and questions and its parent added. */
  status(base: RunStatus): RunStatus {
    const parent = this.ledger.input.parent;
    const closedQuestions = [...(base.closedQuestions ?? []), ...this.questions.closedQuestions()];
    return {
      ...base,
      pendingApprovals: [...base.pendingApprovals, ...this.delegated.pending()],
      approvals: [...base.approvals, ...this.delegated.records()],
      pendingQuestions: [...(base.pendingQuestions ?? []), ...this.questions.pending()],
      questions: [...(base.questions ?? []), ...this.questions.records()],
      ...(closedQuestions.length > 0 && { closedQuestions }),
      ...(parent && { parent }),
    };
  }

  /** Whether a sub-agent waits for people: an approval or a question. */
  hasPending(): boolean {
    return this.delegated.hasPending() || this.questions.hasPending();
  }

  // Decisions people send to this run -------------------------------------------------------

  /** Whether a decision payload names one of the sub-agents' approvals (then `decide…` takes it). */
  owns(payload: unknown): payload is ApprovalDecisionInput {
    const id = (payload as { approvalId?: unknown } | null)?.approvalId;
    return typeof id === 'string' && this.delegated.owns(id);
  }

  /** Why a decision must be refused, for this run's own approvals and its sub-agents' alike. */
  problemWith(payload: unknown): DecisionProblem | undefined {
    const parsed = parseDecision(payload);
    if (!parsed.ok) return parsed.problem;
    const { decision } = parsed;
    if (this.delegated.owns(decision.approvalId)) return this.delegated.problemWith(decision);
    const own = this.ledger.problemWith(decision);
    if (own?.code !== 'UNKNOWN_APPROVAL' || !this.delegated.hasPending()) return own;
    const ids = [...this.ledger.pendingApprovals(), ...this.delegated.pending()].map((p) => p.approvalId);
    return { code: own.code, message: `No pending approval "${decision.approvalId}" on this run. Pending approvals: ${ids.join(', ')}.` };
  }

  /**
   * Forwards an update's decision to the child holding the approval and waits for the child's
   * answer, so the caller gets the record the child really applied (or its refusal).
   */
  async decideByUpdate(decision: ApprovalDecisionInput): Promise<ApprovalRecord> {
    const requestId = await this.sendDown(decision, { kind: 'update' }, 'update');
    await condition(() => this.delegated.hasAnswer(requestId));
    const answer = this.delegated.takeAnswer(requestId)!;
    if ('problem' in answer) throw ApplicationFailure.create({ type: answer.problem.code, message: answer.problem.message, nonRetryable: true });
    return answer.record;
  }

  /** Forwards a signal's decision; a refusal by the child is recorded in `ignoredDecisions`. */
  async decideBySignal(decision: ApprovalDecisionInput): Promise<void> {
    await this.sendDown(decision, { kind: 'signal', payload: decision }, 'signal');
  }

  // Answers people send to this run ---------------------------------------------------------

  /** Whether an answer payload names one of the sub-agents' questions (then `answerByUpdate` takes it). */
  ownsQuestion(payload: unknown): payload is AnswerQuestionInput {
    const id = (payload as { questionId?: unknown } | null)?.questionId;
    return typeof id === 'string' && this.questions.owns(id);
  }

  /** Why an answer must be refused, for this run's own questions and its sub-agents' alike. */
  answerProblem(payload: unknown): AnswerProblem | undefined {
    if (this.ownsQuestion(payload)) return this.questions.problemWith(payload);
    const own = this.ledger.questions.problemWith(payload);
    if (own?.code !== 'UNKNOWN_QUESTION' || !this.questions.hasPending()) return own;
    const ids = [...this.ledger.questions.pendingQuestions(), ...this.questions.pending()].map((q) => q.questionId);
    return { code: own.code, message: `No pending question "${(payload as AnswerQuestionInput).questionId}" in this run; pending: ${ids.join(', ')}.` };
  }

  /**
   * Forwards an update's answer to the child holding the question and waits for the child's
   * reply, so the caller gets the record the child really applied (or its refusal).
   */
  async answerByUpdate(answer: AnswerQuestionInput): Promise<QuestionRecord> {
    const requestId = await this.sendAnswerDown(answer, { kind: 'update' });
    await condition(() => this.questions.hasReply(requestId));
    const reply = this.questions.takeReply(requestId)!;
    if ('problem' in reply) throw ApplicationFailure.create({ type: reply.problem.code, message: reply.problem.message, nonRetryable: true });
    return reply.record;
  }

  // This run's own approvals and questions, reported to the parent ---------------------------

  ownQuestionAsked(question: PendingQuestion): void {
    this.reportUp({ kind: 'question.asked', question: { ...question, path: this.path(), origin: { runId: this.ledger.runId, questionId: question.questionId } } });
  }

  ownQuestionAnswered(record: QuestionRecord): void {
    this.reportUp({
      kind: 'question.answered',
      record: { ...record, path: this.path(), origin: { runId: this.ledger.runId, questionId: record.questionId } },
      ...(this.answeringQuestion !== undefined && { requestId: this.answeringQuestion }),
    });
  }

  ownApprovalRequested(approval: PendingApproval, tool: ToolSpec | undefined): void {
    this.reportUp({
      kind: 'requested',
      approval: { ...approval, path: this.path(), origin: { runId: this.ledger.runId, approvalId: approval.approvalId } },
      tool: { inputSchema: tool?.inputSchema ?? {}, ...(tool?.approvers && { approvers: tool.approvers }) },
    });
  }

  ownApprovalDecided(record: ApprovalRecord): void {
    this.reportUp({
      kind: 'resolved',
      record: { ...record, path: this.path(), origin: { runId: this.ledger.runId, approvalId: record.approvalId } },
      ...(this.answering !== undefined && { requestId: this.answering }),
    });
  }

  // Calling a sub-agent -----------------------------------------------------------------------

  /**
   * Runs a sub-agent tool call as a child run and returns its answer as the tool result. Every
   * way it can go wrong short of this run's own cancellation is a tool error for the model.
   */
  async call(call: ToolCall, spec: ToolSpec, args: Record<string, unknown>): Promise<ToolResult> {
    const agentId = spec.subAgent!.agentId;
    const request = parseSubAgentArgs(call.name, args);
    if ('error' in request) return { content: request.error, isError: true };
    const callerDepth = this.ledger.input.parent?.depth ?? 0;
    const tooDeep = depthProblem(agentId, this.path(), callerDepth, this.ledger.limits!.maxAgentDepth);
    if (tooDeep) return { content: tooDeep, isError: true };

    const childId = subAgentRunId(this.ledger.runId, call.id);
    const from = this.ledger.agentId;
    const message = subAgentMessage(request, from);
    this.events.emit({ type: 'subagent.started', step: this.ledger.step, toolCallId: call.id, agentId, runId: childId, path: [...this.path(), agentId] });
    this.delegated.childStarted(call.id, childId, this.ledger.step);
    this.questions.childStarted(call.id, childId, this.ledger.step);
    let ending = 'it completed';
    try {
      const result = await executeChild<AgentRunWorkflow>(AGENT_RUN_WORKFLOW, {
        workflowId: childId,
        args: [
          {
            agentId,
            input: message,
            ...(this.ledger.input.context !== undefined && { context: this.ledger.input.context }),
            parent: { workflowId: this.ledger.runId, toolCallId: call.id, path: this.path(), depth: callerDepth + 1 },
          },
        ],
        staticSummary: `sub-agent ${agentId} · from ${from}`,
        staticDetails: childDetails({ agentId, from, runId: this.ledger.runId, toolCallId: call.id, message }),
        typedSearchAttributes: [
          { key: RUN_STATE, value: 'starting' },
          { key: AGENT_ID, value: agentId },
        ],
        // The id is derived from this call: never start a second run under it.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        // Cancelling this run cancels the child through the scope; if this run is terminated
        // instead, the child is asked to cancel (closing its approvals) rather than left running.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      });
      // A run's usage includes its sub-agents': it is what the run cost.
      this.ledger.addUsage(result.usage);
      return { content: result.output, isError: false, ...(result.outputRef && { contentRef: result.outputRef }) };
    } catch (err) {
      // This run is being cancelled: the child was cancelled with it; end as cancelled too.
      if (CancellationScope.current().consideredCancelled) throw err;
      const failed = childFailure(err, agentId, childId);
      if (!failed) throw err;
      ending = failed.ending;
      return failed.result;
    } finally {
      const reason = `sub-agent run ${childId} ended: ${ending}`;
      const { closed, routes } = this.delegated.childEnded(call.id, reason, this.now());
      for (const record of closed) this.resolvedHere(record);
      routes.forEach((r) => this.deliver(r));
      const questions = this.questions.childEnded(call.id, reason, this.now());
      for (const question of questions.closed) this.events.emit({ type: 'question.closed', question });
      questions.routes.forEach((r) => this.deliverReply(r));
      if (closed.length || questions.closed.length) this.onChange();
    }
  }

  // Protocol ----------------------------------------------------------------------------------

  private onReport(report: SubAgentReport): void {
    if (report.kind === 'requested') {
      const added = this.delegated.requested(report);
      if (!added) return;
      this.events.emit({ type: 'approval.requested', approval: added.approval });
      this.reportUp({ kind: 'requested', approval: added.approval, tool: added.tool });
      this.onChange();
    } else if (report.kind === 'resolved') {
      const { record, route } = this.delegated.resolved(report);
      const upRequestId = route?.origin.kind === 'relay' ? route.origin.upRequestId : undefined;
      if (record) {
        this.events.emit({ type: 'approval.resolved', decision: record });
        this.onChange();
      }
      const answered = record ?? (route && 'record' in route.answer ? route.answer.record : undefined);
      if (answered && (record || upRequestId !== undefined)) {
        this.reportUp({ kind: 'resolved', record: answered, ...(upRequestId !== undefined && { requestId: upRequestId }) });
      }
    } else if (report.kind === 'refused') {
      this.refused(report.requestId, report.problem);
    } else if (report.kind === 'question.asked') {
      const added = this.questions.asked(report.toolCallId, report.question);
      if (!added) return;
      this.events.emit({ type: 'question.asked', question: added });
      this.reportUp({ kind: 'question.asked', question: added });
      this.onChange();
    } else {
      const { record, route } = this.questions.answered(report.toolCallId, report.record, report.requestId);
      const upRequestId = route?.origin.kind === 'relay' ? route.origin.upRequestId : undefined;
      if (record) {
        this.events.emit({ type: 'question.answered', answer: record });
        this.onChange();
      }
      const answered = record ?? (route && 'record' in route.reply ? route.reply.record : undefined);
      if (answered && (record || upRequestId !== undefined)) {
        this.reportUp({ kind: 'question.answered', record: answered, ...(upRequestId !== undefined && { requestId: upRequestId }) });
      }
    }
  }

  /** A refusal from a child answers a forwarded decision or a forwarded answer, whichever the request was. */
  private refused(requestId: string, problem: DelegatedProblem): void {
    const route = this.delegated.refused({ kind: 'refused', toolCallId: '', requestId, problem });
    if (route) this.deliver(route);
    else this.deliverReply(this.questions.refused(requestId, problem));
  }

  /** An answer the parent forwarded: apply it to an own question, or pass it further down. */
  private async onForwardedAnswer({ requestId, answer }: DelegatedAnswerInput): Promise<void> {
    const refuse = (problem: AnswerProblem) => this.reportUp({ kind: 'refused', requestId, problem });
    if (this.questions.owns(answer.questionId)) {
      const problem = this.questions.problemWith(answer);
      if (problem) return refuse(problem);
      await this.sendAnswerDown(answer, { kind: 'relay', upRequestId: requestId });
      return;
    }
    const problem = this.ledger.questions.problemWith(answer);
    if (problem) return refuse(problem);
    this.answeringQuestion = requestId;
    try {
      this.applyOwnAnswer(answer);
    } finally {
      this.answeringQuestion = undefined;
    }
  }

  private async sendAnswerDown(answer: AnswerQuestionInput, origin: QuestionRequestOrigin): Promise<string> {
    const out = this.questions.forward(answer, origin);
    try {
      await getExternalWorkflowHandle(out.childWorkflowId).signal(delegatedAnswerSignal, { requestId: out.requestId, answer: out.answer });
    } catch (err) {
      const message = `Sub-agent run ${out.childWorkflowId} could not be reached: ${describeFailure(err)}`;
      this.deliverReply(this.questions.refused(out.requestId, { code: 'RUN_NOT_ACTIVE', message }));
    }
    return out.requestId;
  }

  /** Passes a refused answer up to the parent that forwarded it (an update takes its stored reply). */
  private deliverReply(route: QuestionReplyRoute | undefined): void {
    if (route?.origin.kind === 'relay' && 'problem' in route.reply) this.reportUp({ kind: 'refused', requestId: route.origin.upRequestId, problem: route.reply.problem });
  }

  /** A decision the parent forwarded: apply it to an own approval, or pass it further down. */
  private async onForwardedDecision({ requestId, decision, via }: DelegatedDecisionInput): Promise<void> {
    const refuse = (problem: DecisionProblem) => this.reportUp({ kind: 'refused', requestId, problem });
    if (this.delegated.owns(decision.approvalId)) {
      const problem = this.delegated.problemWith(decision);
      if (problem) return refuse(problem);
      await this.sendDown(decision, { kind: 'relay', upRequestId: requestId }, via);
      return;
    }
    const problem = this.ledger.problemWith(decision);
    if (problem) return refuse(problem);
    this.answering = requestId;
    try {
      this.ledger.applyDecision(decision, via, this.now());
    } finally {
      this.answering = undefined;
    }
  }

  private async sendDown(decision: ApprovalDecisionInput, origin: RequestOrigin, via: 'signal' | 'update'): Promise<string> {
    const out = this.delegated.forward(decision, origin);
    try {
      await getExternalWorkflowHandle(out.childWorkflowId).signal(delegatedDecisionSignal, { requestId: out.requestId, decision: out.decision, via });
    } catch (err) {
      this.deliver(this.delegated.sendFailed(out.requestId, `Sub-agent run ${out.childWorkflowId} could not be reached: ${describeFailure(err)}`));
    }
    return out.requestId;
  }

  /** Passes a refusal to whoever is owed it (records travel with `resolved` reports). */
  private deliver(route: AnswerRoute | undefined): void {
    if (!route || !('problem' in route.answer)) return;
    const { origin } = route;
    const { problem } = route.answer;
    if (origin.kind === 'relay') this.reportUp({ kind: 'refused', requestId: origin.upRequestId, problem });
    else if (origin.kind === 'signal') this.ledger.recordIgnored(origin.payload, problem, this.now());
    // 'update': the waiting handler takes the stored answer.
  }

  private resolvedHere(record: ApprovalRecord): void {
    this.events.emit({ type: 'approval.resolved', decision: record });
    this.reportUp({ kind: 'resolved', record });
  }

  private reportUp(body: ReportBody): void {
    const parent = this.ledger.input.parent;
    if (!parent) return;
    const report = { ...body, toolCallId: parent.toolCallId } as SubAgentReport;
    const handle = getExternalWorkflowHandle(parent.workflowId);
    // A parent that has ended has nothing left to show or decide: a failed report is dropped.
    this.reports = (this.reports ?? Promise.resolve()).then(() => handle.signal(subAgentReportSignal, report)).catch(() => undefined);
  }
}
