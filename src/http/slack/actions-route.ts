/**
 * `POST /slack/actions`: the Interactivity Request URL of a Slack app. A click on the Approve or
 * Reject button of an approval message (see `notify: [{ format: slack, buttons: true }]`) arrives
 * here as Slack's signed, form-encoded `block_actions` payload. Only this route takes that form
 * body; it is refused unless Slack's signature checks out, and the decision goes to the run as the
 * same validated `decideApproval` update as every other, recorded under the Slack user's mapped
 * harness name (`HARNESS_SLACK_USERS`).
 *
 * Slack wants an answer within 3 seconds and shows nothing of it for button clicks, so the route
 * answers 200 with a JSON outcome (for logs and tests) and tells the person in Slack through the
 * payload's `response_url`: the message is replaced by the decision, or an error is shown to
 * the clicker alone.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { SLACK_ACTION_IDS } from '../../activities/slack-buttons.js';
import type { HarnessClient } from '../../client/index.js';
import { isApprovalProgress, type DecisionResult } from '../../workflows/run/contract.js';
import { HttpError, toHttpError } from '../errors.js';
import type { GuardEnv } from '../guards.js';
import { idParam } from '../schemas.js';
import { verifySlackRequest } from './signature.js';
import { SLACK_SIGNING_SECRET_ENV, SLACK_USERS_ENV, type SlackActionsOptions } from './users.js';

/** Slack's interaction payloads are small; anything bigger is not one. */
const MAX_BODY_BYTES = 64 * 1024;
const RESPONSE_TIMEOUT_MS = 5_000;

const buttonValue = z.strictObject({ run: idParam, approval: idParam });

const payloadSchema = z.object({
  type: z.string().max(100),
  user: z.object({ id: z.string().max(100), username: z.string().max(200).optional() }).optional(),
  response_url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  actions: z.array(z.object({ action_id: z.string().max(255), value: z.string().max(2000).optional() })).max(25).optional(),
});

/** What the route answers (and what it tells the clicker in Slack). */
export interface SlackActionOutcome {
  ok: boolean;
  /** Set when the click decided nothing: why (e.g. `SLACK_USER_NOT_MAPPED`, `APPROVAL_ALREADY_DECIDED`). */
  code?: string;
  /** The line shown in Slack. */
  text: string;
  /** True for payloads this route does not handle (other apps' actions, other interaction types). */
  ignored?: boolean;
  /** True when the approval is decided (not only one vote of several recorded): the message loses its buttons. */
  final?: boolean;
}

/** Registers `POST /slack/actions` (before authentication and the JSON-only guard: Slack's signature is the credential). */
export function registerSlackActionsRoute(
  app: Hono<GuardEnv>,
  client: HarnessClient,
  slack: SlackActionsOptions | undefined,
  onError: (err: unknown) => void,
): void {
  app.post('/slack/actions', async (c) => {
    if (!slack) {
      throw new HttpError(501, 'SLACK_NOT_CONFIGURED', `This server does not take Slack actions: its operator has not set ${SLACK_SIGNING_SECRET_ENV} and ${SLACK_USERS_ENV}.`);
    }
    const raw = await c.req.text();
    if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `A Slack action is at most ${MAX_BODY_BYTES} bytes.`);
    verifySlackRequest(slack.signingSecret, { timestamp: c.req.header('x-slack-request-timestamp'), signature: c.req.header('x-slack-signature') }, raw);
    if (!(c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Slack actions are application/x-www-form-urlencoded with one `payload` field.');
    }
    const payload = parsePayload(new URLSearchParams(raw).get('payload'));
    const outcome = await decide(client, slack, payload);
    if (payload.response_url && !outcome.ignored) {
      void tellSlack(payload.response_url, outcome, payload.user?.id).catch(onError);
    }
    return c.json(outcome, 200);
  });
}

type Payload = z.output<typeof payloadSchema>;

function parsePayload(text: string | null): Payload {
  let json: unknown;
  try {
    json = JSON.parse(text ?? '');
  } catch {
    throw new HttpError(400, 'INVALID_REQUEST', 'The form has no `payload` field holding JSON: not a Slack interaction.');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, 'INVALID_REQUEST', `The Slack payload is not an interaction this route understands: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

async function decide(client: HarnessClient, slack: SlackActionsOptions, payload: Payload): Promise<SlackActionOutcome> {
  const action = payload.actions?.find((a) => a.action_id in SLACK_ACTION_IDS);
  if (payload.type !== 'block_actions' || !action) return { ok: true, ignored: true, text: 'Not a harness approval button; nothing done.' };
  const decision = SLACK_ACTION_IDS[action.action_id as keyof typeof SLACK_ACTION_IDS];
  const target = buttonValue.safeParse(safeJson(action.value));
  if (!target.success) return { ok: false, code: 'INVALID_REQUEST', text: "This button does not name an approval (it was not made by the harness's Slack notifications)." };
  const userId = payload.user?.id ?? '';
  const principal = slack.users.get(userId);
  if (!principal) {
    return {
      ok: false,
      code: 'SLACK_USER_NOT_MAPPED',
      text: `Your Slack user (${userId || 'unknown'}) is not mapped to a harness approver, so nothing was decided. Ask the operator to add you to ${SLACK_USERS_ENV}.`,
    };
  }
  const { run, approval } = target.data;
  try {
    const result = await client.getRun(run).decide({
      approvalId: approval,
      decision,
      approver: principal.name,
      ...(principal.roles.length > 0 && { approverRoles: [...principal.roles] }),
    });
    return { ok: true, final: !isApprovalProgress(result), text: decidedText(result, decision, principal.name, approval, run) };
  } catch (err) {
    const e = toHttpError(err);
    return { ok: false, code: e.code, text: `Nothing was decided: ${e.message}` };
  }
}

function decidedText(result: DecisionResult | undefined, decision: 'approve' | 'reject', who: string, approval: string, run: string): string {
  if (isApprovalProgress(result)) {
    const { votes, needed } = result.quorum;
    return `${who} approved \`${result.toolName}\` (${votes.length} of ${needed} approvals; approval ${approval} of run ${run} is still pending).`;
  }
  const tool = result && 'toolName' in result ? `\`${result.toolName}\`` : `approval ${approval}`;
  return `${decision === 'approve' ? 'Approved' : 'Rejected'} ${tool} in run \`${run}\` by ${who} (in Slack).`;
}

/**
 * Posts the outcome to the payload's `response_url`: a decision replaces the original message (its
 * buttons go away); a refusal or partial approval is shown to the clicker alone, buttons kept.
 */
async function tellSlack(responseUrl: string, outcome: SlackActionOutcome, userId: string | undefined): Promise<void> {
  const body = outcome.final ? { replace_original: true, text: outcome.text } : { response_type: 'ephemeral', replace_original: false, text: outcome.text };
  const res = await fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`Slack's response_url answered HTTP ${res.status} to the outcome for ${userId ?? 'a user'}`);
}

function safeJson(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    return undefined;
  }
}
