import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { slackBody } from '../../src/activities/notify.js';
import { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, parseSlackUsers, slackActionsFromEnv, slackSignature } from '../../src/http/index.js';
import { verifySlackRequest } from '../../src/http/slack/signature.js';
import { notifySchema } from '../../src/workspace/notify-schema.js';
import type { ApprovalNotice } from '../../src/workflows/run/notifications.js';

const SECRET = 'slack-signing-secret-for-tests-0123';
const NOW = 1_800_000_000;
// A client that never connects: these requests are answered before anything reaches Temporal.
const client = new HarnessClient(new Client(), { taskQueue: 'unused' });
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe('Slack request signatures', () => {
  const body = 'payload=%7B%7D';
  const signature = slackSignature(SECRET, String(NOW), body);

  it('accepts a body signed with the secret within five minutes, and nothing else', () => {
    expect(signature).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() => verifySlackRequest(SECRET, { timestamp: String(NOW), signature }, body, NOW + 299)).not.toThrow();
    expect(codeOf(() => verifySlackRequest(SECRET, { timestamp: String(NOW), signature }, body, NOW + 301))).toBe('SLACK_REQUEST_STALE');
    expect(codeOf(() => verifySlackRequest(SECRET, { timestamp: String(NOW), signature }, `${body}x`, NOW))).toBe('SLACK_SIGNATURE_INVALID');
    expect(codeOf(() => verifySlackRequest('another-secret-entirely', { timestamp: String(NOW), signature }, body, NOW))).toBe('SLACK_SIGNATURE_INVALID');
    expect(codeOf(() => verifySlackRequest(SECRET, { timestamp: 'soon', signature }, body, NOW))).toBe('SLACK_REQUEST_STALE');
    expect(codeOf(() => verifySlackRequest(SECRET, { timestamp: undefined, signature: undefined }, body, NOW))).toBe('SLACK_SIGNATURE_INVALID');
  });
});

describe('Slack user map', () => {
  it('maps Slack user ids to names and roles', () => {
    const users = parseSlackUsers('ann=U012AB3CD  carol:finance,manager=W045EF6GH');
    expect(users.get('U012AB3CD')).toEqual({ name: 'ann', roles: [] });
    expect(users.get('W045EF6GH')).toEqual({ name: 'carol', roles: ['finance', 'manager'] });
  });

  it('refuses malformed entries, saying which and why', () => {
    expect(() => parseSlackUsers('ann')).toThrow(/entry 1: expected name=<Slack user id>/);
    expect(() => parseSlackUsers('ann=alice@example.com')).toThrow(/not a Slack user id/);
    expect(() => parseSlackUsers('ann=U012AB3CD bob=U012AB3CD')).toThrow(/mapped twice/);
    expect(() => slackActionsFromEnv({ HARNESS_SLACK_SIGNING_SECRET: SECRET })).toThrow(/maps no Slack user/);
    expect(() => slackActionsFromEnv({ HARNESS_SLACK_SIGNING_SECRET: 'short', HARNESS_SLACK_USERS: 'ann=U012AB3CD' })).toThrow(/too short/);
    expect(slackActionsFromEnv({})).toBeUndefined();
  });
});

describe('POST /slack/actions without a Temporal server', () => {
  const slack = { signingSecret: SECRET, users: parseSlackUsers('ann=U012AB3CD') };
  const post = (app: ReturnType<typeof createHttpApp>, body: string, headers: Record<string, string>) => app.request('/slack/actions', { method: 'POST', body, headers });

  it('answers 501 SLACK_NOT_CONFIGURED when the server has no signing secret', async () => {
    const res = await post(createHttpApp(client), 'payload={}', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(res.status).toBe(501);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('SLACK_NOT_CONFIGURED');
  });

  it('refuses an unsigned request before reading it, and ignores interactions that are not harness buttons', async () => {
    const app = createHttpApp(client, { slack });
    const unsigned = await post(app, 'payload={}', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(unsigned.status).toBe(401);
    const body = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', user: { id: 'U012AB3CD' }, actions: [{ action_id: 'someone_elses_button', value: 'x' }] }) }).toString();
    const at = String(Math.floor(Date.now() / 1000));
    const signed = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': at, 'X-Slack-Signature': slackSignature(SECRET, at, body) };
    const ignored = await post(app, body, signed);
    expect(ignored.status).toBe(200);
    expect(await ignored.json()).toMatchObject({ ok: true, ignored: true });
    const notForm = await post(app, body, { ...signed, 'Content-Type': 'application/json' });
    expect(notForm.status).toBe(415);
    const junk = 'payload=not-json';
    const junkRes = await post(app, junk, { ...signed, 'X-Slack-Signature': slackSignature(SECRET, at, junk) });
    expect(junkRes.status).toBe(400);
  });
});

describe('Slack notification buttons', () => {
  const notice: ApprovalNotice = {
    event: 'approval.requested',
    deliveryId: 'r:a:approval.requested',
    runId: 'run-1',
    agentId: 'payer',
    approvalId: 'call-1',
    toolName: 'issue_refund',
    input: '{"amount":42}',
    at: '2026-12-05T00:00:00.000Z',
  };

  it('adds Approve / Reject buttons naming the approval to requests only, and only when asked', () => {
    const withButtons = slackBody(notice, { buttons: true });
    const actions = withButtons.blocks.at(-1) as { type: string; elements: { action_id: string; value: string }[] };
    expect(actions.type).toBe('actions');
    expect(actions.elements.map((e) => e.action_id)).toEqual(['harness_approve', 'harness_reject']);
    expect(JSON.parse(actions.elements[0]!.value)).toEqual({ run: 'run-1', approval: 'call-1' });
    expect(slackBody(notice).blocks).toHaveLength(2);
    expect(slackBody({ ...notice, event: 'approval.decided', decision: { decision: 'approve', via: 'update' } }, { buttons: true }).blocks).toHaveLength(2);
  });

  it('allows buttons only on Slack-format webhooks', () => {
    expect(notifySchema.safeParse([{ url: 'https://hooks.example.com/x', format: 'slack', buttons: true }]).success).toBe(true);
    const json = notifySchema.safeParse([{ url: 'https://hooks.example.com/x', buttons: true }]);
    expect(json.success).toBe(false);
    expect(json.error?.issues[0]?.message).toContain('`buttons: true` needs `format: slack`');
  });
});
