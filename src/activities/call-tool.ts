/**
 * The `callTool` activity: one tool call of a run, with the run's context, agent state and files
 * read from the run by query (never carried in the input).
 */
import { ToolInputParsingException } from '@langchain/core/tools';
import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { isMcpToolError, isMcpUnavailableError } from '../mcp/errors.js';
import { isMemoryError } from '../memory/errors.js';
import { toolContextQuery, type ToolRunContext } from '../workflows/run/contract.js';
import type { Workspace } from '../workspace/load.js';
import { recordContent } from './content-capture.js';
import { currentRun, throwIfCancelled } from './current-run.js';
import { withHeartbeat } from './heartbeat.js';
import { isHarnessToolResult } from './tool-result.js';

/** Input of `callTool`. */
export interface CallToolInput {
  agentId: string;
  toolName: string;
  toolCallId: string;
  input: Record<string, unknown>;
  /**
   * Set when the run has no context, no agent state and no files: the activity then skips the
   * `toolContext` query (a round trip through the server before the tool starts).
   */
  noRunContext?: true;
}

/** Result of `callTool` (and of a sub-agent call): what the model is told. */
export interface ToolResult {
  content: string;
  isError: boolean;
  /** Keys to set in the run's agent state (shallow merge), from `toolResult(…, { state })`. */
  stateUpdate?: Record<string, unknown>;
}

export function createToolActivities(workspace: Workspace, client: Client) {
  return {
    async callTool({ agentId, toolName, toolCallId, input, noRunContext }: CallToolInput): Promise<ToolResult> {
      const tool = workspace.tools.get(toolName)!;
      const { workflowId, runId } = currentRun();
      // Context, state and files are read from the run, not carried in every tool call's input;
      // a run that has none says so, and the tool starts without that round trip.
      const run: ToolRunContext = noRunContext ? { context: {}, state: {}, files: [] } : await client.workflow.getHandle(workflowId, runId).query(toolContextQuery);
      try {
        const output: unknown = await withHeartbeat((signal) =>
          tool.invoke(input, {
            signal,
            configurable: {
              runId: workflowId,
              agentId,
              toolCallId,
              // What a tool needs to be safe under retries: a key unique per tool call.
              idempotencyKey: `${workflowId}:${toolCallId}`,
              context: run.context,
              state: run.state,
              files: run.files,
            },
          }),
        );
        recordContent({ 'gen_ai.tool.call.arguments': input, 'gen_ai.tool.call.result': isHarnessToolResult(output) ? output.content : stringify(output) });
        if (isHarnessToolResult(output)) {
          return { content: output.content, isError: false, ...(output.state && { stateUpdate: output.state }) };
        }
        return { content: stringify(output), isError: false };
      } catch (err) {
        throwIfCancelled();
        if (err instanceof ToolInputParsingException) {
          // The model sent input the schema refuses: retrying cannot help; tell the model instead.
          return { content: `Invalid input for tool "${toolName}": ${err.message}`, isError: true };
        }
        if (isMemoryError(err) && !err.retryable) {
          // Missing settings or a run without the context its namespace needs: the same every attempt.
          return { content: `Tool "${toolName}" failed: ${err.message}`, isError: true };
        }
        if (isMcpToolError(err)) {
          // The MCP server answered with an error (or refused the arguments): the model reads it.
          return { content: `Tool "${toolName}" failed: ${err.message}`, isError: true };
        }
        if (isMcpUnavailableError(err)) {
          // Retried by policy; after the last attempt the run hands this message to the model.
          throw ApplicationFailure.create({ type: 'MCP_SERVER_UNAVAILABLE', message: err.message, cause: err });
        }
        throw ApplicationFailure.create({
          type: 'TOOL_FAILED',
          message: `Tool "${toolName}" threw: ${(err as Error).message ?? String(err)}`,
          cause: err as Error,
        });
      }
    },
  };
}

function stringify(output: unknown): string {
  if (typeof output === 'string') return output;
  const content = (output as { content?: unknown })?.content;
  if (typeof content === 'string') return content; // a ToolMessage
  return JSON.stringify(output);
}
