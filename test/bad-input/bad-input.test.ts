/**
 * Bad input refused before anything runs (no server needed): one row per case, each asserting
 * the error class and code, that the message says what and where, and that nothing was created.
 * The cases that need a run are in bad-input.int.test.ts.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HarnessClient, HarnessClientError, ThreadError } from '../../src/client/index.js';
import { WorkspaceError, loadWorkspace } from '../../src/workspace/index.js';
import { TEST_TOOLS, tempDir } from '../support/paths.js';

const AGENT = `
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - id: a
    model: m
    tools: [echo]
`;

/** Writes `yaml` (after a tools line, unless it brings its own) and returns the load error. */
async function loadError(yaml: string, extraFiles: Record<string, string> = {}): Promise<{ err: WorkspaceError; dir: string }> {
  const dir = tempDir();
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(join(dir, name), text);
  const toolsLine = yaml.includes('tools:\n  module') || yaml.startsWith('tools:') ? '' : `tools:\n  module: ${JSON.stringify(TEST_TOOLS)}\n`;
  writeFileSync(join(dir, 'harness.yaml'), `${toolsLine}${yaml}`);
  const err = await loadWorkspace(join(dir, 'harness.yaml')).then(
    () => {
      throw new Error('expected the workspace to be refused');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkspaceError);
  return { err: err as WorkspaceError, dir };
}

interface WorkspaceRow {
  name: string;
  yaml: string;
  files?: Record<string, string>;
  code: WorkspaceError['code'];
  /** path inside the file → what the message must say */
  issues: Array<{ path: string | RegExp; message: RegExp }>;
}

const workspaceRows: WorkspaceRow[] = [
  {
    name: 'malformed YAML',
    yaml: 'agents: [\n  - id: a\n',
    code: 'WORKSPACE_YAML_SYNTAX',
    issues: [{ path: /^line \d+, column \d+$/, message: /./ }],
  },
  {
    name: 'unknown model reference',
    yaml: AGENT.replace('model: m\n    tools', 'model: gpt-9\n    tools'),
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'agents[0].model', message: /unknown model "gpt-9"; declared models: m/ }],
  },
  {
    name: 'unknown tool reference',
    yaml: AGENT.replace('tools: [echo]', 'tools: [echo, ghost]'),
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'agents[0].tools[1]', message: /unknown tool "ghost"; the tools module exports: .*echo/ }],
  },
  {
    name: 'unknown agent reference (defaultAgent)',
    yaml: `${AGENT}defaultAgent: zed\n`,
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'defaultAgent', message: /unknown agent "zed"/ }],
  },
  {
    name: 'a tools module that fails to load',
    yaml: `tools: { module: ./broken.ts }\n${AGENT}`,
    files: { 'broken.ts': 'throw new Error("boom at import");\n' },
    code: 'TOOLS_MODULE_LOAD_FAILED',
    issues: [{ path: 'tools.module', message: /boom at import/ }],
  },
];

describe('bad input refused before anything runs', () => {
  it.each(workspaceRows)('$name', async ({ yaml, files, code, issues }) => {
    const { err, dir } = await loadError(yaml, files);
    expect(err.code).toBe(code);
    expect(err.file).toBe(join(dir, 'harness.yaml'));
    expect(err.message).toContain(join(dir, 'harness.yaml'));
    for (const want of issues) {
      expect(err.issues).toContainEqual({ path: expect.stringMatching(want.path instanceof RegExp ? want.path : `^${escape(want.path)}$`), message: expect.stringMatching(want.message) });
    }
    // Loading is read-only: nothing was written next to the file.
    expect(readdirSync(dir).sort()).toEqual(['harness.yaml', ...Object.keys(files ?? {})].sort());
  });

  it.each([
    { name: 'empty', threadId: '' },
    { name: 'spaces and slashes', threadId: 'my thread/1' },
    { name: 'too long', threadId: 'x'.repeat(129) },
  ])('an invalid thread id ($name) is refused by the client before any server call', ({ threadId }) => {
    // A client that has never connected: a server call would fail differently.
    const client = new HarnessClient(offlineTemporal(), { taskQueue: 'unused' });
    const err = (() => {
      try {
        client.thread(threadId);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ThreadError);
    expect((err as ThreadError).code).toBe('INVALID_THREAD_ID');
    expect((err as ThreadError).message).toContain(JSON.stringify(threadId));
    expect((err as ThreadError).message).toMatch(/1-128 characters/);
  });

  it('an unknown agent reference at start is refused by a client that knows the agents, before any server call', async () => {
    const client = new HarnessClient(offlineTemporal(), { taskQueue: 'unused', knownAgents: ['support', 'billing'] });
    const err = await client.startRun({ agentId: 'suport', input: 'hi' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HarnessClientError);
    expect((err as HarnessClientError).code).toBe('UNKNOWN_AGENT');
    expect((err as HarnessClientError).message).toBe('Unknown agent "suport". Known agents: support, billing.');
  });
});

/** A Temporal client stand-in that fails the test if anything reaches the server. */
function offlineTemporal(): never {
  const fail = () => {
    throw new Error('no server call expected');
  };
  return { options: { namespace: 'default' }, workflow: { start: fail, getHandle: fail } } as never;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

