/** Errors of serving agents over MCP (`harness mcp`, `/mcp` under `harness serve`). */
import { guardFor, HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/**
 * Codes of {@link McpServeError}:
 * - `MCP_AGENT_NAME_INVALID`: an agent id cannot be an MCP tool name (or is a built-in tool's).
 * - `MCP_SESSION_NOT_FOUND`: a request names a session this server does not have (expired, or another server's).
 * - `MCP_SESSION_FORBIDDEN`: a request names a session another principal opened.
 */
export type McpServeErrorCode = 'MCP_AGENT_NAME_INVALID' | 'MCP_SESSION_NOT_FOUND' | 'MCP_SESSION_FORBIDDEN';

/** Serving agents over MCP failed; the message says how to fix it. */
export class McpServeError extends HarnessError<McpServeErrorCode> {
  override readonly name = 'McpServeError';
  constructor(code: McpServeErrorCode, message: string, options?: HarnessErrorOptions) {
    super(code, message, options);
  }
}

/** Whether `err` is an {@link McpServeError}. */
export const isMcpServeError = guardFor(McpServeError);
