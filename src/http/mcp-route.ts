/**
 * `/mcp`: the agents as an MCP server over Streamable HTTP, behind the API's own guards (host,
 * origin, body limit, authentication). Sessions are kept in memory, one MCP server each, bound to
 * the principal that opened them: a session id alone does not let another caller in, and
 * decisions taken in a session are recorded under its principal.
 */
import { randomUUID } from 'node:crypto';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Context, Hono } from 'hono';
import type { HarnessClient } from '../client/harness-client.js';
import { checkAgentToolNames, createAgentMcpServer, type ExposedAgent } from '../mcp-server/agent-server.js';
import type { GuardEnv } from './guards.js';

/** Options of the `/mcp` endpoint (`HttpAppOptions.mcp`). */
export interface McpEndpointOptions {
  /** The agents exposed as tools (the workspace's). */
  agents: readonly ExposedAgent[];
  /** How long a tool call may wait for its run before answering. @default 45000 */
  answerWithinMs?: number;
  /** Most sessions kept at once; opening one more closes the least recently used. @default 100 */
  maxSessions?: number;
}

interface Session {
  transport: WebStandardStreamableHTTPServerTransport;
  principal: string | undefined;
  lastUsed: number;
}

const SESSION_HEADER = 'mcp-session-id';

/**
 * Adds `/mcp` (POST, GET, DELETE) to `app`; aborting `shutdown` closes every session.
 * @throws {McpServeError} `MCP_AGENT_NAME_INVALID` when an agent id cannot be a tool name.
 */
export function registerMcpRoute(app: Hono<GuardEnv>, client: HarnessClient, options: McpEndpointOptions, shutdown?: AbortSignal): void {
  checkAgentToolNames(options.agents);
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 100;
  shutdown?.addEventListener('abort', () => {
    for (const s of sessions.values()) void s.transport.close();
  }, { once: true });

  app.all('/mcp', async (c) => {
    const principal = c.get('principal');
    const id = c.req.header(SESSION_HEADER);
    if (id !== undefined) {
      const session = sessions.get(id);
      if (!session) return rpcError(c, 404, 'Session not found (it ended, or this server restarted): start a new one with initialize.');
      if (session.principal !== principal?.name) return rpcError(c, 403, 'This session was opened by someone else; open your own with initialize.');
      session.lastUsed = Date.now();
      return session.transport.handleRequest(c.req.raw);
    }
    if (sessions.size >= maxSessions) evictLeastRecent(sessions);
    const server = createAgentMcpServer({
      client,
      agents: options.agents,
      ...(principal && { approver: principal }),
      ...(options.answerWithinMs !== undefined && { answerWithinMs: options.answerWithinMs }),
    });
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (sid) => {
        sessions.set(sid, { transport, principal: principal?.name, lastUsed: Date.now() });
      },
      onsessionclosed: (sid) => {
        sessions.delete(sid);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(c.req.raw);
    // Not an initialize request: the transport refused it, and nothing is kept.
    if (!transport.sessionId) await server.close();
    return response;
  });
}

function evictLeastRecent(sessions: Map<string, Session>): void {
  let oldest: [string, Session] | undefined;
  for (const entry of sessions) if (!oldest || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
  if (!oldest) return;
  sessions.delete(oldest[0]);
  void oldest[1].transport.close();
}

/** A JSON-RPC error answer, the shape MCP clients read. */
function rpcError(c: Context<GuardEnv>, status: 403 | 404, message: string): Response {
  return c.json({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }, status);
}
