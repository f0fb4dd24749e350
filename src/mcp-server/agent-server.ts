/**
 * The workspace's agents as an MCP server (`harness mcp` over stdio, `/mcp` under `harness serve`):
 * one tool per agent, whose call starts a durable `agentRun`, plus `harness_run_status` and
 * `harness_decide` to follow a run and decide its approvals later. Every tool answers within
 * `answerWithinMs` (see answer.ts); the runs themselves live in Temporal, not in this process.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { HarnessClient } from '../client/harness-client.js';
import { isHarnessError } from '../common/errors.js';
import { DECISION_LIMITS } from '../workflows/run/contract.js';
import { answerForRun, type McpApprover } from './answer.js';
import { McpServeError } from './errors.js';
import { DECIDE_TOOL, RUN_STATUS_TOOL } from './run-reply.js';

/** Longest message an agent tool accepts, in characters (as `POST /runs`). */
export const MAX_AGENT_MESSAGE_CHARS = 1_000_000;
/** Longest wait `harness_run_status` offers, in seconds (under the 60 s request timeout of clients). */
const MAX_WAIT_SECONDS = 50;
/** MCP tool names: 1-128 of these characters. */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** An agent as the server exposes it. */
export interface ExposedAgent {
  id: string;
  description?: string;
}

/** Options of {@link createAgentMcpServer}. */
export interface AgentMcpServerOptions {
  /** Starts and decides the runs (its task queue is the workers'). */
  client: HarnessClient;
  /** The agents to expose, one tool each (named by the agent id). */
  agents: readonly ExposedAgent[];
  /**
   * Who decisions through this server are recorded as (the authenticated user over HTTP, the local
   * user over stdio); also passed to runs as `context.user`. @default none: decisions carry no approver
   */
  approver?: McpApprover;
  /**
   * How long a tool call may wait for the run to finish or park before it answers. Keep it under
   * the client's request timeout (60 s by default in the official SDKs). @default 45000
   */
  answerWithinMs?: number;
}

/**
 * Creates the MCP server for one client session.
 * @throws {McpServeError} `MCP_AGENT_NAME_INVALID` when an agent id cannot be an MCP tool name or clashes with a built-in tool.
 * @example
 * const server = createAgentMcpServer({ client, agents: [...workspace.agents.values()] });
 * await server.connect(new StdioServerTransport());
 */
export function createAgentMcpServer(options: AgentMcpServerOptions): McpServer {
  const { client, approver } = options;
  const answerWithinMs = options.answerWithinMs ?? 45_000;
  const server = new McpServer(
    { name: 'temporal-harness', version: '0.1.0' },
    {
      instructions:
        'Each agent tool starts a durable agent run and answers with its reply. A run that needs a person to approve a tool call ' +
        `waits for that decision (for days if need be): decide it with ${DECIDE_TOOL}, and read the reply later with ${RUN_STATUS_TOOL}.`,
    },
  );
  const answering = (extra: { requestId: string | number; signal: AbortSignal }, withinMs: number, elicit = true) => ({
    server: server.server,
    requestId: extra.requestId,
    signal: extra.signal,
    deadline: Date.now() + withinMs,
    elicit,
    ...(approver && { approver }),
  });

  for (const agent of options.agents) {
    checkToolName(agent.id);
    server.registerTool(
      agent.id,
      {
        title: `Agent ${agent.id}`,
        description:
          `${agent.description?.trim() || `Ask the agent "${agent.id}".`} Starts a durable run; answers with the agent's reply, or, ` +
          `when a tool call waits for a person's approval, with the run id and how to decide it (${DECIDE_TOOL}).`,
        inputSchema: { message: z.string().min(1).max(MAX_AGENT_MESSAGE_CHARS).describe('What to ask the agent.') },
        annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
      },
      ({ message }, extra) =>
        guarded(async () => {
          const run = await client.startRun({
            agentId: agent.id,
            input: message,
            context: { via: 'mcp', ...(approver && { user: approver.name }) },
          });
          return answerForRun(run, answering(extra, answerWithinMs));
        }),
    );
  }

  server.registerTool(
    RUN_STATUS_TOOL,
    {
      title: 'Run status',
      description: "A run's state and reply: the answer when it is done, its pending approvals when it waits. waitSeconds waits for it to finish or park.",
      inputSchema: {
        runId: z.string().min(1).max(512),
        waitSeconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).default(0).describe('Wait up to this long for the run to finish or wait for approval.'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ runId, waitSeconds }, extra) =>
      guarded(() => answerForRun(client.getRun(runId), answering(extra, Math.min(waitSeconds * 1000, answerWithinMs), false))),
  );

  server.registerTool(
    DECIDE_TOOL,
    {
      title: 'Decide an approval',
      description:
        'Approve or reject a tool call a run waits on (approvalId may be left out when the run waits on exactly one), then answer with the run\'s reply. ' +
        (approver ? `Recorded as decided by ${approver.name}.` : 'Recorded without an approver name.'),
      inputSchema: {
        runId: z.string().min(1).max(512),
        approvalId: z.string().min(1).max(DECISION_LIMITS.approvalIdChars).optional(),
        decision: z.enum(['approve', 'reject']),
        reason: z.string().max(DECISION_LIMITS.reasonChars).optional().describe('Why; the model is told on reject.'),
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    ({ runId, approvalId, decision, reason }, extra) =>
      guarded(async () => {
        const run = client.getRun(runId);
        const details = {
          ...(approvalId !== undefined && { approvalId }),
          ...(reason !== undefined && { reason }),
          ...(approver && { approver: approver.name, ...(approver.roles.length > 0 && { approverRoles: [...approver.roles] }) }),
        };
        await (decision === 'approve' ? run.approve(details) : run.reject(details));
        return answerForRun(run, answering(extra, answerWithinMs));
      }),
  );
  return server;
}

/**
 * Checks that every agent id can be an MCP tool name (so a server refuses a bad workspace when it
 * starts, not on each session).
 * @throws {McpServeError} `MCP_AGENT_NAME_INVALID`
 */
export function checkAgentToolNames(agents: readonly ExposedAgent[]): void {
  for (const agent of agents) checkToolName(agent.id);
}

function checkToolName(agentId: string): void {
  if (!TOOL_NAME.test(agentId)) {
    throw new McpServeError('MCP_AGENT_NAME_INVALID', `Agent "${agentId.slice(0, 200)}" cannot be an MCP tool: a tool name is 1-128 letters, digits, "_", "-" or "."; rename the agent.`);
  }
  if (agentId === RUN_STATUS_TOOL || agentId === DECIDE_TOOL) {
    throw new McpServeError('MCP_AGENT_NAME_INVALID', `Agent "${agentId}" has the name of a built-in tool of the MCP server; rename the agent.`);
  }
}

/** The library's errors become tool errors the model and the user can read (code and fix); others propagate. */
async function guarded(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    if (!isHarnessError(err)) throw err;
    return { content: [{ type: 'text', text: `${err.code}: ${err.message}` }], isError: true };
  }
}
