import { describe, expect, it } from 'vitest';
import { signDecisionLink, type RunStatus } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { eventually } from '../support/eventually.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

const agentId = uniqueId('links');
const secret = 'decision-link-test-secret-0123456789';
const ORIGIN = 'http://localhost';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "First."
            toolCalls: [{ name: record_effect, args: { file: /dev/null, label: one } }]
          - text: "Second."
            toolCalls: [{ name: record_effect, args: { file: /dev/null, label: two } }]
          - text: "Done."
agents:
  - { id: ${agentId}, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
}

type App = ReturnType<typeof createHttpApp>;

/** A browser's form POST from the link page (same origin). */
function submit(app: App, path: string, origin = ORIGIN) {
  return app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    body: 'confirm=yes',
  });
}

async function parkedOn(app: App, runId: string, label: string): Promise<RunStatus> {
  const res = await eventually(
    async () => (await (await app.request(`/runs/${runId}`)).json()) as RunStatus,
    (s) => s.state === 'waiting_for_approval' && s.pendingApprovals[0]?.input.label === label,
    `run ${runId} to wait for approval of "${label}"`,
  );
  return res;
}

const codeIn = (html: string) => /code: <code>([A-Z_]+)<\/code>/.exec(html)?.[1];

describe('decision links over HTTP', () => {
  it('a link decides once; a replay (on another server), a tampered and an expired link are refused and change nothing', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const logged: string[] = [];
      const app = createHttpApp(client, { decisionLinks: { secret }, onRequest: (r) => logged.push(r.path) });
      const otherServer = createHttpApp(client, { decisionLinks: { secret } });
      const created = await app.request('/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agentId, input: 'go' }) });
      const { runId } = (await created.json()) as { runId: string };
      const approvalId = (await parkedOn(app, runId, 'one')).pendingApprovals[0]!.approvalId;

      const minted = await app.request(`/runs/${runId}/approvals/${approvalId}/links`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', approver: 'ann', expiresIn: '1h' }),
      });
      expect(minted.status).toBe(201);
      const link = (await minted.json()) as { url: string; token: string };
      const path = new URL(link.url).pathname;
      expect(path).toBe(`/links/decide/${link.token}`);

      // Opening it (or a previewer fetching it) shows the confirmation page and decides nothing.
      const page = await app.request(path);
      expect(page.status).toBe(200);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain('<form method="post">');
      expect(html).toContain('record_effect');
      expect((await parkedOn(app, runId, 'one')).approvals).toEqual([]);

      // Tampered: the claims changed to reject, the signature kept.
      const [v, body, sig] = link.token.split('.');
      const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
      const tampered = `${v}.${Buffer.from(JSON.stringify({ ...claims, decision: 'reject' })).toString('base64url')}.${sig}`;
      const refusedTampered = await submit(app, `/links/decide/${tampered}`);
      expect(refusedTampered.status).toBe(403);
      expect(codeIn(await refusedTampered.text())).toBe('LINK_TAMPERED');

      // Expired: signed with the right secret, an hour ago, for an hour.
      const expired = signDecisionLink({ runId, approvalId, approver: 'ann', decision: 'approve', expiresIn: '1h', secret, nowMs: Date.now() - 3_600_000 });
      const refusedExpired = await submit(app, `/links/decide/${expired.token}`);
      expect(refusedExpired.status).toBe(410);
      expect(codeIn(await refusedExpired.text())).toBe('LINK_EXPIRED');

      // A cross-site page cannot submit it.
      expect((await submit(app, path, 'https://evil.example')).status).toBe(403);
      expect((await parkedOn(app, runId, 'one')).approvals).toEqual([]);

      // The page's form decides, as the link's approver, with its nonce recorded.
      const decided = await submit(app, path);
      expect(decided.status).toBe(200);
      expect(await decided.text()).toContain('Approved record_effect');
      const after = await parkedOn(app, runId, 'two');
      expect(after.approvals).toHaveLength(1);
      expect(after.approvals[0]).toMatchObject({ approvalId, decision: 'approve', approver: 'ann', via: 'update', reason: `decided with link ${String(claims.nonce)}` });

      // Used: refused by the run itself, so on any server.
      const replay = await submit(otherServer, path);
      expect(replay.status).toBe(409);
      expect(codeIn(await replay.text())).toBe('APPROVAL_ALREADY_DECIDED');
      const reopened = await otherServer.request(path);
      expect(reopened.status).toBe(409);
      const unchanged = await parkedOn(app, runId, 'two');
      expect(unchanged.approvals).toEqual(after.approvals);

      // The link is a credential: request logs name the route, never the token.
      expect(logged).toContain('/links/decide/…');
      expect(logged.join(' ')).not.toContain(String(sig));

      // A server without the secret serves no links.
      const noLinks = createHttpApp(client);
      expect((await noLinks.request(path)).status).toBe(501);
      await client.getRun(runId).cancel();
    });
  });
});
