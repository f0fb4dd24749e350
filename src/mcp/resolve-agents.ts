/** An agent's MCP tool names and approval rules, resolved against what its servers list. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { WorkspaceIssue } from '../workspace/errors.js';
import { mcpToolName, parseMcpToolName } from '../workspace/mcp-references.js';
import type { McpServerConfig } from '../workspace/mcp-schema.js';
import type { AgentConfig } from '../workspace/schema.js';

type ApprovalRule = AgentConfig['requireApproval'][number];

/**
 * Expands `mcp__<server>__*` in `tools` and `requireApproval`, reports tools a server does not
 * have, and adds a default approval rule for each MCP tool no explicit rule names: always for a
 * server with `approval: always`, for a `destructiveHint: true` (and not `readOnlyHint: true`)
 * tool under `approval: annotations`, never under `approval: never`. Explicit rules win.
 */
export function resolveAgentMcpTools(
  agent: AgentConfig,
  index: number,
  discovered: ReadonlyMap<string, Tool[]>,
  servers: ReadonlyMap<string, McpServerConfig>,
): { agent: AgentConfig; issues: WorkspaceIssue[] } {
  const issues: WorkspaceIssue[] = [];
  const expand = (name: string, path: string): string[] => {
    const ref = parseMcpToolName(name);
    if (!ref) return [name];
    const listed = discovered.get(ref.server) ?? [];
    if (ref.tool === '*') return listed.map((t) => mcpToolName(ref.server, t.name));
    if (!listed.some((t) => t.name === ref.tool)) {
      issues.push({
        path,
        message: `MCP server "${ref.server}" has no tool "${ref.tool}"; its tools: ${listed.map((t) => t.name).join(', ') || '(none)'}`,
      });
    }
    return [name];
  };
  const tools = [...new Set(agent.tools.flatMap((name, j) => expand(name, `agents[${index}].tools[${j}]`)))];
  // A wildcard rule covers the server's tools this agent has.
  const explicit: ApprovalRule[] = agent.requireApproval.flatMap((rule, j) =>
    expand(rule.tool, `agents[${index}].requireApproval[${j}]`)
      .filter((tool) => !parseMcpToolName(rule.tool) || tools.includes(tool))
      .map((tool) => ({ ...rule, tool })),
  );
  const named = new Set(explicit.map((r) => r.tool));
  const defaults: ApprovalRule[] = tools
    .filter((name) => !named.has(name) && needsApprovalByDefault(name, discovered, servers))
    .map((tool) => ({ tool, timeout: undefined, onTimeout: 'reject' as const }));
  return { agent: { ...agent, tools, requireApproval: [...explicit, ...defaults] }, issues };
}

function needsApprovalByDefault(name: string, discovered: ReadonlyMap<string, Tool[]>, servers: ReadonlyMap<string, McpServerConfig>): boolean {
  const ref = parseMcpToolName(name);
  if (!ref) return false;
  const mode = servers.get(ref.server)?.approval ?? 'annotations';
  if (mode !== 'annotations') return mode === 'always';
  const annotations = discovered.get(ref.server)?.find((t) => t.name === ref.tool)?.annotations;
  return annotations?.destructiveHint === true && annotations.readOnlyHint !== true;
}
