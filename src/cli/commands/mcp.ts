/**
 * `harness mcp`: the workspace's agents as an MCP server on stdio, for Claude Desktop, IDEs and
 * other agents. stdout carries the protocol only: every log line goes to stderr.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parseDuration } from '../../common/durations.js';
import { connect, contextFrom, loadContextWorkspace } from '../context.js';
import { onShutdownSignal } from '../lifecycle.js';
import { err } from '../output.js';

interface McpOptions {
  approver?: string;
  approverRole?: string[];
  answerWithin: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `harness mcp`. */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .summary('serve the agents as an MCP server on stdio (Claude Desktop, IDEs, other agents)')
    .description(
      'Speaks MCP on stdin/stdout: each agent of the workspace is a tool whose call starts a durable run and answers with ' +
        'the reply. When a tool call waits for approval, a client that supports elicitation asks its user; otherwise the ' +
        'tool answers at once with the run id and how to decide it (the harness_decide tool, or harness approve). ' +
        'harness_run_status reads a run later. Runs need a worker (harness worker or harness dev). ' +
        'Over HTTP the same server is /mcp under harness serve.',
    )
    .option('--approver <name>', 'who decisions taken through this server are recorded as (default: your user name)')
    .option('--approver-role <role>', 'a role the approver holds, for tools whose approvers list role:<name>; repeatable', collect)
    .option('--answer-within <duration>', "how long a tool call waits for its run before answering; under the client's 60 s request timeout", '45s')
    .addHelpText(
      'after',
      `
Examples:
  $ harness mcp --workspace ./harness.yaml
  Claude Desktop (claude_desktop_config.json):
    { "mcpServers": { "harness": { "command": "npx", "args": ["harness", "mcp", "--workspace", "/abs/path/harness.yaml"],
                                   "env": { "TEMPORAL_ADDRESS": "localhost:7233" } } } }`,
    )
    .action(async (opts: McpOptions, command: Command) => {
      // The protocol owns stdout: whatever a library logs goes to stderr.
      console.log = console.info = console.debug = console.error;
      const answerWithinMs = parseDuration(opts.answerWithin, { min: 1_000, what: '--answer-within' });
      const ctx = await contextFrom(command);
      const workspace = await loadContextWorkspace(ctx);
      const agents = [...workspace.agents.values()].filter((a) => a.enabled).map((a) => ({ id: a.id, description: a.description }));
      const { createAgentMcpServer } = await import('../../mcp-server/agent-server.js');
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      const client = await connect(ctx, [...workspace.agents.keys()]);
      const signal = onShutdownSignal();
      try {
        const server = createAgentMcpServer({
          client,
          agents,
          approver: { name: opts.approver ?? userInfo().username, roles: opts.approverRole ?? [] },
          answerWithinMs,
        });
        const transport = new StdioServerTransport();
        const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
        // stdin ending (the client went away) ends the server.
        process.stdin.once('end', () => void server.close());
        await server.connect(transport);
        err(`harness mcp: ${agents.length} agent(s) as tools (${agents.map((a) => a.id).join(', ')}); Temporal ${ctx.settings.address}, task queue ${ctx.settings.taskQueue}`);
        await Promise.race([closed, signal.received]);
        await server.close();
      } finally {
        signal.dispose();
        await client.close();
      }
    });
}
