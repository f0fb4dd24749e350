/** How an MCP call failed: the tool said so (the model reads it), or the server could not be reached (retried). */

/** The server ran the tool and reported an error (`isError: true`), or refused the call's arguments: final, for the model. */
export class McpToolError extends Error {
  override readonly name = 'McpToolError';
  readonly code = 'MCP_TOOL_ERROR';
}

/** The server could not be reached or did not answer: retried by Temporal, then a tool error for the model. */
export class McpUnavailableError extends Error {
  override readonly name = 'McpUnavailableError';
  readonly code = 'MCP_SERVER_UNAVAILABLE';
}

export function isMcpToolError(err: unknown): err is McpToolError {
  return err instanceof McpToolError;
}

export function isMcpUnavailableError(err: unknown): err is McpUnavailableError {
  return err instanceof McpUnavailableError;
}
