import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFailedError } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  const dir = tempDir();
  const effects = JSON.stringify(join(dir, 'e.log'));
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: refund
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${effects}, label: refund } }]
          - text: "refunded: {{lastToolResult}}"
      - turns:
          - text: "answered: {{input}}"
  router:
    provider: scripted
    script:
      - when: invoice
        turns: [{ text: 'Sure. {"agent": "billing", "reason": "it is about an invoice"}' }]
      - turns: [{ text: "no idea" }]
agents:
  - { id: support, description: Orders and refunds, model: m, tools: [record_effect] }
  - { id: billing, description: Invoices and payments, model: m }
  - { id: sales, description: Everything else, model: m }
  - { id: legal, description: Contracts, model: m, enabled: false }
defaultAgent: sales
routing:
  rules:
    - { match: "refund|return", agent: support }
  router: { model: router, agents: [billing, sales] }
policies:
  - id: guests-no-support
    when: { agents: [support], context: { role: guest } }
    effect: deny
    reason: Guests cannot use support
  - id: refunds-need-approval
    when: { agents: [support] }
    effect: requireApproval
    tools: [record_effect]
  - id: tight-billing
    when: { agents: [billing] }
    effect: limit
    limits: { maxSteps: 1 }
limits:
  maxInputChars: 60
`,
  );
}

describe('routing', () => {
  it('routes by explicit agent, rule, router model and default, recording which and why', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const explicit = await client.startRun({ agentId: 'billing', input: 'hello there' });
      expect((await explicit.result()).agentId).toBe('billing');
      expect((await explicit.status()).routing).toEqual({
        requestedAgentId: 'billing',
        selectedAgentId: 'billing',
        via: 'explicit',
        reason: 'named by the caller',
      });

      const byRule = await client.startRun({ input: 'I want to return this' });
      await byRule.waitFor((s) => s.routing !== undefined);
      expect((await byRule.status()).routing).toMatchObject({ requestedAgentId: 'auto', selectedAgentId: 'support', via: 'rule' });
      await byRule.cancel();

      const byRouter = await client.startRun({ agentId: 'auto', input: 'question about my invoice' });
      expect((await byRouter.result()).agentId).toBe('billing');
      expect((await byRouter.status()).routing).toMatchObject({
        via: 'router',
        reason: 'router model "router": it is about an invoice',
      });
      // The search attribute follows the routed agent, so `harness list --agent billing` finds it.
      await expect
        .poll(async () => (await client.listRuns({ agentId: 'billing' })).map((r) => r.runId), { timeout: 10_000 })
        .toContain(byRouter.runId);

      const byDefault = await client.startRun({ input: 'hello' });
      expect((await byDefault.result()).output).toBe('answered: hello');
      expect((await byDefault.status()).routing).toMatchObject({ selectedAgentId: 'sales', via: 'default' });
      expect((await byDefault.status()).routing!.reason).toMatch(/router model's answer was unusable/);
    });
  });
});

describe('policies', () => {
  it('refuses a run before any model call, listing every reason; the same input gets the same verdict', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const verdicts = [];
      for (let i = 0; i < 2; i++) {
        const run = await client.startRun({
          agentId: 'support',
          input: 'please refund my order, it arrived broken and I am very upset',
          context: { role: 'guest' },
        });
        const err = await run.result().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RunFailedError);
        expect((err as RunFailedError).message).toMatch(/refused by policy: .*Guests cannot use support/);
        const status = await run.status();
        expect(status).toMatchObject({ state: 'failed', step: 0 });
        verdicts.push(status.policy);
      }
      expect(verdicts[0]).toEqual({
        allowed: false,
        reasons: [
          'input is 61 characters, over the limit of 60 (limits.maxInputChars)',
          'policy "guests-no-support": Guests cannot use support',
        ],
        matchedPolicies: ['guests-no-support', 'refunds-need-approval'],
      });
      expect(verdicts[1]).toEqual(verdicts[0]);

      const disabled = await client.startRun({ agentId: 'legal', input: 'hi' });
      await expect(disabled.result()).rejects.toThrow(/agent "legal" is disabled/);
    });
  });

  it('forces approval on a tool and caps steps', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'refund please', context: { role: 'member' } });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.pendingApprovals[0]).toMatchObject({ toolName: 'record_effect' });
      expect(parked.policy?.matchedPolicies).toEqual(['refunds-need-approval']);
      await run.approve();
      expect((await run.result()).output).toBe('refunded: recorded refund');

      // billing is capped at one model call by policy; a refund request needs two.
      const capped = await client.startRun({ agentId: 'billing', input: 'refund my invoice' });
      await expect(capped.result()).rejects.toThrow(/limits\.maxSteps = 1/);
    });
  });
});
