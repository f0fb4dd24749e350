import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSpec, loadWorkspace, WorkspaceError, type Workspace } from '../../src/workspace/index.js';
import { checkSubAgentReferences } from '../../src/workspace/sub-agent-references.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

async function load(yaml: string): Promise<Workspace | WorkspaceError> {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(file, `tools: { module: ${JSON.stringify(TEST_TOOLS)} }\n${yaml}`);
  return loadWorkspace(file).catch((e: unknown) => e as WorkspaceError);
}

const models = `
models:
  m: { provider: scripted, script: [{ turns: [{ toolCalls: [{ name: billing, args: { input: hi } }] }] }] }
`;

describe('subAgents in the workspace', () => {
  it('accepts ids and objects; a sub-agent is a tool the plan marks, approval rules may name it', async () => {
    const ws = await load(`${models}
agents:
  - id: support
    model: m
    tools: [echo]
    subAgents: [billing, { agent: ledger, name: ask_ledger, description: Books entries. }]
    requireApproval: [{ tool: ask_ledger, approvers: [alice] }]
  - id: billing
    description: Handles refunds.
    model: m
  - id: ledger
    model: m
limits: { maxAgentDepth: 2 }
`);
    expect(ws).not.toBeInstanceOf(WorkspaceError);
    const plan = agentSpec(ws as Workspace, 'support')!;
    expect(plan.limits.maxAgentDepth).toBe(2);
    expect(plan.tools.map((t) => [t.name, t.subAgent?.agentId, t.requiresApproval])).toEqual([
      ['echo', undefined, false],
      ['billing', 'billing', false],
      ['ask_ledger', 'ledger', true],
    ]);
    const billing = plan.tools[1]!;
    expect(billing.description).toBe('Delegate to the "billing" agent: Handles refunds.');
    expect(billing.inputSchema).toMatchObject({ type: 'object', required: ['input'], properties: { input: { type: 'string' } } });
    expect(plan.tools[2]).toMatchObject({ description: 'Delegate to the "ledger" agent: Books entries.', approvers: ['alice'] });
  });

  it('defaults maxAgentDepth to 3 and allows cycles between agents (the depth limit bounds them)', async () => {
    const ws = await load(`${models}
agents:
  - { id: billing, model: m, subAgents: [support] }
  - { id: support, model: m, subAgents: [billing] }
`);
    expect(ws).not.toBeInstanceOf(WorkspaceError);
    expect((ws as Workspace).config.limits.maxAgentDepth).toBe(3);
  });

  it('reports unknown agents, self-reference, clashing and unusable tool names, each with its path', async () => {
    const err = await load(`${models}
agents:
  - id: support
    model: m
    tools: [echo]
    subAgents: [nobody, support, { agent: billing, name: echo }, billing.eu, billing]
  - { id: billing, model: m }
  - { id: billing.eu, model: m }
`);
    expect(err).toBeInstanceOf(WorkspaceError);
    const issues = (err as WorkspaceError).issues;
    expect(issues).toEqual([
      { path: 'agents[0].subAgents[0]', message: expect.stringContaining('unknown agent "nobody"') },
      { path: 'agents[0].subAgents[1]', message: expect.stringContaining('lists itself') },
      { path: 'agents[0].subAgents[2]', message: expect.stringMatching(/"echo" is already taken by its tool "echo".*name: ask_billing/) },
      { path: 'agents[0].subAgents[3]', message: expect.stringMatching(/"billing\.eu" cannot be a tool name.*name: billing_eu/) },
    ]);
  });

  it('two entries with the same tool name clash', () => {
    const issues = checkSubAgentReferences([
      { id: 'a', tools: [], subAgents: [{ agent: 'b', name: 'b' }, { agent: 'c', name: 'b' }] },
      { id: 'b', tools: [], subAgents: [] },
      { id: 'c', tools: [], subAgents: [] },
    ]);
    expect(issues).toEqual([{ path: 'agents[0].subAgents[1]', message: expect.stringContaining('taken by its sub-agent entry subAgents[0]') }]);
  });

  it('a malformed entry says what is expected', async () => {
    const err = await load(`${models}
agents:
  - { id: support, model: m, subAgents: [{ agent: billing, tools: [x] }, 42] }
  - { id: billing, model: m }
`);
    expect((err as WorkspaceError).issues).toEqual([
      { path: 'agents[0].subAgents[0].tools', message: 'unknown key "tools": remove it or fix its spelling' },
      { path: 'agents[0].subAgents[1]', message: 'expected an agent id, or { agent, name?, description? }' },
    ]);
  });

  it('requireApproval naming something that is neither a tool nor a sub-agent is refused', async () => {
    const err = await load(`${models}
agents:
  - { id: support, model: m, subAgents: [billing], requireApproval: [refunds] }
  - { id: billing, model: m }
`);
    expect((err as WorkspaceError).issues).toEqual([
      { path: 'agents[0].requireApproval[0]', message: expect.stringContaining("(billing)") },
    ]);
  });

  it('a graph agent cannot list sub-agents (its graph calls its own tools)', async () => {
    const err = await load(`${models}
agents:
  - { id: support, model: m }
  - { id: flow, execution: graph, graph: { module: ./graphs.ts }, subAgents: [support] }
`);
    expect((err as WorkspaceError).issues).toEqual([
      { path: 'agents[1].subAgents', message: expect.stringContaining('cannot delegate through `subAgents`') },
    ]);
  });
});
