/**
 * One MCP server as the worker sees it: a client connected on first use and again after the
 * connection is lost (a crashed local process, a restarted remote server), so a retried call
 * reaches a server that came back.
 */
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../workspace/mcp-schema.js';
import { expandEnvRefs } from './env-refs.js';

const CLIENT_INFO = { name: 'temporal-harness', version: '0.1.0' };

export class McpServerConnection {
  private client: Promise<Client> | undefined;
  private current: Client | undefined;
  /**
   * Called when the server says its tool list changed (`notifications/tools/list_changed`, for
   * servers that advertise `tools.listChanged`); the caller lists the tools again.
   */
  onToolListChanged?: () => void;

  constructor(
    readonly server: string,
    private readonly config: McpServerConfig,
    private readonly baseDir: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The connected client, connecting (again) when there is none. */
  connected(): Promise<Client> {
    this.client ??= this.connect().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  /** Forgets the client after a transport failure, so the next call reconnects. */
  async reset(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.then((c) => c.close()).catch(() => undefined);
  }

  /** Every tool the server lists (all pages). */
  async listTools(): Promise<Tool[]> {
    const client = await this.connected();
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  async close(): Promise<void> {
    await this.reset();
  }

  private async connect(): Promise<Client> {
    const client = new Client(CLIENT_INFO, {
      // The SDK debounces bursts of notifications; the list itself is read by the caller, all pages.
      listChanged: { tools: { autoRefresh: false, onChanged: () => this.onToolListChanged?.() } },
    });
    // A closed transport (the process exited, the session ended) means: connect again next time.
    client.onclose = () => {
      if (this.current === client) {
        this.current = undefined;
        this.client = undefined;
      }
    };
    await client.connect(this.transport());
    this.current = client;
    return client;
  }

  private transport(): Transport {
    const where = `mcp.servers.${this.server}`;
    if ('command' in this.config) {
      const env: Record<string, string> = { ...getDefaultEnvironment() };
      for (const [name, value] of Object.entries(this.config.env)) env[name] = expandEnvRefs(value, this.env, `${where}.env.${name}`);
      return new StdioClientTransport({
        command: this.config.command,
        args: this.config.args,
        env,
        cwd: resolve(this.baseDir, this.config.cwd ?? '.'),
        // The server's log lines (MCP stdio servers log to stderr) go to the worker's stderr.
        stderr: 'inherit',
      });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.config.headers)) headers[name] = expandEnvRefs(value, this.env, `${where}.headers.${name}`);
    return new StreamableHTTPClientTransport(new URL(this.config.url), { requestInit: { headers } });
  }
}
