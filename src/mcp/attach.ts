/**
 * Connects a worker to the workspace's MCP servers, asks each for its tools, and returns the
 * workspace with those tools resolved: `mcp__<server>__*` expanded, every named tool checked to
 * exist, and approval rules added from the servers' settings and the tools' annotations. When a
 * server says its tool list changed, the list is read again and the resolution redone in place
 * (see refresh.ts), so runs planned from then on see the new tools.
 */
import { dirname } from 'node:path';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { WorkspaceError, type WorkspaceIssue } from '../workspace/errors.js';
import type { Workspace } from '../workspace/load.js';
import type { McpServerConfig } from '../workspace/mcp-schema.js';
import type { AgentConfig } from '../workspace/schema.js';
import { McpServerConnection } from './connection.js';
import { McpEnvError } from './env-refs.js';
import { ToolListRefresher, type McpLog } from './refresh.js';
import { resolveAgentMcpTools } from './resolve-agents.js';
import { createMcpTool } from './tools.js';

export type { McpLog } from './refresh.js';

export interface McpAttachment {
  /**
   * The workspace with MCP tools in `tools` and agents' tool lists and approval rules resolved.
   * Its `tools` and `agents` maps (and `config.agents`) are updated in place when a server's tool
   * list changes.
   */
  workspace: Workspace;
  /** Closes every server connection (stops local server processes). */
  close(): Promise<void>;
}

/** Options of {@link connectMcpServers}. */
export interface McpAttachOptions {
  /** Where `${NAME}` references in server settings are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where tool-list refreshes are reported. @default stderr */
  log?: McpLog;
}

/**
 * @throws {WorkspaceError} `MCP_SERVER_FAILED` when a server cannot be started or reached (or an
 * `${VAR}` it needs is unset), `MCP_TOOLS_INVALID` when an agent names a tool its server does not have.
 * @example
 * const { workspace: resolved, close } = await connectMcpServers(await loadWorkspace('harness.yaml'));
 */
export async function connectMcpServers(workspace: Workspace, options: McpAttachOptions = {}): Promise<McpAttachment> {
  const servers = Object.entries(workspace.config.mcp?.servers ?? {});
  if (!servers.length) return { workspace, close: () => Promise.resolve() };
  const env = options.env ?? process.env;
  const connections = servers.map(([name, config]) => new McpServerConnection(name, config, dirname(workspace.file), env));
  const close = async () => {
    await Promise.all(connections.map((c) => c.close()));
  };
  try {
    const discovered = await discover(workspace.file, connections);
    const tools = new Map<string, StructuredToolInterface>(workspace.tools);
    const timeoutMs = workspace.config.limits.toolCallTimeout;
    const addTools = (connection: McpServerConnection, listed: Tool[]) => {
      for (const tool of listed) {
        const t = createMcpTool({ connection, tool, timeoutMs });
        tools.set(t.name, t);
      }
    };
    for (const connection of connections) addTools(connection, discovered.get(connection.server)!);
    const serverConfigs = new Map<string, McpServerConfig>(servers);
    const resolveAll = () => {
      const issues: WorkspaceIssue[] = [];
      const agents: AgentConfig[] = workspace.config.agents.map((agent, i) => {
        const resolved = resolveAgentMcpTools(agent, i, discovered, serverConfigs);
        issues.push(...resolved.issues);
        return resolved.agent;
      });
      return { agents, issues };
    };
    const { agents, issues } = resolveAll();
    if (issues.length) throw new WorkspaceError('MCP_TOOLS_INVALID', workspace.file, issues);
    const agentMap = new Map(agents.map((a) => [a.id, a]));
    const resolved: Workspace = { ...workspace, config: { ...workspace.config, agents }, agents: agentMap, tools };
    const refresher = new ToolListRefresher({ agents: agentMap, configAgents: agents, discovered, addTools, resolveAll, log: options.log ?? stderrLog });
    for (const connection of connections) refresher.watch(connection);
    return { workspace: resolved, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const stderrLog: McpLog = (level, message) => process.stderr.write(`${level}: ${message}\n`);

/** Each server's tools; every server that fails is reported, together. */
async function discover(file: string, connections: McpServerConnection[]): Promise<Map<string, Tool[]>> {
  const found = new Map<string, Tool[]>();
  const issues: WorkspaceIssue[] = [];
  await Promise.all(
    connections.map(async (c) => {
      try {
        found.set(c.server, await c.listTools());
      } catch (err) {
        if (err instanceof McpEnvError) issues.push({ path: err.path, message: err.message.slice(err.path.length + 1) });
        else issues.push({ path: `mcp.servers.${c.server}`, message: `could not list the server's tools: ${(err as Error).message ?? String(err)}` });
      }
    }),
  );
  if (issues.length) throw new WorkspaceError('MCP_SERVER_FAILED', file, issues);
  return found;
}
