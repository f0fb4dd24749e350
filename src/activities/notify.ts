/**
 * The `sendNotification` activity: one approval webhook, signed, with Temporal's retries. The
 * workflow hands it the notice and the target's env var names; the secret and a secret URL are
 * read here, from the worker's environment, so neither ever reaches history or the run's events.
 */
import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { ApprovalNotice, HarnessNotice, NotificationOutcome, SendNotificationInput } from '../workflows/run/notifications.js';
import { approvalButtons } from './slack-buttons.js';
import { waitSlackText } from './wait-slack.js';

/** How long one attempt waits for the receiver. */
const ATTEMPT_TIMEOUT_MS = 10_000;

/**
 * The signature header's value for `body` sent at `timestamp` (Unix seconds):
 * `sha256=` + hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`.
 */
export function notificationSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createNotifyActivities(env: NodeJS.ProcessEnv = process.env) {
  return {
    /**
     * Sends one notice. A failed attempt throws (Temporal retries it) until the last one, which
     * reports the failure instead, so the run can record how many attempts were made.
     */
    async sendNotification({ target, notice }: SendNotificationInput): Promise<NotificationOutcome> {
      const { attempt } = Context.current().info;
      try {
        await post(target, notice, env);
        return { ok: true, attempts: attempt };
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        if (err instanceof ConfigError || attempt >= target.retry.maximumAttempts) return { ok: false, attempts: attempt, error };
        throw err;
      }
    },
  };
}

/** A webhook that cannot be sent whatever the retries (an env var not set): reported at once. */
class ConfigError extends Error {}

async function post(target: SendNotificationInput['target'], notice: HarnessNotice, env: NodeJS.ProcessEnv): Promise<void> {
  const url = target.url ?? env[target.urlEnv!];
  if (!url) throw new ConfigError(`environment variable ${target.urlEnv} (the webhook's URL) is not set on the worker`);
  const secret = target.secretEnv === undefined ? undefined : env[target.secretEnv];
  if (target.secretEnv !== undefined && !secret) {
    throw new ConfigError(`environment variable ${target.secretEnv} (the webhook's signing secret) is not set on the worker`);
  }
  const body = JSON.stringify(target.format === 'slack' ? slackBody(notice, { buttons: target.buttons === true }) : notice);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-harness-event': notice.event,
    'x-harness-delivery': notice.deliveryId,
    'x-harness-timestamp': timestamp,
    ...(secret && { 'x-harness-signature': notificationSignature(secret, timestamp, body) }),
  };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
  } catch (err) {
    // fetch's own message is "fetch failed"; its cause says why. Neither names the URL (it may be a secret).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`could not reach ${target.name}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`${target.name} answered HTTP ${response.status}`);
}

/**
 * A Slack incoming-webhook body: `text` for notifications, `blocks` for the message; with
 * `buttons`, an approval request also gets Approve / Reject buttons (see slack-buttons.ts).
 */
export function slackBody(notice: HarnessNotice, { buttons = false } = {}): { text: string; blocks: unknown[] } {
  const { text, fields } = 'approvalId' in notice ? approvalSlackText(notice) : waitSlackText(notice);
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: fields.join('\n') } },
      ...(buttons && 'approvalId' in notice && notice.event === 'approval.requested' ? [approvalButtons(notice)] : []),
    ],
  };
}

function approvalSlackText(notice: ApprovalNotice): { text: string; fields: string[] } {
  const what = `\`${notice.toolName}\` in run \`${notice.runId}\` (agent ${notice.agentId})`;
  const text =
    notice.event === 'approval.requested'
      ? `Approval needed: ${what}`
      : notice.event === 'approval.timed_out'
        ? `Approval timed out (${notice.decision?.decision ?? 'decided'} by deadline): ${what}`
        : `Approval ${notice.decision?.decision === 'approve' ? 'approved' : notice.decision?.decision === 'reject' ? 'rejected' : 'decided'}${notice.decision?.approver ? ` by ${notice.decision.approver}` : ''}: ${what}`;
  const fields = [
    `*Approval id:* \`${notice.approvalId}\``,
    `*Input:* \`${notice.input}\``,
    ...(notice.decision?.reason ? [`*Reason:* ${notice.decision.reason}`] : []),
    ...(notice.judge ? [`*Judge (${notice.judge.model}) escalated:* ${notice.judge.reason}`] : []),
  ];
  return { text, fields };
}
