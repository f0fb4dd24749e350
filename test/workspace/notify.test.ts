/** The `notify` keys of the workspace file: what the workflow gets, and what bad input says. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notificationSignature, slackBody } from '../../src/activities/notify.js';
import { agentSpec, loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

async function load(agentExtra: string) {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(
    file,
    `tools: { module: ${JSON.stringify(TEST_TOOLS)} }
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - id: a
    model: m
    tools: [echo, record_effect]
${agentExtra}`,
  );
  return loadWorkspace(file);
}

describe('workspace notify', () => {
  it('carries env var names and defaults to the workflow, never a secret value', async () => {
    const ws = await load(`    notify: [{ url: "https://hooks.example.com/approvals", secretEnv: HOOK_SECRET }]
    requireApproval:
      - { tool: record_effect, notify: [{ urlEnv: SLACK_URL, format: slack, events: [requested] }] }
`);
    const spec = agentSpec(ws, 'a')!;
    expect(spec.notify).toEqual([
      {
        name: 'hooks.example.com',
        url: 'https://hooks.example.com/approvals',
        events: ['requested', 'decided', 'timed_out'],
        format: 'json',
        secretEnv: 'HOOK_SECRET',
        retry: { maximumAttempts: 5, initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 30_000 },
      },
    ]);
    expect(spec.tools.find((t) => t.name === 'record_effect')!.notify).toEqual([
      expect.objectContaining({ name: 'SLACK_URL', urlEnv: 'SLACK_URL', format: 'slack', events: ['requested'] }),
    ]);
    expect(spec.tools.find((t) => t.name === 'echo')!.notify).toBeUndefined();
  });

  it('refuses a webhook with both or neither of url and urlEnv, a bad env name or an unknown event', async () => {
    const err = (await load(`    notify:
      - { url: "https://a.example", urlEnv: X }
      - { secretEnv: S }
      - { url: "ftp://a.example" }
      - { url: "https://a.example", secretEnv: "my secret" }
      - { url: "https://a.example", events: [approved] }
`).catch((e: unknown) => e)) as WorkspaceError;
    expect(err).toBeInstanceOf(WorkspaceError);
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
    expect(byPath['agents[0].notify[0]']).toMatch(/exactly one of `url` and `urlEnv`/);
    expect(byPath['agents[0].notify[1]']).toMatch(/exactly one of `url` and `urlEnv`/);
    expect(byPath['agents[0].notify[2].url']).toMatch(/http\(s\) URL/);
    expect(byPath['agents[0].notify[3].secretEnv']).toMatch(/environment variable name/);
    expect(byPath['agents[0].notify[4].events[0]']).toMatch(/requested/);
  });

  it('signs `<timestamp>.<body>` with HMAC-SHA256 and builds a Slack body with text and blocks', () => {
    // Known vector: HMAC-SHA256("key", "1700000000.{}") computed with `openssl dgst -sha256 -hmac key`.
    expect(notificationSignature('key', '1700000000', '{}')).toBe('sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae');
    const body = slackBody({
      event: 'approval.decided',
      deliveryId: 'r:a:approval.decided',
      runId: 'r',
      agentId: 'a',
      approvalId: 'a1',
      toolName: 'refund',
      input: '{"amount":5}',
      at: '2026-01-01T00:00:00.000Z',
      decision: { decision: 'reject', approver: 'ann', reason: 'no', via: 'update' },
    });
    expect(body.text).toBe('Approval rejected by ann: `refund` in run `r` (agent a)');
    expect(body.blocks).toHaveLength(2);
  });
});
