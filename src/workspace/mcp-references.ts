/**
 * Static checks of MCP tool names in a workspace (servers declared, names well formed). Whether a
 * server really has a tool is only known once the worker has asked it (see `src/mcp`).
 */
import type { WorkspaceIssue } from './errors.js';
import type { WorkspaceConfig } from './schema.js';

export const MCP_PREFIX = 'mcp__';

/** `mcp__github__create_issue` → `{ server: 'github', tool: 'create_issue' }`; `tool` is `*` for a whole server. */
export function parseMcpToolName(name: string): { server: string; tool: string } | undefined {
  if (!name.startsWith(MCP_PREFIX)) return undefined;
  const rest = name.slice(MCP_PREFIX.length);
  const at = rest.indexOf('__');
  if (at <= 0 || at + 2 >= rest.length) return undefined;
  return { server: rest.slice(0, at), tool: rest.slice(at + 2) };
}

/** The name a server's tool has in the workspace and for the model. */
export function mcpToolName(server: string, tool: string): string {
  return `${MCP_PREFIX}${server}__${tool}`;
}

/** Whether `name` (a tool or `requireApproval` entry) is covered by an agent's `tools` list. */
export function agentListsMcpTool(tools: readonly string[], name: string): boolean {
  const ref = parseMcpToolName(name);
  if (!ref) return false;
  if (ref.tool === '*') return tools.some((t) => parseMcpToolName(t)?.server === ref.server);
  return tools.includes(name) || tools.includes(mcpToolName(ref.server, '*'));
}

/** Every malformed MCP tool name or undeclared server in agents' `tools` and `requireApproval`. */
export function checkMcpReferences(config: WorkspaceConfig): WorkspaceIssue[] {
  const servers = Object.keys(config.mcp?.servers ?? {});
  const issues: WorkspaceIssue[] = [];
  const check = (name: string, path: string): boolean => {
    if (!name.startsWith(MCP_PREFIX)) return false;
    const ref = parseMcpToolName(name);
    if (!ref) {
      issues.push({ path, message: `"${name}" is not an MCP tool name; write mcp__<server>__<tool>, or mcp__<server>__* for all of a server's tools` });
    } else if (!servers.includes(ref.server)) {
      issues.push({
        path,
        message: `unknown MCP server "${ref.server}"; ${servers.length ? `servers under mcp.servers: ${servers.join(', ')}` : 'declare it under mcp.servers'}`,
      });
    }
    return true;
  };
  config.agents.forEach((agent, i) => {
    agent.tools.forEach((name, j) => check(name, `agents[${i}].tools[${j}]`));
    agent.requireApproval.forEach(({ tool }, j) => {
      const path = `agents[${i}].requireApproval[${j}]`;
      if (check(tool, path) && parseMcpToolName(tool) && !agentListsMcpTool(agent.tools, tool)) {
        issues.push({ path, message: `"${tool}" is not one of this agent's tools; list it (or mcp__${parseMcpToolName(tool)!.server}__*) under agents[${i}].tools first` });
      }
    });
  });
  return issues;
}
