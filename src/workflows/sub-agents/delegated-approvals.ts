/**
 * The approvals a run's sub-agents are waiting for, as the run sees them: a plain class with no
 * Temporal calls (the workflow wires it to signals), so its rules are unit-tested without a server.
 *
 * A child's approval `x` reported for the tool call `t` that started the child is known here as
 * `t/x`: ids never collide with this run's own (tool call ids) nor between two children, and a
 * grandchild's approval is `t/u/x` one level further up. A decision on `t/x` is checked here
 * exactly like one on an own approval (pending? already decided? approver allowed? edit fits the
 * schema?), then forwarded to the child, which checks again and answers. While that answer is on
 * its way the approval counts as decided, so a second decision is refused rather than raced.
 */
import type { ToolSpec } from '../run/agent-spec.js';
import type { ApprovalDecisionInput, ApprovalRecord, PendingApproval } from '../run/contract.js';
import { checkDecisionAgainstRun, type DecisionProblem } from '../run/decision-rules.js';
import type { DelegatedProblem, DelegatedToolInfo, SubAgentReport } from './contract.js';

interface Entry {
  /** The id in this run's id space. */
  id: string;
  toolCallId: string;
  childWorkflowId: string;
  /** The id in the child's id space. */
  childApprovalId: string;
  approval: PendingApproval;
  tool: DelegatedToolInfo;
  record?: ApprovalRecord;
  /** The request id of a decision sent to the child and not answered yet. */
  inFlight?: string;
}

/** Who is waiting for the child's answer to a forwarded decision. */
export type RequestOrigin =
  /** An update on this run: its handler waits for the answer. */
  | { kind: 'update' }
  /** A signal sent to this run: nobody waits; a refusal is recorded as an ignored decision. */
  | { kind: 'signal'; payload: ApprovalDecisionInput }
  /** This run's parent forwarded it: the answer goes up with the parent's request id. */
  | { kind: 'relay'; upRequestId: string };

interface Request {
  entryId: string;
  origin: RequestOrigin;
}

export type Answer = { record: ApprovalRecord } | { problem: DelegatedProblem };

/** What to do with a child's answer: whom it is for. */
export type AnswerRoute = { origin: RequestOrigin; answer: Answer };

/** The separator between a sub-agent tool call id and the child's approval id. */
export const DELEGATED_ID_SEPARATOR = '/';

export function delegatedApprovalId(toolCallId: string, childApprovalId: string): string {
  return `${toolCallId}${DELEGATED_ID_SEPARATOR}${childApprovalId}`;
}

export class DelegatedApprovals {
  private readonly entries = new Map<string, Entry>();
  /** Running children by the tool call that started them. */
  private readonly children = new Map<string, string>();
  /** This run's step whose tool call started each child: the step its approvals show here. */
  private readonly childSteps = new Map<string, number>();
  private readonly requests = new Map<string, Request>();
  private readonly answers = new Map<string, Answer>();

  constructor(private readonly newRequestId: () => string) {}

  /** Takes back the decided approvals an earlier run of a continued chain had (they stay decided). */
  restore(records: readonly ApprovalRecord[]): void {
    for (const record of records) {
      const approval: PendingApproval = {
        approvalId: record.approvalId,
        toolName: record.toolName,
        input: record.requestedInput,
        requestedAt: record.decidedAt,
        step: 0,
        ...pathAndOrigin(record),
      };
      const childApprovalId = record.origin?.approvalId ?? record.approvalId;
      this.entries.set(record.approvalId, {
        id: record.approvalId,
        toolCallId: '',
        childWorkflowId: record.origin?.runId ?? '',
        childApprovalId,
        approval,
        tool: { inputSchema: {} },
        record,
      });
    }
  }

  /** A child started for tool call `toolCallId` of this run's model step `step`. */
  childStarted(toolCallId: string, childWorkflowId: string, step = 0): void {
    this.children.set(toolCallId, childWorkflowId);
    this.childSteps.set(toolCallId, step);
  }

  /** A child reported a pending approval; returns it in this run's id space, or undefined if already known. */
  requested(report: Extract<SubAgentReport, { kind: 'requested' }>): { approval: PendingApproval; tool: DelegatedToolInfo } | undefined {
    const childWorkflowId = this.children.get(report.toolCallId);
    const id = delegatedApprovalId(report.toolCallId, report.approval.approvalId);
    // A report from a child that has ended (or was never started here) has nothing left to decide.
    if (childWorkflowId === undefined || this.entries.has(id)) return undefined;
    // Shown with this run's own step (the one that called the sub-agent), not the child's.
    const approval: PendingApproval = { ...report.approval, approvalId: id, step: this.childSteps.get(report.toolCallId) ?? report.approval.step };
    this.entries.set(id, {
      id,
      toolCallId: report.toolCallId,
      childWorkflowId,
      childApprovalId: report.approval.approvalId,
      approval,
      tool: report.tool,
    });
    return { approval, tool: report.tool };
  }

  /**
   * A child reported an approval resolved. Returns the record in this run's id space (undefined
   * if unknown or already resolved) and, when it answers a forwarded decision, whom to tell.
   */
  resolved(report: Extract<SubAgentReport, { kind: 'resolved' }>): { record?: ApprovalRecord; route?: AnswerRoute } {
    const entry = this.entries.get(delegatedApprovalId(report.toolCallId, report.record.approvalId));
    let record: ApprovalRecord | undefined;
    if (entry && !entry.record) {
      record = { ...report.record, approvalId: entry.id, ...pathAndOrigin(entry.approval) };
      entry.record = record;
    }
    if (report.requestId === undefined) return record ? { record } : {};
    const answer: Answer = { record: record ?? entry?.record ?? { ...report.record } };
    const route = this.answer(report.requestId, answer);
    return { ...(record && { record }), ...(route && { route }) };
  }

  /** A child refused a forwarded decision. Returns whom to tell. */
  refused(report: Extract<SubAgentReport, { kind: 'refused' }>): AnswerRoute | undefined {
    return this.answer(report.requestId, { problem: report.problem });
  }

  /** Sending a forwarded decision failed (the child is gone): answers it with that. */
  sendFailed(requestId: string, message: string): AnswerRoute | undefined {
    return this.answer(requestId, { problem: { code: 'RUN_NOT_ACTIVE', message } });
  }

  owns(approvalId: string): boolean {
    return this.entries.has(approvalId);
  }

  /** Why a well-formed decision on a delegated approval must be refused, or undefined. */
  problemWith(decision: ApprovalDecisionInput): DecisionProblem | undefined {
    const entry = this.entries.get(decision.approvalId);
    if (!entry) return { code: 'UNKNOWN_APPROVAL', message: `No pending approval "${decision.approvalId}" on this run.` };
    if (entry.inFlight !== undefined && !entry.record) {
      return {
        code: 'APPROVAL_ALREADY_DECIDED',
        message: `Approval "${entry.id}" was already decided: the decision is on its way to sub-agent run ${entry.childWorkflowId}. A decision cannot be changed.`,
      };
    }
    const needed = entry.approval.quorum?.needed ?? 1;
    if (needed > 1 && !entry.record) {
      // Votes are counted in the sub-agent's run; relaying each one up and down is not built.
      const where = entry.approval.origin ? ` Decide it in run ${entry.approval.origin.runId} as "${entry.approval.origin.approvalId}".` : '';
      return {
        code: 'INVALID_DECISION_PAYLOAD',
        message: `Approval "${entry.id}" needs ${needed} distinct approvers and waits in a sub-agent's run: it is decided there, not through this run.${where}`,
      };
    }
    const pending = new Map(entry.record ? [] : [[entry.id, entry.approval]]);
    const decided = new Map(entry.record ? [[entry.id, entry.record]] : []);
    const tool: ToolSpec = {
      name: entry.approval.toolName,
      description: '',
      inputSchema: entry.tool.inputSchema,
      requiresApproval: true,
      ...(entry.tool.approvers && { approvers: entry.tool.approvers }),
    };
    return checkDecisionAgainstRun(decision, pending, decided, new Map([[tool.name, tool]]));
  }

  /**
   * Marks a decision (already checked with `problemWith`) as on its way and returns what to send
   * to which child.
   */
  forward(decision: ApprovalDecisionInput, origin: RequestOrigin): { childWorkflowId: string; requestId: string; decision: ApprovalDecisionInput } {
    const entry = this.entries.get(decision.approvalId);
    if (!entry) throw new Error(`forward called for unknown approval ${decision.approvalId}`);
    const requestId = this.newRequestId();
    entry.inFlight = requestId;
    this.requests.set(requestId, { entryId: entry.id, origin });
    return { childWorkflowId: entry.childWorkflowId, requestId, decision: { ...decision, approvalId: entry.childApprovalId } };
  }

  /** The answer for an update waiting on this run, once it has come (taken: asked once). */
  takeAnswer(requestId: string): Answer | undefined {
    const answer = this.answers.get(requestId);
    this.answers.delete(requestId);
    return answer;
  }

  hasAnswer(requestId: string): boolean {
    return this.answers.has(requestId);
  }

  /**
   * The child started by `toolCallId` has ended: its approvals still pending here can no longer
   * be decided. Returns their closing records and the answers owed to requests still waiting.
   */
  childEnded(toolCallId: string, reason: string, now: string): { closed: ApprovalRecord[]; routes: AnswerRoute[] } {
    const childWorkflowId = this.children.get(toolCallId);
    this.children.delete(toolCallId);
    this.childSteps.delete(toolCallId);
    const closed: ApprovalRecord[] = [];
    for (const entry of this.entries.values()) {
      if (entry.toolCallId !== toolCallId || entry.record) continue;
      entry.record = {
        approvalId: entry.id,
        toolName: entry.approval.toolName,
        decision: 'reject',
        requestedInput: entry.approval.input,
        input: entry.approval.input,
        reason,
        decidedAt: now,
        via: 'cancel',
        ...pathAndOrigin(entry.approval),
      };
      closed.push(entry.record);
    }
    const routes: AnswerRoute[] = [];
    for (const [requestId, request] of [...this.requests]) {
      if (this.entries.get(request.entryId)?.toolCallId !== toolCallId) continue;
      const message = `Sub-agent run ${childWorkflowId ?? toolCallId} has ended (${reason}); its approvals can no longer be decided.`;
      const route = this.answer(requestId, { problem: { code: 'RUN_NOT_ACTIVE', message } });
      if (route) routes.push(route);
    }
    return { closed, routes };
  }

  hasPending(): boolean {
    return this.pending().length > 0;
  }

  pending(): PendingApproval[] {
    return [...this.entries.values()].filter((e) => !e.record).map((e) => e.approval);
  }

  records(): ApprovalRecord[] {
    return [...this.entries.values()].flatMap((e) => (e.record ? [e.record] : []));
  }

  /** Settles a forwarded request: stores the answer for a waiting update, or says whom to tell. */
  private answer(requestId: string, answer: Answer): AnswerRoute | undefined {
    const request = this.requests.get(requestId);
    if (!request) return undefined;
    this.requests.delete(requestId);
    const entry = this.entries.get(request.entryId);
    if (entry?.inFlight === requestId) delete entry.inFlight;
    if (request.origin.kind === 'update') this.answers.set(requestId, answer);
    return { origin: request.origin, answer };
  }
}

function pathAndOrigin(approval: Pick<PendingApproval, 'path' | 'origin'>): Pick<ApprovalRecord, 'path' | 'origin'> {
  return { ...(approval.path && { path: approval.path }), ...(approval.origin && { origin: approval.origin }) };
}
