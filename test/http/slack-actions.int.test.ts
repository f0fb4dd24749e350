/**
 * Slack approval buttons against the real dev server: the Slack notification (sent to a real
 * receiver in the test) carries Approve / Reject buttons; a click posted to `POST /slack/actions`
 * with Slack's signature decides as the Slack user's mapped harness name, once. A tampered body, a
 * stale timestamp and an unmapped Slack user are refused and change nothing; the outcome reaches
 * the payload's `response_url` (another receiver in the test).
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp, parseSlackUsers, slackSignature } from '../../src/http/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { webhookReceiver } from '../support/webhook-receiver.js';

const SIGNING_SECRET = 'slack-signing-secret-for-tests-0123';

/** A receiver (the Slack webhook, or a `response_url`) and the JSON bodies it got so far. */
async function receiver() {
  const hook = await webhookReceiver();
  return { ...hook, get bodies() { return hook.received.map((r) => JSON.parse(r.body) as Record<string, unknown>); } };
}

interface Button {
  action_id: string;
  value: string;
}

/** The form Slack posts for a click on `button` by `userId`, signed as Slack signs it. */
function click(button: Button, userId: string, responseUrl: string, { secret = SIGNING_SECRET, at = Math.floor(Date.now() / 1000) } = {}) {
  const payload = { type: 'block_actions', user: { id: userId, username: userId.toLowerCase() }, response_url: responseUrl, actions: [button] };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(at);
  return { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Slack-Request-Timestamp': timestamp, 'X-Slack-Signature': slackSignature(secret, timestamp, body) } };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

describe('Slack approval buttons', () => {
  it('a signed click decides as the mapped user, once; tampered, stale and unmapped clicks change nothing', async () => {
    const slackHook = await receiver();
    const responses = await receiver();
    servers.push(slackHook.server, responses.server);
    const effects = join(tempDir(), 'effects.log');
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - when: refund
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: slacker
    model: m
    tools: [record_effect]
    requireApproval:
      - tool: record_effect
        approvers: [ann]
        notify:
          - { url: ${JSON.stringify(slackHook.url)}, format: slack, buttons: true, events: [requested] }
`,
    );
    await withWorker(ws, async ({ client }) => {
      const app = createHttpApp(client, { slack: { signingSecret: SIGNING_SECRET, users: parseSlackUsers('ann=U0ANN0001 bob=U0BOB0002') } });
      const post = (form: { body: string; headers: Record<string, string> }) => app.request('/slack/actions', { method: 'POST', ...form });
      const run = await client.startRun({ agentId: 'slacker', input: 'refund please' });
      const approvalId = (await run.waitFor((s) => s.state === 'waiting_for_approval')).pendingApprovals[0]!.approvalId;

      // The notification is a Slack message whose last block holds the two buttons.
      const message = await eventually(async () => slackHook.bodies[0], Boolean, 'the Slack notification');
      const actions = (message!.blocks as { type: string; elements?: Button[] }[]).at(-1)!;
      expect(actions.type).toBe('actions');
      const [approve, reject] = actions.elements!;
      expect([approve!.action_id, reject!.action_id]).toEqual(['harness_approve', 'harness_reject']);
      expect(JSON.parse(approve!.value)).toEqual({ run: run.runId, approval: approvalId });

      // Tampered: signed, then the value changed to another approval. Stale: signed 10 minutes ago.
      const signed = click(reject!, 'U0ANN0001', responses.url);
      const tampered = await post({ ...signed, body: signed.body.replace('harness_reject', 'harness_approve') });
      expect(tampered.status).toBe(401);
      expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('SLACK_SIGNATURE_INVALID');
      const stale = await post(click(approve!, 'U0ANN0001', responses.url, { at: Math.floor(Date.now() / 1000) - 600 }));
      expect(((await stale.json()) as { error: { code: string } }).error.code).toBe('SLACK_REQUEST_STALE');
      const otherSecret = await post(click(approve!, 'U0ANN0001', responses.url, { secret: 'another-apps-signing-secret-xyz' }));
      expect(otherSecret.status).toBe(401);

      // A Slack user nobody mapped decides nothing, and is told so in Slack (only them).
      const stranger = await post(click(approve!, 'U0EVE0003', responses.url));
      expect(stranger.status).toBe(200);
      expect(await stranger.json()).toMatchObject({ ok: false, code: 'SLACK_USER_NOT_MAPPED' });
      await eventually(async () => responses.bodies.length, (n) => n === 1, 'the refusal in Slack');
      expect(responses.bodies[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(String(responses.bodies[0]!.text)).toContain('U0EVE0003');
      // Bob is mapped but not among the approvers: the run itself refuses him.
      const bob = await post(click(approve!, 'U0BOB0002', responses.url));
      expect(await bob.json()).toMatchObject({ ok: false, code: 'APPROVER_NOT_ALLOWED' });
      const still = await run.status();
      expect(still.state).toBe('waiting_for_approval');
      expect(still.approvals).toEqual([]);

      // Ann's click decides: recorded under her harness name; the message loses its buttons.
      const ann = await post(click(approve!, 'U0ANN0001', responses.url));
      expect(await ann.json()).toMatchObject({ ok: true, final: true });
      expect((await run.result()).output).toBe('final: recorded refund');
      const recorded = (await run.status()).approvals;
      expect(recorded).toEqual([expect.objectContaining({ approvalId, decision: 'approve', approver: 'ann' })]);
      await eventually(async () => responses.bodies.length, (n) => n === 3, 'the outcome in Slack');
      expect(responses.bodies[2]).toMatchObject({ replace_original: true });
      expect(String(responses.bodies[2]!.text)).toContain('Approved `record_effect`');

      // The same click again (Slack retries, a double click) is refused by the run.
      const again = await post(click(approve!, 'U0ANN0001', responses.url));
      expect(((await again.json()) as { ok: boolean }).ok).toBe(false);
      expect((await run.status()).approvals).toHaveLength(1);
    });
  });
});
