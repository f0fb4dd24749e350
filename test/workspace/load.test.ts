import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

const good = `
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - id: a
    model: m
    tools: [echo, record_effect]
    requireApproval: [record_effect]
`;

async function load(yaml: string, withTools = true): Promise<unknown> {
  const dir = tempDir();
  const file = join(dir, 'harness.yaml');
  writeFileSync(file, `${withTools ? `tools: { module: ${JSON.stringify(TEST_TOOLS)} }\n` : ''}${yaml}`);
  return loadWorkspace(file).catch((e: unknown) => e);
}

async function issuesOf(yaml: string, withTools = true) {
  const err = await load(yaml, withTools);
  expect(err).toBeInstanceOf(WorkspaceError);
  return err as WorkspaceError;
}

describe('loadWorkspace', () => {
  it('loads a valid file with defaults filled in and tools resolved', async () => {
    const ws = (await load(good)) as Awaited<ReturnType<typeof loadWorkspace>>;
    expect([...ws.agents.keys()]).toEqual(['a']);
    expect(ws.tools.has('record_effect')).toBe(true);
    expect(ws.config.limits.maxSteps).toBe(20);
    expect(ws.config.limits.modelRetry.maximumAttempts).toBe(5);
  });

  it('a missing file says how to point at one, without naming CLI flags (the CLI adds those)', async () => {
    const err = (await loadWorkspace(join(tempDir(), 'nope.yaml')).catch((e: unknown) => e)) as WorkspaceError;
    expect(err).toBeInstanceOf(WorkspaceError);
    expect(err.code).toBe('WORKSPACE_NOT_FOUND');
    expect(err.message).toMatch(/nope\.yaml.*HARNESS_WORKSPACE/s);
    expect(err.message).not.toContain('--');
  });

  it('malformed YAML names the line', async () => {
    const err = await issuesOf('agents: [\n  - id: a\n');
    expect(err.code).toBe('WORKSPACE_YAML_SYNTAX');
    expect(err.issues[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it('reports every schema problem with its path inside the file', async () => {
    const err = await issuesOf(`
models:
  m: { provider: mistral }
agents:
  - id: ok
    model: m
  - id: "bad id!"
    model: m
    tools: [1]
    surprise: true
limits:
  modelCallTimeout: soon
`);
    expect(err.code).toBe('WORKSPACE_INVALID');
    const byPath = Object.fromEntries(err.issues.map((i) => [i.path, i.message]));
    expect(byPath['models.m.provider'] ?? byPath['models.m']).toMatch(/scripted, openai/);
    expect(byPath['agents[1].id']).toMatch(/letters, digits/);
    expect(byPath['agents[1].tools[0]']).toMatch(/string/i);
    expect(byPath['agents[1].surprise']).toMatch(/^unknown key "surprise": remove it or fix its spelling/);
    expect(byPath['limits.modelCallTimeout']).toMatch(/duration such as "30s"/);
    expect(err.message).toContain('harness.yaml');
  });

  it('checks references: models, tools, approvals, default agent, script tool names', async () => {
    const err = await issuesOf(`
models:
  m: { provider: scripted, script: [{ turns: [{ toolCalls: [{ name: nope_tool }] }] }] }
agents:
  - id: a
    model: missing
    tools: [echo, ghost]
    requireApproval: [record_effect]
  - id: a
    model: m
defaultAgent: zed
`);
    expect(err.issues).toEqual(
      expect.arrayContaining([
        { path: 'agents[0].model', message: expect.stringMatching(/unknown model "missing"; declared models: m/) },
        { path: 'agents[0].tools[1]', message: expect.stringMatching(/unknown tool "ghost"; the tools module exports: .*echo/) },
        { path: 'agents[0].requireApproval[0]', message: expect.stringMatching(/"record_effect" is not one of this agent's tools/) },
        { path: 'agents[1].id', message: 'duplicate agent id "a"' },
        { path: 'defaultAgent', message: expect.stringMatching(/unknown agent "zed"/) },
        { path: 'models.m.script[0].turns[0].toolCalls[0].name', message: expect.stringMatching(/unknown tool "nope_tool"/) },
      ]),
    );
  });

  it('a tools module that fails to load is reported at tools.module with the cause', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.ts'), 'throw new Error("boom at import");\n');
    writeFileSync(join(dir, 'harness.yaml'), `tools: { module: ./broken.ts }\n${good}`);
    const err = (await loadWorkspace(join(dir, 'harness.yaml')).catch((e: unknown) => e)) as WorkspaceError;
    expect(err.code).toBe('TOOLS_MODULE_LOAD_FAILED');
    expect(err.issues[0]).toMatchObject({ path: 'tools.module', message: expect.stringContaining('boom at import') });
  });

  it('a tools module path that does not exist is reported relative to the workspace file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'harness.yaml'), `tools: { module: ./missing.ts }\n${good}`);
    const err = (await loadWorkspace(join(dir, 'harness.yaml')).catch((e: unknown) => e)) as WorkspaceError;
    expect(err.issues[0]!.message).toMatch(/module not found: .*missing\.ts/);
  });

  it('the example workspace in the repo is valid', async () => {
    const ws = await loadWorkspace(new URL('../../harness.yaml', import.meta.url).pathname);
    expect(ws.config.defaultAgent).toBe('support');
  });
});
