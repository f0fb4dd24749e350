import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace, WorkspaceError, type Workspace } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

async function load(yaml: string): Promise<Workspace | WorkspaceError> {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(file, `tools: { module: ${JSON.stringify(TEST_TOOLS)} }\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\n${yaml}`);
  return loadWorkspace(file).catch((e: unknown) => e as WorkspaceError);
}

describe('workspace memory section', () => {
  it('with memory declared, agents list memorize/recall/forget as tools; the store is not opened by loading', async () => {
    const ws = (await load(`
memory:
  embeddings: { provider: offline-hash }
  namespace: "user:{{context.userId}}"
  ttl: 30d
agents:
  - id: a
    model: m
    tools: [echo, memorize, recall, forget]
    requireApproval: [forget]
    memory: { sync: facts, extract: simple }
`)) as Workspace;
    expect(ws).not.toBeInstanceOf(WorkspaceError);
    expect(ws.memory).toBeDefined();
    expect(['memorize', 'recall', 'forget'].every((t) => ws.tools.has(t))).toBe(true);
    expect(ws.config.memory).toMatchObject({ store: { kind: 'file', path: '.harness/memory.sqlite' }, ttl: 30 * 86_400_000, recall: { topK: 5, minScore: 0 } });
    expect(ws.agents.get('a')!.memory).toEqual({ sync: 'facts', extract: 'simple' });
  });

  it('reports bad memory settings with their paths and what is expected', async () => {
    const err = (await load(`
memory:
  store: { kind: redis }
  embeddings: { provider: cohere }
  namespace: "user:{{userId}}"
  ttl: soon
agents:
  - id: a
    model: m
    memory: { sync: always }
`)) as WorkspaceError;
    expect(err).toBeInstanceOf(WorkspaceError);
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
    expect(byPath['memory.store.kind'] ?? byPath['memory.store']).toMatch(/file, postgres/);
    expect(byPath['memory.embeddings.provider'] ?? byPath['memory.embeddings']).toMatch(/openai, offline-hash/);
    expect(byPath['memory.namespace']).toMatch(/unknown placeholder \{\{userId\}\}.*\{\{context\.<key>\}\}/);
    expect(byPath['memory.ttl']).toMatch(/duration/);
    expect(byPath['agents[0].memory.sync']).toMatch(/off|facts|summary/);
  });

  it('memory tools without a memory section, and agent memory without it, say how to enable it', async () => {
    const err = (await load(`
agents:
  - id: a
    model: m
    tools: [recall]
    memory: { sync: facts }
`)) as WorkspaceError;
    expect(err.issues).toEqual(
      expect.arrayContaining([
        { path: 'agents[0].memory', message: expect.stringMatching(/needs the top-level `memory` section/) },
        { path: 'agents[0].tools[0]', message: expect.stringMatching(/built-in memory tool: add a top-level `memory` section/) },
      ]),
    );
  });

  it('a namespace is required (sharing memory across users is a decision, not a default)', async () => {
    const err = (await load(`
memory: { embeddings: { provider: offline-hash } }
agents: [{ id: a, model: m }]
`)) as WorkspaceError;
    expect(err.issues.find((i) => i.path === 'memory.namespace')).toBeDefined();
  });

  it('postgres store settings take the NAME of the env var holding the connection string', async () => {
    const ws = (await load(`
memory:
  store: { kind: postgres }
  embeddings: { provider: openai, model: text-embedding-3-small }
  namespace: shared
agents: [{ id: a, model: m, tools: [recall] }]
`)) as Workspace;
    expect(ws.config.memory!.store).toEqual({ kind: 'postgres', urlEnv: 'HARNESS_MEMORY_DATABASE_URL', table: 'harness_memories', vector: 'auto' });
    const bad = (await load(`
memory:
  store: { kind: postgres, urlEnv: "postgres://u:p@h/db", table: "Drop Table" }
  embeddings: { provider: offline-hash }
  namespace: shared
agents: [{ id: a, model: m }]
`)) as WorkspaceError;
    const paths = bad.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['memory.store.urlEnv', 'memory.store.table']));
  });

  it('model extraction for an agent without a model (a graph agent) is refused, pointing at extract: simple', async () => {
    const graphs = new URL('../fixtures/graphs.ts', import.meta.url).pathname;
    const err = (await load(`
memory: { embeddings: { provider: offline-hash }, namespace: shared }
agents:
  - id: g
    execution: graph
    graph: { module: ${JSON.stringify(graphs)}, export: fourSteps }
    memory: { sync: summary }
`)) as WorkspaceError;
    expect(err).toBeInstanceOf(WorkspaceError);
    expect(err.issues).toEqual([{ path: 'agents[0].memory.extract', message: expect.stringMatching(/has none.*extract: simple/) }]);
  });
});
