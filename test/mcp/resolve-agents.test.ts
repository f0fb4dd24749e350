/** Which MCP tools an agent gets and which of them wait for approval, from the servers' listings. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { expandEnvRefs, McpEnvError } from '../../src/mcp/env-refs.js';
import { resolveAgentMcpTools } from '../../src/mcp/resolve-agents.js';
import { parseWorkspaceText } from '../../src/workspace/index.js';
import { checkMcpReferences, parseMcpToolName } from '../../src/workspace/mcp-references.js';
import { checkRoutingAndPolicyReferences } from '../../src/workspace/routing-policy-references.js';
import type { McpServerConfig } from '../../src/workspace/mcp-schema.js';

const tool = (name: string, annotations?: Tool['annotations']): Tool => ({ name, inputSchema: { type: 'object' }, ...(annotations && { annotations }) });
const LISTED = new Map<string, Tool[]>([
  [
    'files',
    [
      tool('read', { readOnlyHint: true }),
      tool('delete', { destructiveHint: true }),
      tool('odd', { destructiveHint: true, readOnlyHint: true }),
      tool('plain'),
    ],
  ],
]);

function workspace(approval: string, tools: string, requireApproval = '[]') {
  const config = parseWorkspaceText(
    `mcp:\n  servers:\n    files: { command: x, approval: ${approval} }\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n  - { id: a, model: m, tools: ${tools}, requireApproval: ${requireApproval} }\n`,
    'harness.yaml',
  );
  return { agent: config.agents[0]!, servers: new Map<string, McpServerConfig>(Object.entries(config.mcp!.servers)) };
}

function resolve(approval: string, tools: string, requireApproval?: string) {
  const { agent, servers } = workspace(approval, tools, requireApproval);
  return resolveAgentMcpTools(agent, 0, LISTED, servers);
}

const approvals = (r: ReturnType<typeof resolve>) => r.agent.requireApproval.map((a) => a.tool).sort();

describe('resolveAgentMcpTools', () => {
  it('expands mcp__<server>__* to every listed tool', () => {
    expect(resolve('annotations', '[mcp__files__*]').agent.tools).toEqual(['mcp__files__read', 'mcp__files__delete', 'mcp__files__odd', 'mcp__files__plain']);
  });

  it('annotations: only destructiveHint without readOnlyHint needs approval', () => {
    expect(approvals(resolve('annotations', '[mcp__files__*]'))).toEqual(['mcp__files__delete']);
  });

  it('always: every tool of the server; never: none', () => {
    expect(approvals(resolve('always', '[mcp__files__read, mcp__files__plain]'))).toEqual(['mcp__files__plain', 'mcp__files__read']);
    expect(approvals(resolve('never', '[mcp__files__*]'))).toEqual([]);
  });

  it('explicit rules win: a named tool needs approval under `never`, and keeps its own timeout', () => {
    const r = resolve('never', '[mcp__files__*]', '[{ tool: mcp__files__read, timeout: 1h, onTimeout: approve }]');
    expect(r.agent.requireApproval).toEqual([{ tool: 'mcp__files__read', timeout: 3_600_000, onTimeout: 'approve' }]);
  });

  it('a wildcard approval rule applies to each of the server\'s tools the agent has', () => {
    expect(approvals(resolve('never', '[mcp__files__read, mcp__files__plain]', '[mcp__files__*]'))).toEqual(['mcp__files__plain', 'mcp__files__read']);
  });

  it('reports a tool the server does not list, with the tools it does', () => {
    expect(resolve('annotations', '[mcp__files__shred]').issues).toEqual([
      { path: 'agents[0].tools[0]', message: 'MCP server "files" has no tool "shred"; its tools: read, delete, odd, plain' },
    ]);
  });
});

describe('MCP names and references in the workspace file', () => {
  it('parses mcp__<server>__<tool> (tool names may contain "__")', () => {
    expect(parseMcpToolName('mcp__github__create_issue')).toEqual({ server: 'github', tool: 'create_issue' });
    expect(parseMcpToolName('mcp__fs__a__b')).toEqual({ server: 'fs', tool: 'a__b' });
    expect(parseMcpToolName('mcp__fs__*')).toEqual({ server: 'fs', tool: '*' });
    expect(parseMcpToolName('mcp__fs')).toBeUndefined();
  });

  it('reports an undeclared server and a malformed name', () => {
    const config = parseWorkspaceText(
      `mcp:\n  servers:\n    files: { url: "http://127.0.0.1:1/mcp" }\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n  - { id: a, model: m, tools: [mcp__github__x, mcp__files] }\n`,
      'harness.yaml',
    );
    expect(checkMcpReferences(config)).toEqual([
      { path: 'agents[0].tools[0]', message: 'unknown MCP server "github"; servers under mcp.servers: files' },
      { path: 'agents[0].tools[1]', message: '"mcp__files" is not an MCP tool name; write mcp__<server>__<tool>, or mcp__<server>__* for all of a server\'s tools' },
    ]);
  });

  it('expands ${VAR} from the worker environment and names a missing one without a value', () => {
    expect(expandEnvRefs('Bearer ${TOKEN}', { TOKEN: 's3cret' }, 'mcp.servers.x.headers.Authorization')).toBe('Bearer s3cret');
    expect(() => expandEnvRefs('Bearer ${TOKEN}', {}, 'mcp.servers.x.headers.Authorization')).toThrow(
      new McpEnvError('mcp.servers.x.headers.Authorization', 'TOKEN'),
    );
    expect(new McpEnvError('p', 'TOKEN').message).toBe('p refers to ${TOKEN}, which is not set on this worker; set it where the worker runs (never in the workspace file)');
  });

  it('a policy may require approval for an MCP tool of a server an agent lists with mcp__<server>__*', () => {
    const config = parseWorkspaceText(
      `mcp:\n  servers:\n    files: { command: x }\nmodels:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n  - { id: a, model: m, tools: [mcp__files__*] }\npolicies:\n  - { id: p, effect: requireApproval, tools: [mcp__files__read, mcp__other__x] }\n`,
      'harness.yaml',
    );
    expect(checkRoutingAndPolicyReferences(config).map((i) => i.path)).toEqual(['policies[0].tools[1]']);
  });
});
