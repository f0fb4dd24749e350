/**
 * Notifications from the workflow: for each approval requested, decided or timed out (and each
 * question or client tool call, see `wait-notices.ts`), one `sendNotification` activity per
 * webhook that wants it. The run never waits on them while it
 * works (a failing receiver never blocks or fails it); before the run closes or continues as new
 * it waits, up to a bound, for those still in flight, so none is lost. Each outcome is an event
 * (`notification.sent` / `notification.failed`) with the attempts made: no secret, no body.
 */
import { CancellationScope, condition, proxyActivities } from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import { describeFailure } from '../shared/failures.js';
import { retryPolicy } from './activity-options.js';
import type { NotifyEvent, NotifyTarget } from './agent-spec.js';
import type { ApprovalRecord, PendingApproval } from './contract.js';
import type { HarnessEvent, HarnessEventBody } from './events.js';
import { waitNoticeOf, type QuestionNotice, type ToolCallNotice } from './wait-notices.js';

export type { QuestionNotice, ToolCallNotice } from './wait-notices.js';

/** Longest tool-input preview a notice carries, in characters. */
export const NOTICE_INPUT_CHARS = 1000;
/** Longest reason a notice carries, in characters. */
const NOTICE_REASON_CHARS = 1000;
/** One send, all attempts and backoff included; also how long a closing run waits for the last ones. */
const SEND_DEADLINE_MS = 5 * 60_000;

/** What a webhook receives (the `json` format's body, as is). */
export interface ApprovalNotice {
  event: 'approval.requested' | 'approval.decided' | 'approval.timed_out';
  /** `<runId>:<approvalId>:<event>`: the same on every attempt, so a receiver can drop repeats. */
  deliveryId: string;
  runId: string;
  agentId: string;
  approvalId: string;
  toolName: string;
  /** The tool call's input as JSON, cut to `NOTICE_INPUT_CHARS`. */
  input: string;
  /** ISO-8601 workflow time of the request or decision. */
  at: string;
  /** Who may decide (names, `role:<role>`), when restricted. */
  approvers?: string[];
  decision?: { decision: string; approver?: string; reason?: string; via: string };
  /** With `approval.requested`: the tool's model judge escalated the call, and why (cut to 1,000 characters). */
  judge?: { model: string; reason: string };
}

/** Any webhook body: about an approval, an `ask_human` question or a client tool call. */
export type HarnessNotice = ApprovalNotice | QuestionNotice | ToolCallNotice;

export interface SendNotificationInput {
  target: NotifyTarget;
  notice: HarnessNotice;
}

export type NotificationOutcome = { ok: true; attempts: number } | { ok: false; attempts: number; error: string };

/** Where the notifier finds the webhooks that apply to an approval of `toolName`. */
export interface NotifyTargets {
  forTool(toolName: string): NotifyTarget[];
}

export class ApprovalNotifier {
  private inFlight = 0;

  constructor(
    private readonly runId: string,
    private readonly agentId: () => string,
    private readonly targets: NotifyTargets,
    private readonly emit: (event: HarnessEventBody) => void,
  ) {}

  /** Sees every event the run publishes; approval requests and decisions start notifications. */
  observe(event: HarnessEvent | HarnessEventBody): void {
    // A sub-agent's approval (with `path`) is notified by the run that raised it, not again here.
    if (event.type === 'approval.requested' && !event.approval.path) this.requested(event.approval);
    if (event.type === 'approval.resolved' && !event.decision.path) this.resolved(event.decision);
    const wait = waitNoticeOf(event, this.runId, this.agentId());
    if (wait) this.send(wait.kind, wait.notice);
  }

  /** Whether notifications are in flight (`settle` would wait for them). */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Waits, up to the send deadline, for notifications still in flight. */
  async settle(): Promise<void> {
    if (this.inFlight === 0) return;
    await CancellationScope.nonCancellable(() => condition(() => this.inFlight === 0, SEND_DEADLINE_MS));
  }

  private requested(approval: PendingApproval): void {
    const approvers = approval.quorum?.approvers;
    this.send('requested', {
      ...this.base('approval.requested', approval.approvalId, approval.toolName, approval.input),
      at: approval.requestedAt,
      ...(approvers && { approvers }),
      ...(approval.judge && { judge: { model: approval.judge.model, reason: approval.judge.reason.slice(0, NOTICE_REASON_CHARS) } }),
    });
  }

  private resolved(record: ApprovalRecord): void {
    // A rule's, a grant's, a judge's or the run's ending decision was never asked of anyone.
    if (record.via !== 'signal' && record.via !== 'update' && record.via !== 'timeout') return;
    const kind = record.via === 'timeout' ? 'timed_out' : 'decided';
    this.send(kind, {
      ...this.base(kind === 'timed_out' ? 'approval.timed_out' : 'approval.decided', record.approvalId, record.toolName, record.input),
      at: record.decidedAt,
      decision: {
        decision: record.decision,
        via: record.via,
        ...(record.approver !== undefined && { approver: record.approver }),
        ...(record.reason !== undefined && { reason: record.reason.slice(0, NOTICE_REASON_CHARS) }),
      },
    });
  }

  private base(event: ApprovalNotice['event'], approvalId: string, toolName: string, input: Record<string, unknown>) {
    const json = JSON.stringify(input);
    return {
      event,
      deliveryId: `${this.runId}:${approvalId}:${event}`,
      runId: this.runId,
      agentId: this.agentId(),
      approvalId,
      toolName,
      input: json.length > NOTICE_INPUT_CHARS ? `${json.slice(0, NOTICE_INPUT_CHARS)}…` : json,
    };
  }

  private send(kind: NotifyEvent, notice: HarnessNotice): void {
    for (const target of this.targets.forTool(notice.toolName)) {
      if (!target.events.includes(kind)) continue;
      this.inFlight += 1;
      void this.deliver(target, notice).finally(() => (this.inFlight -= 1));
    }
  }

  private async deliver(target: NotifyTarget, notice: HarnessNotice): Promise<void> {
    const about = { event: notice.event, ...subjectOf(notice), target: target.name };
    // The retries are Temporal's; the activity reports its last failed attempt instead of throwing.
    const { sendNotification } = proxyActivities<HarnessActivities>({
      startToCloseTimeout: '15s',
      scheduleToCloseTimeout: SEND_DEADLINE_MS,
      retry: retryPolicy(target.retry),
    });
    try {
      // Not cancellable: a cancelled run still tells the receivers what was decided.
      const outcome = await CancellationScope.nonCancellable(() =>
        sendNotification.executeWithOptions({ summary: `notify ${target.name}: ${notice.event}` }, [{ target, notice }]),
      );
      if (outcome.ok) this.emit({ type: 'notification.sent', ...about, attempts: outcome.attempts });
      else this.emit({ type: 'notification.failed', ...about, attempts: outcome.attempts, error: outcome.error });
    } catch (err) {
      this.emit({ type: 'notification.failed', ...about, error: describeFailure(err) });
    }
  }
}

/** The id a notice is about, under its own name (for the `notification.*` events). */
function subjectOf(notice: HarnessNotice): { approvalId: string } | { questionId: string } | { toolCallId: string } {
  if ('approvalId' in notice) return { approvalId: notice.approvalId };
  if ('questionId' in notice) return { questionId: notice.questionId };
  return { toolCallId: notice.toolCallId };
}
