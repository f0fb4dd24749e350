import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkspace, parseWorkspaceText, WorkspaceError } from '../../src/workspace/index.js';
import { agentSpec } from '../../src/workspace/agent-spec.js';
import { tempDir } from '../support/paths.js';

const GRAPHS = fileURLToPath(new URL('../fixtures/graphs.ts', import.meta.url));

function write(yaml: string): string {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(file, yaml);
  return file;
}

const issuesOf = async (file: string) => {
  const err = await loadWorkspace(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkspaceError);
  return (err as WorkspaceError).issues;
};

describe('graph agents in the workspace file', () => {
  it('loads builder, compiled and createAgent exports, without needing a model', async () => {
    const ws = await loadWorkspace(
      write(`agents:
  - { id: a, execution: graph, graph: { module: ${JSON.stringify(GRAPHS)}, export: twoInterrupts } }
  - { id: b, execution: graph, graph: { module: ${JSON.stringify(GRAPHS)}, export: fourSteps } }
  - { id: c, execution: graph, graph: { module: ${JSON.stringify(GRAPHS)}, export: mailAgent, approval: { timeout: 1h, onTimeout: approve, approvers: [ann] } } }
`),
    );
    expect([...ws.graphs.entries()].map(([id, g]) => [id, g.kind])).toEqual([
      ['a', 'builder'],
      ['b', 'compiled'],
      ['c', 'agent'],
    ]);
    const plan = agentSpec(ws, 'c')!;
    expect(plan).toMatchObject({ execution: 'graph', modelId: 'graph', graph: { approvalTimeoutMs: 3_600_000, onApprovalTimeout: 'approve', approvers: ['ann'] } });
    expect(agentSpec(ws, 'a')!.limits.graphSegmentTimeoutMs).toBe(30 * 60_000);
  });

  it('names a missing export and lists what the module exports', async () => {
    const issues = await issuesOf(write(`agents:\n  - { id: a, execution: graph, graph: { module: ${JSON.stringify(GRAPHS)}, export: nope } }\n`));
    expect(issues[0]!.path).toBe('agents[0].graph');
    expect(issues[0]!.message).toMatch(/no export "nope"; it exports: .*twoInterrupts/);
  });

  it('refuses an export that is not a graph, and a module that does not exist', async () => {
    const notGraph = await issuesOf(write(`agents:\n  - { id: a, execution: graph, graph: { module: ${JSON.stringify(GRAPHS)}, export: notAGraph } }\n`));
    expect(notGraph[0]!.message).toContain('is not a LangGraph graph');
    const missing = await issuesOf(write(`agents:\n  - { id: a, execution: graph, graph: { module: ./missing.ts } }\n`));
    expect(missing[0]).toMatchObject({ path: 'agents[0].graph.module' });
    expect(missing[0]!.message).toContain('module not found');
  });

  it('schema: execution and graph go together; loop agents need a model; graph agents take no tools', () => {
    const problems = (yaml: string) => {
      try {
        parseWorkspaceText(yaml, 'h.yaml');
        return [];
      } catch (err) {
        return (err as WorkspaceError).issues.map((i) => `${i.path}: ${i.message}`);
      }
    };
    expect(problems('agents:\n  - { id: a, execution: graph }\n')).toEqual(['agents[0].graph: an agent with `execution: graph` needs `graph: { module, export }`']);
    expect(problems('agents:\n  - { id: a, graph: { module: g.ts } }\n')[0]).toContain('agents[0].execution: set `execution: graph`');
    expect(problems('agents:\n  - { id: a }\n')[0]).toContain('agents[0].model: an agent needs a `model`');
    expect(problems('agents:\n  - { id: a, execution: graph, graph: { module: g.ts }, tools: [x] }\n')[0]).toContain('agents[0].tools: a graph agent calls its own tools');
  });
});
