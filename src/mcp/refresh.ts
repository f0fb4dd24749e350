/**
 * Following a server's `tools/list_changed`: list its tools again, add or replace their LangChain
 * tools, and resolve every agent's MCP tools and approval defaults again, in place in the worker's
 * workspace, so the runs planned from then on see the new list. A run already planned keeps its
 * tools and approval rules (they are in its history). Tools a server dropped stay callable (the
 * server answers the call with its own error) rather than failing a run planned with them.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { WorkspaceIssue } from '../workspace/errors.js';
import type { AgentConfig } from '../workspace/schema.js';
import type { McpServerConnection } from './connection.js';

/** Where refreshes are reported (a worker passes its logger). */
export type McpLog = (level: 'info' | 'warn', message: string) => void;

export interface ToolListRefresherDeps {
  /** The resolved workspace's agents (its `agents` map and `config.agents`), updated in place. */
  agents: Map<string, AgentConfig>;
  configAgents: AgentConfig[];
  /** Each server's current tool list (updated on refresh). */
  discovered: Map<string, Tool[]>;
  addTools(connection: McpServerConnection, tools: Tool[]): void;
  /** Resolves every agent against `discovered`. */
  resolveAll(): { agents: AgentConfig[]; issues: WorkspaceIssue[] };
  log: McpLog;
}

export class ToolListRefresher {
  /** One refresh at a time per worker: a burst of notifications is read in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ToolListRefresherDeps) {}

  /** Refreshes the server's tools whenever it says they changed. */
  watch(connection: McpServerConnection): void {
    connection.onToolListChanged = () => {
      this.queue = this.queue.then(() => this.refresh(connection));
    };
  }

  private async refresh(connection: McpServerConnection): Promise<void> {
    const { discovered, log } = this.deps;
    const where = `MCP server "${connection.server}"`;
    let listed: Tool[];
    try {
      listed = await connection.listTools();
    } catch (err) {
      log('warn', `${where} said its tools changed, but listing them failed (${(err as Error).message ?? String(err)}); keeping the previous list`);
      return;
    }
    const before = new Set((discovered.get(connection.server) ?? []).map((t) => t.name));
    const after = new Set(listed.map((t) => t.name));
    discovered.set(connection.server, listed);
    this.deps.addTools(connection, listed);
    const { agents, issues } = this.deps.resolveAll();
    for (const agent of agents) this.deps.agents.set(agent.id, agent);
    this.deps.configAgents.splice(0, this.deps.configAgents.length, ...agents);
    const added = [...after].filter((t) => !before.has(t));
    const removed = [...before].filter((t) => !after.has(t));
    log('info', `${where} changed its tools: ${listed.length} now${added.length ? `, added ${added.join(', ')}` : ''}${removed.length ? `, removed ${removed.join(', ')}` : ''}`);
    for (const issue of issues) log('warn', `${issue.path}: ${issue.message} (runs calling it get the server's error)`);
  }
}
