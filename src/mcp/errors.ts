/** How an MCP call failed: the tool said so (the model reads it), or the server could not be reached (retried). */
import { HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/** The server ran the tool and reported an error (`isError: true`), or refused the call's arguments: final, for the model. */
export class McpToolError extends HarnessError<'MCP_TOOL_ERROR'> {
  override readonly name = 'McpToolError';
  constructor(message: string, options?: HarnessErrorOptions) {
    super('MCP_TOOL_ERROR', message, options);
  }
}

/** The server could not be reached or did not answer: retried by Temporal, then a tool error for the model. */
export class McpUnavailableError extends HarnessError<'MCP_SERVER_UNAVAILABLE'> {
  override readonly name = 'McpUnavailableError';
  constructor(message: string, options?: HarnessErrorOptions) {
    super('MCP_SERVER_UNAVAILABLE', message, options);
  }
}

/** Whether `err` is an {@link McpToolError}. */
export function isMcpToolError(err: unknown): err is McpToolError {
  return err instanceof McpToolError;
}

/** Whether `err` is an {@link McpUnavailableError}. */
export function isMcpUnavailableError(err: unknown): err is McpUnavailableError {
  return err instanceof McpUnavailableError;
}
