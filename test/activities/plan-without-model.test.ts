/**
 * `planWithoutModel` (planning at start, in the worker's process) makes exactly the plan the
 * `planRun` activity makes from the same workspace, and none where `planRun` would ask the router
 * model or fail.
 */
import { describe, expect, it } from 'vitest';
import { createPlanActivities, planWithoutModel, type PlanRunInput } from '../../src/activities/plan-run.js';
import { loadWorkspace } from '../../src/workspace/index.js';
import { tempDir, writeWorkspace } from '../support/harness.js';

const base = `models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - { id: support, model: m, description: orders }
  - { id: billing, model: m, description: invoices }
policies:
  - { id: guests-no-support, when: { agents: [support], context: { role: guest } }, effect: deny, reason: Guests cannot use support }
  - { id: tight-billing, when: { agents: [billing] }, effect: limit, limits: { maxSteps: 1 } }
`;

async function workspaceOf(extra: string) {
  return loadWorkspace(writeWorkspace(tempDir(), base + extra));
}

describe('planWithoutModel', () => {
  it('plans as planRun does: by name, by rule, by default; with the policies applied, refusals included', async () => {
    const ws = await workspaceOf(`routing: { rules: [{ match: invoice, agent: billing }] }\ndefaultAgent: support\n`);
    const { planRun } = createPlanActivities(ws);
    const inputs: PlanRunInput[] = [
      { requestedAgentId: 'support', input: 'where is my order?' },
      { input: 'my invoice is wrong' },
      { requestedAgentId: 'auto', input: 'hello' },
      { requestedAgentId: 'support', input: 'hi', context: { role: 'guest' } },
      { requestedAgentId: 'billing', input: 'hi', files: [{ name: 'big.pdf', size: 10 ** 9, inline: true }] },
    ];
    for (const input of inputs) {
      const atStart = planWithoutModel(ws, input);
      const { tookMs: _, ...byActivity } = await planRun(input);
      expect(atStart).toEqual({ ...byActivity, tookMs: 0 });
    }
    expect(planWithoutModel(ws, inputs[1]!)?.routing).toMatchObject({ via: 'rule', selectedAgentId: 'billing' });
    expect(planWithoutModel(ws, inputs[2]!)?.routing).toMatchObject({ via: 'default', selectedAgentId: 'support' });
    const refused = planWithoutModel(ws, inputs[3]!);
    expect(refused?.policy.allowed).toBe(false);
    expect(refused?.agent).toBeUndefined();
    expect(planWithoutModel(ws, inputs[4]!)?.policy.reasons.join()).toMatch(/limits.maxInlineFileBytes/);
  });

  it('makes no plan where planRun would ask the router model or fail', async () => {
    const routed = await workspaceOf(`routing: { router: { model: m } }\n`);
    expect(planWithoutModel(routed, { input: 'hello' })).toBeUndefined();
    // A named agent needs no router, even in a workspace that has one.
    expect(planWithoutModel(routed, { requestedAgentId: 'billing', input: 'hello' })?.routing.via).toBe('explicit');
    const plain = await workspaceOf('');
    expect(planWithoutModel(plain, { requestedAgentId: 'nobody', input: 'hello' })).toBeUndefined();
    await expect(createPlanActivities(plain).planRun({ requestedAgentId: 'nobody', input: 'hello' })).rejects.toMatchObject({ type: 'UNKNOWN_AGENT' });
    expect(planWithoutModel(plain, { input: 'hello' })).toBeUndefined();
    await expect(createPlanActivities(plain).planRun({ input: 'hello' })).rejects.toMatchObject({ type: 'NO_AGENT_SELECTED' });
  });
});
