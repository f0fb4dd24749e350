/** A handle on one run: read its status, decide its approvals, wait for it, cancel it. */
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { answerQuestionUpdate, approvalDecisionSignal, decideApprovalUpdate, statusQuery, supplyToolResultUpdate } from '../workflows/run/contract.js';
import type { AgentRunResult, ApprovalDecisionInput, DecisionResult, QuestionRecord, RunStatus, SuppliedToolResult } from '../workflows/run/contract.js';
import { supplyShapeProblem } from '../workflows/run/client-tools.js';
import { answerShapeProblem } from '../workflows/run/questions.js';
import { decisionSizeProblem } from '../workflows/run/decision-rules.js';
import type { GrantRequest } from '../workflows/grants/contract.js';
import type { HarnessEventItem } from '../workflows/run/events.js';
import type { ContentRef } from '../workflows/shared/content-ref.js';
import type { TranscriptMessage, TranscriptPage, TranscriptPageInput } from '../workflows/shared/conversation.js';
import { contentBlobsOf, findContentRef, readTranscript, readTranscriptPage } from './run-contents.js';
import { followRunEvents, type RunEventsOptions } from './run-events.js';
import { classifyTemporalError, type FailureSubject } from './classify.js';
import { DecisionRejectedError, HarnessClientError } from './errors.js';

/** How a decision reaches the run. */
export interface DecideOptions {
  /**
   * `update` (default) answers with the recorded decision or throws `DecisionRejectedError`;
   * `signal` is fire-and-forget: a refused signal is only recorded in `status().ignoredDecisions`.
   */
  via?: 'update' | 'signal';
}

/** Which approval a decision is for, who decides it and why (recorded with the decision). */
export interface DecisionDetails extends DecideOptions {
  /** Which approval; may be omitted when the run has exactly one pending. */
  approvalId?: string;
  approver?: string;
  /** Roles the approver holds, for tools whose `approvers` list `role:<name>`. */
  approverRoles?: string[];
  reason?: string;
  /** With `approve`: also approve later calls this grant covers (see `ApprovalDecisionInput.grant`). */
  grant?: GrantRequest;
}

/** Failures of a status query that can pass while `waitFor` keeps polling. */
const TRANSIENT_STATUS_CODES: ReadonlySet<string> = new Set(['RUN_NOT_FOUND', 'QUERY_TIMEOUT', 'TEMPORAL_TIMEOUT', 'TEMPORAL_UNAVAILABLE']);

/**
 * One run: its status, result, events, and the decisions on its approvals. Get one from
 * {@link HarnessClient.startRun} or {@link HarnessClient.getRun}; making a handle calls nothing.
 * @example
 * const run = harness.getRun('run-1234');
 * const { pendingApprovals } = await run.status();
 * await run.reject({ approvalId: pendingApprovals[0]!.approvalId, approver: 'bob', reason: 'wrong order' });
 */
export class RunHandle {
  /** `temporal`: lets `events()` follow the run when it continues as new (a long run does). */
  constructor(
    readonly runId: string,
    private readonly handle: WorkflowHandle,
    private readonly temporal?: Client,
  ) {}

  /**
   * Whether the server handed this run's first workflow task straight to a worker in this process
   * (eager workflow start, see `HarnessClientOptions.eagerStart`). Known only on the handle
   * `startRun` returned; `false` everywhere else.
   */
  get eagerlyStarted(): boolean {
    return (this.handle as { eagerlyStarted?: boolean }).eagerlyStarted === true;
  }

  /**
   * The run's state, pending approvals, decisions, output or error (works on finished runs too).
   * @throws {HarnessClientError} `RUN_NOT_FOUND` when there is no such run, `QUERY_TIMEOUT` when no
   *   worker answers, or another code of `classifyTemporalError`.
   */
  async status(): Promise<RunStatus> {
    try {
      return await this.handle.query(statusQuery);
    } catch (err) {
      throw this.classify(err, 'query');
    }
  }

  /**
   * Waits for the run to finish and returns its result.
   * @throws {RunFailedError} `RUN_FAILED` / `RUN_CANCELLED` with the run's own error message.
   */
  async result(): Promise<AgentRunResult> {
    try {
      return (await this.handle.result()) as AgentRunResult;
    } catch (err) {
      throw this.classify(err);
    }
  }

  /**
   * Sends a decision. Via update (default) it returns the recorded decision (or, for an approval
   * still short of its approvers, `ApprovalProgress`: see `isApprovalProgress`) or throws.
   * @throws {DecisionRejectedError} with the run's reason (`UNKNOWN_APPROVAL`, `APPROVAL_ALREADY_DECIDED`,
   *   `INVALID_EDIT_INPUT`, `INVALID_DECISION_PAYLOAD`, `DECISION_TOO_LARGE` — over
   *   `DECISION_LIMITS.payloadBytes`, checked before sending) or `RUN_NOT_ACTIVE` for a finished run.
   * @throws {HarnessClientError} `UPDATE_TIMEOUT` when no worker answers in time (the decision may
   *   or may not be recorded: read `status()` before retrying), `RUN_NOT_FOUND`.
   */
  async decide(decision: ApprovalDecisionInput, options: DecideOptions = {}): Promise<DecisionResult | undefined> {
    // Checked here too, so an oversized signal (which the run could only record and ignore) is never sent.
    const tooLarge = decisionSizeProblem(decision);
    if (tooLarge) throw new DecisionRejectedError(tooLarge.code, tooLarge.message);
    try {
      if (options.via === 'signal') {
        await this.handle.signal(approvalDecisionSignal, decision);
        return undefined;
      }
      return await this.handle.executeUpdate(decideApprovalUpdate, { args: [decision] });
    } catch (err) {
      throw await this.classifyForDecision(this.classify(err, 'update'));
    }
  }

  /** Approves a pending tool call as it is. */
  async approve(details: DecisionDetails = {}): Promise<DecisionResult | undefined> {
    return this.decide({ ...(await this.decisionBase(details)), decision: 'approve' }, details);
  }

  /** Rejects a pending tool call: it does not run, and the model is told by whom and why. */
  async reject(details: DecisionDetails = {}): Promise<DecisionResult | undefined> {
    return this.decide({ ...(await this.decisionBase(details)), decision: 'reject' }, details);
  }

  /** Approves a pending tool call with a replacement input (validated against the tool's schema). */
  async edit(input: Record<string, unknown>, details: DecisionDetails = {}): Promise<DecisionResult | undefined> {
    return this.decide({ ...(await this.decisionBase(details)), decision: 'edit', input }, details);
  }

  /**
   * Answers the agent's pending `ask_human` question; the answer becomes the tool's result and the
   * run goes on. Without `questionId` the run must have exactly one pending question.
   * @throws {DecisionRejectedError} `UNKNOWN_QUESTION`, `QUESTION_ALREADY_ANSWERED`, `INVALID_ANSWER`
   *   (empty, or over `QUESTION_LIMITS.answerChars`: checked before sending), `NO_PENDING_APPROVAL` /
   *   `AMBIGUOUS_APPROVAL` when no `questionId` is given and there is not exactly one question, or `RUN_NOT_ACTIVE`.
   * @example
   * await run.answer('Ship to the Berlin office.', { answeredBy: 'ann' });
   */
  async answer(answer: string, options: { questionId?: string; answeredBy?: string } = {}): Promise<QuestionRecord> {
    const questionId = options.questionId ?? (await this.onlyQuestion());
    const payload = { questionId, answer, ...(options.answeredBy !== undefined && { answeredBy: options.answeredBy }) };
    const problem = answerShapeProblem(payload);
    if (problem) throw new DecisionRejectedError(problem.code, problem.message);
    try {
      return await this.handle.executeUpdate(answerQuestionUpdate, { args: [payload] });
    } catch (err) {
      throw await this.classifyForDecision(this.classify(err, 'update'), 'the question was closed and can no longer be answered');
    }
  }

  /**
   * Supplies the result of a pending client tool call (`status().pendingToolCalls`); the model gets
   * it as the tool's result and the run goes on.
   * @throws {DecisionRejectedError} `UNKNOWN_TOOL_CALL`, `TOOL_RESULT_ALREADY_SUPPLIED`,
   *   `INVALID_TOOL_RESULT` (e.g. it fails the tool's output schema), `TOOL_RESULT_TOO_LARGE`
   *   (checked before sending), or `RUN_NOT_ACTIVE`.
   * @example
   * await run.supplyToolResult('call_1_0', { date: '2026-03-01' }, { suppliedBy: 'web' });
   */
  async supplyToolResult(toolCallId: string, result: unknown, options: { isError?: boolean; suppliedBy?: string } = {}): Promise<SuppliedToolResult> {
    const payload = {
      toolCallId,
      result,
      ...(options.isError !== undefined && { isError: options.isError }),
      ...(options.suppliedBy !== undefined && { suppliedBy: options.suppliedBy }),
    };
    const problem = supplyShapeProblem(payload);
    if (problem) throw new DecisionRejectedError(problem.code, problem.message);
    try {
      return await this.handle.executeUpdate(supplyToolResultUpdate, { args: [payload] });
    } catch (err) {
      throw await this.classifyForDecision(this.classify(err, 'update'), 'the tool call was closed and its result can no longer be supplied');
    }
  }

  private async onlyQuestion(): Promise<string> {
    const pending = (await this.status()).pendingQuestions ?? [];
    if (pending.length === 1) return pending[0]!.questionId;
    if (pending.length === 0) throw new DecisionRejectedError('NO_PENDING_APPROVAL', `Run ${this.runId} has no pending question to answer.`);
    throw new DecisionRejectedError(
      'AMBIGUOUS_APPROVAL',
      `Run ${this.runId} has ${pending.length} pending questions (${pending.map((q) => q.questionId).join(', ')}); name the one to answer.`,
    );
  }

  /**
   * The run's events as they happen (tokens included), ending after its final event. Resumes
   * after a disconnect from `fromOffset` (the last offset seen + 1); works on finished runs too.
   * @example
   * for await (const { offset, event } of run.events()) {
   *   if (event.type === 'output.delta') process.stdout.write(event.text);
   * }
   */
  async *events(options: RunEventsOptions = {}): AsyncGenerator<HarnessEventItem> {
    try {
      yield* followRunEvents(this.handle, options, this.temporal);
    } catch (err) {
      throw this.classify(err, 'query');
    }
  }

  /**
   * One page of the run's conversation: at most `limit` messages (default 50, at most 500) and
   * about 256 KiB from `offset`; `nextOffset` is where the next page starts (absent on the last).
   * Big contents are previews with a `contentRef` (read them with `readContent`).
   * @example
   * const { messages, nextOffset } = await run.transcript({ offset: 0, limit: 20 });
   */
  async transcript(page: TranscriptPageInput = {}): Promise<TranscriptPage> {
    try {
      return await readTranscriptPage(this.handle, page);
    } catch (err) {
      throw this.classify(err, 'query');
    }
  }

  /**
   * Every message of the run's conversation from `fromOffset`, following the pages.
   * @example
   * for await (const m of run.messages()) console.log(m.role, m.contentRef ? await run.readContent(m.contentRef) : m.content);
   */
  async *messages(fromOffset = 0): AsyncGenerator<TranscriptMessage> {
    try {
      yield* readTranscript(this.handle, fromOffset);
    } catch (err) {
      throw this.classify(err, 'query');
    }
  }

  /**
   * The full text of a content the run keeps by reference (a `contentRef`, an `outputRef`, or the
   * blob id of one), checked against the reference's size and SHA-256. A blob id is looked up among
   * the run's own references first, so a handle never reads another run's contents by id.
   * @throws {HarnessClientError} `CONTENT_NOT_FOUND` when the run references no such blob,
   *   `PAYLOAD_STORE_REQUIRED` without a payload store.
   * @throws {PayloadStoreError} `BLOB_NOT_FOUND`, `BLOB_CORRUPT`.
   */
  async readContent(ref: ContentRef | string): Promise<string> {
    return new TextDecoder().decode(await this.readContentBytes(ref));
  }

  /** Like `readContent`, the bytes (for a download). */
  async readContentBytes(ref: ContentRef | string): Promise<Uint8Array> {
    if (!this.temporal) throw new HarnessClientError('PAYLOAD_STORE_REQUIRED', 'This run handle has no client to read contents with; get it from HarnessClient.getRun.');
    const blobs = contentBlobsOf(this.temporal);
    const found = typeof ref === 'string' ? await this.contentRef(ref) : ref;
    return blobs.readBytes(found);
  }

  /**
   * The run's reference to blob `blobId`.
   * @throws {HarnessClientError} `CONTENT_NOT_FOUND` when the run references no such blob.
   */
  async contentRef(blobId: string): Promise<ContentRef> {
    let found: ContentRef | undefined;
    try {
      found = await findContentRef(this.handle, blobId);
    } catch (err) {
      throw this.classify(err, 'query');
    }
    if (!found) throw new HarnessClientError('CONTENT_NOT_FOUND', `Run ${this.runId} references no content with blob id ${blobId.slice(0, 200)}.`);
    return found;
  }

  /** Requests cancellation; the run ends `cancelled`. */
  async cancel(): Promise<void> {
    try {
      await this.handle.cancel();
    } catch (err) {
      throw this.classify(err);
    }
  }

  /**
   * Polls the status until `predicate` holds (e.g. the run waits for approval).
   * @throws {HarnessClientError} `WAIT_TIMEOUT` after `timeoutMs` (default 60 s).
   */
  async waitFor(predicate: (s: RunStatus) => boolean, { timeoutMs = 60_000 } = {}): Promise<RunStatus> {
    const deadline = Date.now() + timeoutMs;
    let delay = 20;
    for (;;) {
      let status: RunStatus | undefined;
      try {
        status = await this.status();
      } catch (err) {
        // Queries fail for a moment when a run has just started (no workflow task yet) or its
        // worker just died (the query waits for another): keep trying until the deadline.
        const transient = !(err instanceof HarnessClientError) || TRANSIENT_STATUS_CODES.has(err.code);
        if (!transient || Date.now() > deadline) throw err;
      }
      if (status && predicate(status)) return status;
      if (Date.now() > deadline) {
        throw new HarnessClientError('WAIT_TIMEOUT', `Run ${this.runId} did not reach the awaited state in ${timeoutMs} ms (state: ${status?.state ?? 'unknown'})`);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 250);
    }
  }

  private async decisionBase(details: DecisionDetails): Promise<Omit<ApprovalDecisionInput, 'decision'>> {
    let approvalId = details.approvalId;
    if (approvalId === undefined) {
      const { pendingApprovals } = await this.status();
      if (pendingApprovals.length === 0) {
        throw new HarnessClientError('NO_PENDING_APPROVAL', `Run ${this.runId} has no pending approval.`);
      }
      if (pendingApprovals.length > 1) {
        throw new HarnessClientError(
          'AMBIGUOUS_APPROVAL',
          `Run ${this.runId} has ${pendingApprovals.length} pending approvals (${pendingApprovals.map((p) => p.approvalId).join(', ')}); name the one to decide.`,
        );
      }
      approvalId = pendingApprovals[0]!.approvalId;
    }
    return {
      approvalId,
      ...(details.approver !== undefined && { approver: details.approver }),
      ...(details.approverRoles !== undefined && { approverRoles: details.approverRoles }),
      ...(details.reason !== undefined && { reason: details.reason }),
      ...(details.grant !== undefined && { grant: details.grant }),
    };
  }

  /** `what` ends the message for a finished run: what can no longer happen. */
  private async classifyForDecision(err: unknown, ended?: string): Promise<unknown> {
    if (!(err instanceof HarnessClientError && err.code === 'RUN_NOT_FOUND')) return err;
    // Temporal says "not found" for finished runs too; tell the two apart for the caller.
    try {
      const d = await this.handle.describe();
      const state = d.status.name.toLowerCase();
      const message = ended ? `Run ${this.runId} has ended (${state}); ${ended}.` : `Run ${this.runId} is ${state}; its approvals can no longer be decided.`;
      return new DecisionRejectedError('RUN_NOT_ACTIVE', message, {
        cause: err.cause,
      });
    } catch {
      return err;
    }
  }

  private classify(err: unknown, call: FailureSubject['call'] = 'other'): unknown {
    // A Connection (not every ConnectionLike) keeps the deadline of `withDeadline` for its calls.
    const { callContextStorage } = this.handle.client.connection as Partial<Pick<Connection, 'callContextStorage'>>;
    const deadline = callContextStorage?.getStore()?.deadline;
    return classifyTemporalError(err, { kind: 'run', id: this.runId, call, ...(deadline !== undefined && { deadline }) });
  }
}
