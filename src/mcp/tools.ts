/**
 * An MCP server's tool as a LangChain tool, so the harness runs it like any other: bound to the
 * model with its JSON schema, called in a `callTool` activity (retried, cancellable, in history).
 */
import { DynamicStructuredTool, type StructuredToolInterface, type ToolRunnableConfig } from '@langchain/core/tools';
import { ErrorCode, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpToolName } from '../workspace/mcp-references.js';
import type { McpServerConnection } from './connection.js';
import { McpToolError, McpUnavailableError } from './errors.js';

/**
 * The `_meta` key carrying the call's idempotency key (`<run id>:<tool call id>`, the same for
 * every retry of one call and unique across runs). A server that honours it can answer a repeated
 * key with the first call's result instead of acting twice; a server that ignores it may run a
 * call again when a worker died after the server finished but before the result was recorded.
 */
export const MCP_IDEMPOTENCY_META_KEY = 'temporal-harness/idempotency-key';

/** Longest tool result passed on to the model (and into history), in characters. */
export const MAX_MCP_RESULT_CHARS = 100_000;

export interface McpToolOptions {
  connection: McpServerConnection;
  tool: Tool;
  /** Per-call timeout (the workspace's `limits.toolCallTimeout`); the SDK's own default is 60 s. */
  timeoutMs: number;
}

export function createMcpTool({ connection, tool, timeoutMs }: McpToolOptions): StructuredToolInterface {
  const name = mcpToolName(connection.server, tool.name);
  return new DynamicStructuredTool({
    name,
    description: tool.description ?? tool.title ?? tool.name,
    schema: tool.inputSchema as Record<string, unknown>,
    func: async (input: Record<string, unknown>, _runManager: unknown, config?: ToolRunnableConfig) => {
      const idempotencyKey = config?.configurable?.idempotencyKey as string | undefined;
      let result: CallToolResult;
      try {
        const client = await connection.connected();
        result = (await client.callTool(
          { name: tool.name, arguments: input, ...(idempotencyKey && { _meta: { [MCP_IDEMPOTENCY_META_KEY]: idempotencyKey } }) },
          undefined,
          { timeout: timeoutMs, ...(config?.signal && { signal: config.signal }) },
        )) as CallToolResult;
      } catch (err) {
        throw callFailure(connection, tool.name, err);
      }
      const text = resultText(result);
      if (result.isError) throw new McpToolError(text || `MCP tool "${tool.name}" on server "${connection.server}" failed without a message`);
      return text;
    },
  });
}

/** The server refused the call itself (unknown tool, bad arguments): final. Anything else: the server is unreachable. */
function callFailure(connection: McpServerConnection, tool: string, err: unknown): Error {
  if (err instanceof McpError && (err.code === ErrorCode.InvalidParams || err.code === ErrorCode.MethodNotFound)) {
    return new McpToolError(`MCP server "${connection.server}" refused the call of "${tool}": ${err.message}`);
  }
  // Reconnect on the next attempt: a lost session or a restarted process needs a fresh client.
  void connection.reset();
  const detail = (err as Error)?.message ?? String(err);
  const cause = (err as { cause?: { code?: string } })?.cause?.code;
  return new McpUnavailableError(`MCP server "${connection.server}" did not answer the call of "${tool}": ${detail}${cause ? ` (${cause})` : ''}`, { cause: err });
}

/** The result's text parts, one a line; other parts (images, resources) as JSON; bounded. */
function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((p) => (p.type === 'text' ? p.text : JSON.stringify(p)));
  const text = parts.length ? parts.join('\n') : result.structuredContent !== undefined ? JSON.stringify(result.structuredContent) : '';
  return text.length > MAX_MCP_RESULT_CHARS ? `${text.slice(0, MAX_MCP_RESULT_CHARS)}\n[truncated: the result had ${text.length} characters]` : text;
}
