/**
 * The Approve / Reject buttons of a Slack approval message. A click makes Slack post a signed
 * `block_actions` payload to the app's Interactivity Request URL (`harness serve`'s
 * `POST /slack/actions`), which finds the approval from the button's `value`.
 */
import type { ApprovalNotice } from '../workflows/run/notifications.js';

/** The `action_id`s the actions route accepts, and the decision each stands for. */
export const SLACK_ACTION_IDS = { harness_approve: 'approve', harness_reject: 'reject' } as const;

/** What a button carries back to the server: which approval of which run. */
export interface SlackButtonValue {
  run: string;
  approval: string;
}

/** The `actions` block for an `approval.requested` notice. */
export function approvalButtons(notice: ApprovalNotice): Record<string, unknown> {
  const value = JSON.stringify({ run: notice.runId, approval: notice.approvalId } satisfies SlackButtonValue);
  return {
    type: 'actions',
    block_id: `harness_approval_${notice.approvalId}`.slice(0, 255),
    elements: [
      { type: 'button', action_id: 'harness_approve', style: 'primary', text: { type: 'plain_text', text: 'Approve' }, value },
      {
        type: 'button',
        action_id: 'harness_reject',
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject' },
        value,
        confirm: {
          title: { type: 'plain_text', text: 'Reject this tool call?' },
          text: { type: 'plain_text', text: `${notice.toolName} will not run; the agent is told it was rejected.`.slice(0, 300) },
          confirm: { type: 'plain_text', text: 'Reject' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}
