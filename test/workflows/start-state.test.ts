/**
 * What a run's search attributes say at start (`attributesAtStart`, used by `runStartOptions`) and
 * which writes the run then makes (`RunAttributes`): a run planned at start that may work at once
 * starts `running` with its routed agent and writes neither again.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { RunPlan } from '../../src/activities/index.js';
import { runStartOptions } from '../../src/client/run-start-options.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import type { AgentRunInput } from '../../src/workflows/run/contract.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import { RunAttributes } from '../../src/workflows/run/run-attributes.js';
import { attributesAtStart } from '../../src/workflows/run/start-state.js';
import { CONTENT_LIMITS } from '../../src/workflows/shared/content-ref.js';
import { AGENT_ID, RUN_STATE } from '../../src/workflows/shared/search-attributes.js';

const agent = (limits: Partial<AgentSpec['limits']> = {}): AgentSpec => ({ agentId: 'support', modelId: 'm', tools: [], limits: limits as AgentSpec['limits'] });
const routed = { requestedAgentId: 'auto', selectedAgentId: 'support', via: 'rule' as const, reason: 'matched' };
/** A plan for `spec`; `null`: refused by policy. */
const plan = (spec: AgentSpec | null = agent()): RunPlan => ({
  routing: routed,
  policy: spec ? { allowed: true, reasons: [], matchedPolicies: [] } : { allowed: false, reasons: ['closed'], matchedPolicies: ['closed'] },
  ...(spec && { agent: spec }),
  tookMs: 0,
});
const big = 'x'.repeat(CONTENT_LIMITS.inlineChars + 1);

describe('attributesAtStart', () => {
  it('a run with no plan starts `starting` with the agent it asks for, or `auto`', () => {
    expect(attributesAtStart({ input: 'hi' })).toEqual({ state: 'starting', agentId: 'auto' });
    expect(attributesAtStart({ input: 'hi', agentId: 'billing' })).toEqual({ state: 'starting', agentId: 'billing' });
  });

  it('a run planned at start that may work at once starts `running` with the routed agent', () => {
    expect(attributesAtStart({ input: 'hi', plan: plan() })).toEqual({ state: 'running', agentId: 'support' });
  });

  it('a planned run that must wait (slot, refusal, a big input to store) starts `starting`, with the routed agent', () => {
    expect(attributesAtStart({ input: 'hi', plan: plan(agent({ maxConcurrentRuns: 2 })) })).toEqual({ state: 'starting', agentId: 'support' });
    expect(attributesAtStart({ input: 'hi', plan: plan(null) })).toEqual({ state: 'starting', agentId: 'support' });
    expect(attributesAtStart({ input: big, plan: plan() }).state).toBe('starting');
    const bigFile = { name: 'a.txt', size: big.length, content: big };
    expect(attributesAtStart({ input: 'hi', files: [bigFile], plan: plan() }).state).toBe('starting');
  });

  it('agrees with the run about a big input: `starting` exactly when the run stores its input first', () => {
    const inputs: AgentRunInput[] = [
      { input: 'hi', plan: plan() },
      { input: big, plan: plan() },
      { input: 'x'.repeat(CONTENT_LIMITS.inlineChars), plan: plan() },
      { input: 'hi', files: [{ name: 'a.txt', size: 10, content: 'small' }], plan: plan() },
      { input: 'hi', files: [{ name: 'a.txt', size: big.length, content: big }], plan: plan() },
    ];
    for (const input of inputs) {
      expect(attributesAtStart(input).state === 'starting', `input of ${input.input.length} chars`).toBe(new RunLedger('run-1', input).hasInputToStore);
    }
  });

  it('a sub-agent run takes no slot of its own, so its cap does not hold it back', () => {
    const parent = { workflowId: 'run-0', toolCallId: 'c1', path: [], depth: 1 };
    expect(attributesAtStart({ input: 'hi', parent, plan: plan(agent({ maxConcurrentRuns: 1 })) }).state).toBe('running');
  });

  it('runStartOptions starts the run with them', () => {
    const pairs = runStartOptions({ input: 'hi', plan: plan() }, { taskQueue: 'q' }).typedSearchAttributes;
    expect(pairs).toEqual([
      { key: RUN_STATE, value: 'running' },
      { key: AGENT_ID, value: 'support' },
    ]);
    expect(runStartOptions({ input: 'hi' }, { taskQueue: 'q' }).typedSearchAttributes).toEqual([
      { key: RUN_STATE, value: 'starting' },
      { key: AGENT_ID, value: 'auto' },
    ]);
  });
});

describe('RunAttributes', () => {
  const attributes = (held: { state?: string; agentId?: string }) => {
    const upserts: SearchAttributeUpdatePair[][] = [];
    return { upserts, attributes: new RunAttributes(held, (pairs) => upserts.push(pairs)) };
  };

  it('writes nothing a run already holds: a run started `running` with its agent', () => {
    const { upserts, attributes: a } = attributes({ state: 'running', agentId: 'support' });
    a.set({ agentId: 'support', state: 'running' });
    expect(upserts).toEqual([]);
    a.set({ state: 'completed' });
    expect(upserts).toEqual([[{ key: RUN_STATE, value: 'completed' }]]);
  });

  it('writes a state and an agent changed together in one upsert, and only what differs', () => {
    const { upserts, attributes: a } = attributes({ state: 'starting', agentId: 'auto' });
    a.set({ agentId: 'support', state: 'running' });
    expect(upserts).toEqual([
      [
        { key: RUN_STATE, value: 'running' },
        { key: AGENT_ID, value: 'support' },
      ],
    ]);
    a.set({ agentId: 'support', state: 'waiting_for_approval' });
    expect(upserts.at(-1)).toEqual([{ key: RUN_STATE, value: 'waiting_for_approval' }]);
    a.set({ state: 'waiting_for_approval' });
    expect(upserts).toHaveLength(2);
  });

  it('writes a value the run was started without', () => {
    const { upserts, attributes: a } = attributes({});
    a.set({ state: 'running' });
    expect(upserts).toEqual([[{ key: RUN_STATE, value: 'running' }]]);
  });
});
