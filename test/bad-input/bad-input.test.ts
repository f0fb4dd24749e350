/**
 * Bad input refused before anything runs (no server needed): one row per case, each asserting
 * the error class and code, that the message says what and where, and that nothing was created.
 * The cases that need a run are in bad-input.int.test.ts.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyTemporalError, HarnessClient, HarnessClientError, ThreadError } from '../../src/client/index.js';
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
  {
    name: 'a tools module that does not exist',
    yaml: `tools: { module: ./missing.ts }\n${AGENT}`,
    code: 'TOOLS_MODULE_LOAD_FAILED',
    issues: [{ path: 'tools.module', message: /module not found: .*missing\.ts \(paths are relative to the workspace file\)/ }],
  },
  {
    name: 'an unknown top-level key',
    yaml: `${AGENT}agentz: []\n`,
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'agentz', message: /^unknown key "agentz": remove it or fix its spelling; a workspace file takes: .*agents/ }],
  },
  {
    name: 'a duration that is not one',
    yaml: `${AGENT}limits:\n  approvalTimeout: soon\n`,
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'limits.approvalTimeout', message: /./ }],
  },
  {
    name: 'continueAsNewAfterEvents below its minimum',
    yaml: `${AGENT}limits:\n  continueAsNewAfterEvents: 3\n`,
    code: 'WORKSPACE_INVALID',
    issues: [{ path: 'limits.continueAsNewAfterEvents', message: />=\s?10/ }],
  },
  {
    name: 'requireApproval naming a tool the agent does not have',
    yaml: AGENT.replace('tools: [echo]', 'tools: [echo]\n    requireApproval: [record_effect]'),
    code: 'WORKSPACE_INVALID',
    issues: [{ path: /agents\[0\]\.requireApproval/, message: /record_effect/ }],
  },
  {
    name: 'an approver "role:" without a role name',
    yaml: AGENT.replace('tools: [echo]', 'tools: [echo]\n    requireApproval: [{ tool: echo, approvers: ["role:"] }]'),
    code: 'WORKSPACE_INVALID',
    issues: [{ path: /agents\[0\]\.requireApproval\[0\]\.approvers/, message: /"role:" needs a role name after it, e\.g\. "role:finance"/ }],
  },
  {
    name: 'two agents with the same id',
    yaml: `${AGENT}  - id: a\n    model: m\n`,
    code: 'WORKSPACE_INVALID',
    issues: [{ path: /agents\[1\]/, message: /"a"/ }],
  },
  {
    name: 'a sub-agent that is not declared',
    yaml: AGENT.replace('tools: [echo]', 'tools: [echo]\n    subAgents: [ghost]'),
    code: 'WORKSPACE_INVALID',
    issues: [{ path: /agents\[0\]\.subAgents/, message: /ghost/ }],
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

/** An error shaped like the SDK's gRPC ServiceError cause (what `isGrpcServiceError` recognises). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });
}

describe("the server's size refusals, classified with a fix hint", () => {
  // Texts as the dev server (Temporal 1.29) and the gRPC layer answer them, seen on the real server.
  it.each([
    { name: 'a signal over the 4 MB gRPC limit', call: 'other' as const, err: grpcError(8, 'grpc: received message larger than max (5243098 vs. 4194304)'), code: 'PAYLOAD_TOO_LARGE', message: /over the 4 MB gRPC limit.*Nothing was sent/ },
    { name: 'an update over the 4 MB gRPC limit', call: 'update' as const, err: grpcError(8, 'grpc: received message larger than max (5243112 vs. 4194304)'), code: 'PAYLOAD_TOO_LARGE', message: /over the 4 MB gRPC limit/ },
    { name: 'a start over the blob cap', call: 'other' as const, err: grpcError(3, 'Blob data size exceeds limit.'), code: 'PAYLOAD_TOO_LARGE', message: /over its blob size limit/ },
    { name: 'an update whose workflow task failed', call: 'update' as const, err: grpcError(9, 'Unable to perform workflow execution update due to unexpected workflow task failure.'), code: 'UPDATE_NOT_APPLIED', message: /was not applied; the run is unchanged/ },
  ])('$name: $code', ({ call, err, code, message }) => {
    const classified = classifyTemporalError(new Error('wrapped', { cause: err }), { kind: 'run', id: 'run-1', call });
    expect(classified).toBeInstanceOf(HarnessClientError);
    expect((classified as HarnessClientError).code).toBe(code);
    expect((classified as Error).message).toMatch(message);
    expect((classified as Error).message).toMatch(/run "run-1"/);
    expect((classified as Error).message).toMatch(/256 KiB on the embedded dev server, 2 MB on Temporal Cloud.*by reference/);
  });

  it('other INVALID_ARGUMENT / RESOURCE_EXHAUSTED / FAILED_PRECONDITION errors are not taken for size refusals', () => {
    for (const err of [grpcError(3, 'Invalid WorkflowId.'), grpcError(8, 'namespace rate limit exceeded'), grpcError(9, 'workflow is paused')]) {
      expect(classifyTemporalError(err, { kind: 'run', id: 'run-1', call: 'update' })).toBe(err);
    }
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

