import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSpec, loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

/** Loads a workspace with the test tools, `tools` lines added under `tools:`, and `agents`. */
async function load(tools: string, agents: string, extra = ''): Promise<unknown> {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(
    file,
    `tools:\n  module: ${JSON.stringify(TEST_TOOLS)}\n${tools}\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n${agents}\n${extra}`,
  );
  return loadWorkspace(file).catch((e: unknown) => e);
}

const issuesOf = async (tools: string, agents: string, extra = '') => {
  const err = await load(tools, agents, extra);
  expect(err).toBeInstanceOf(WorkspaceError);
  return (err as WorkspaceError).issues;
};

describe('workspace: tools declared local', () => {
  it('a module tool with local: true is execution: local in the agent spec, with its timeout (default 5s); others unchanged', async () => {
    const ws = (await load(
      '  perTool:\n    echo: { local: true }\n    note_state: { local: true, timeout: 1500ms, maxResultChars: 500 }\n    big_result: { maxResultChars: 500 }',
      '  - { id: a, model: m, tools: [echo, note_state, big_result] }',
    )) as Awaited<ReturnType<typeof loadWorkspace>>;
    const spec = agentSpec(ws, 'a')!;
    expect(spec.tools.find((t) => t.name === 'echo')).toMatchObject({ execution: 'local', timeoutMs: 5000 });
    expect(spec.tools.find((t) => t.name === 'note_state')).toMatchObject({ execution: 'local', timeoutMs: 1500 });
    const regular = spec.tools.find((t) => t.name === 'big_result')!;
    expect(regular.execution).toBeUndefined();
    expect(regular.timeoutMs).toBeUndefined();
  });

  it('refuses a local timeout over 5s, and a timeout on a tool that is not local', async () => {
    const issues = await issuesOf('  perTool:\n    echo: { local: true, timeout: 6s }\n    note_state: { timeout: 1s }', '  - { id: a, model: m, tools: [echo, note_state] }');
    expect(issues).toEqual([
      { path: 'tools.perTool.echo.timeout', message: expect.stringMatching(/local tool's timeout is at most 5s: its call holds the run's workflow task.*remove `local: true`/) },
      { path: 'tools.perTool.note_state.timeout', message: expect.stringContaining('a per-tool `timeout` is for local tools (`local: true`)') },
    ]);
  });

  it('refuses local for MCP, client, ask_human, sub-agent and memory tools, and for a tool nobody exports', async () => {
    const perTool = ['mcp__notes__read', 'pick', 'ask_human', 'helper', 'recall', 'ghost'].map((n) => `    ${n}: { local: true }`).join('\n');
    const issues = await issuesOf(
      `  client:\n    pick: { description: pick one }\n  perTool:\n${perTool}`,
      '  - { id: a, model: m, tools: [echo, recall], askHuman: true, subAgents: [{ agent: b, name: helper }] }\n  - { id: b, model: m }',
      'memory:\n  store: { kind: file, path: ./memory.sqlite }\n  embeddings: { provider: offline-hash }\n  namespace: t\n',
    );
    const local = issues.filter((i) => i.path.endsWith('.local'));
    expect(local).toEqual([
      { path: 'tools.perTool.mcp__notes__read.local', message: expect.stringMatching(/"mcp__notes__read" cannot be local: an MCP tool calls its server.*only tools of `tools.module` can be local/) },
      { path: 'tools.perTool.pick.local', message: expect.stringContaining("a client tool's result comes from the caller's app") },
      { path: 'tools.perTool.ask_human.local', message: expect.stringContaining('ask_human waits for a person') },
      { path: 'tools.perTool.helper.local', message: expect.stringContaining('a sub-agent tool starts a child run') },
      { path: 'tools.perTool.recall.local', message: expect.stringContaining('a built-in memory tool calls its store') },
      { path: 'tools.perTool.ghost.local', message: expect.stringContaining('no such tool (the tools module does not export it)') },
    ]);
  });

  it("refuses local for a graph agent's tool: it runs inside the graph", async () => {
    const graphs = TEST_TOOLS.replace(/tools\.ts$/, 'graphs.ts');
    const issues = await issuesOf(
      '  perTool:\n    send_email: { local: true }',
      `  - { id: a, model: m, tools: [echo] }\n  - { id: g, execution: graph, graph: { module: ${JSON.stringify(graphs)}, export: mailAgent } }`,
    );
    expect(issues).toEqual([
      { path: 'tools.perTool.send_email.local', message: expect.stringContaining("no such tool (the tools module does not export it); a graph agent's tools run inside its graph and cannot be local") },
    ]);
  });
});
