/**
 * The `callTool` activity: one tool call of a run, with the run's context, agent state and files:
 * carried in the input when small, else read from the run by query.
 */
import { ToolInputParsingException } from '@langchain/core/tools';
import { ApplicationFailure } from '@temporalio/activity';
import { ServiceError, type Client } from '@temporalio/client';
import { isMcpToolError, isMcpUnavailableError } from '../mcp/errors.js';
import { isMemoryError } from '../memory/errors.js';
import { ContentBlobs } from '../payloads/content-blobs.js';
import { toolContextQuery, type RunFile, type ToolRunContext } from '../workflows/run/contract.js';
import type { ContentRef } from '../workflows/shared/content-ref.js';
import type { Workspace } from '../workspace/load.js';
import { recordContent } from './content-capture.js';
import { currentRun, throwIfCancelled } from './current-run.js';
import { ContentCache, keepContent } from './contents.js';
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
  /**
   * The run's context, state and files, when small (see `MAX_INLINE_TOOL_CONTEXT_CHARS`): the
   * activity skips the `toolContext` query. Absent with neither flag: the activity asks the run.
   */
  runContext?: ToolRunContext;
}

/** Result of `callTool` (and of a sub-agent call): what the model is told. */
export interface ToolResult {
  /** The result, or its preview when it is kept by reference (`contentRef`). */
  content: string;
  /** Where the whole result is, when it is over `CONTENT_LIMITS.inlineChars`. */
  contentRef?: ContentRef;
  isError: boolean;
  /** Keys to set in the run's agent state (shallow merge), from `toolResult(…, { state })`. */
  stateUpdate?: Record<string, unknown>;
}

export function createToolActivities(workspace: Workspace, client: Client) {
  const blobs = ContentBlobs.of(client);
  const files = new ContentCache(16 * 1024 * 1024);
  // Inline files the run keeps by reference are whole again for the tool.
  const resolveFiles = (list: RunFile[]) =>
    Promise.all(list.map(async ({ contentRef, ...f }) => (contentRef && blobs ? { ...f, content: await files.read(blobs, contentRef) } : f)));
  return {
    async callTool({ agentId, toolName, toolCallId, input, noRunContext, runContext }: CallToolInput): Promise<ToolResult> {
      const tool = workspace.tools.get(toolName)!;
      const { workflowId, runId } = currentRun();
      // Context, state and files come in the input when small (or the run says it has none);
      // bigger ones are read from the run, not carried in every tool call's input.
      // Heartbeating: big inline files are read back from the payload store, which may take a while.
      const run: ToolRunContext = noRunContext
        ? { context: {}, state: {}, files: [] }
        : await withHeartbeat(async (signal) => {
            const context = runContext ?? (await untilAnswered(() => client.workflow.getHandle(workflowId, runId).query(toolContextQuery), signal));
            return { ...context, files: await resolveFiles(context.files) };
          });
      let output: unknown;
      try {
        output = await withHeartbeat((signal) =>
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
      // A big result leaves as a reference and a preview: the run's state stays small. Outside the
      // try: a store that fails is this activity's failure (retried), never a tool error for the model.
      const keep = (text: string) => withHeartbeat(() => keepContent(blobs, text));
      if (isHarnessToolResult(output)) {
        return { ...(await keep(output.content)), isError: false, ...(output.state && { stateUpdate: output.state }) };
      }
      return { ...(await keep(stringify(output))), isError: false };
    },
  };
}

/** How long a tool call keeps asking its run for its context while the run's worker is replaced. */
const CONTEXT_QUERY_PATIENCE_MS = 60_000;

/**
 * Runs `query` until it answers. A query fails for a while when the worker that held the run died
 * (it waits out the sticky queue, then another worker replays the run); the activity heartbeats
 * meanwhile, so asking again beats failing the attempt (and burning `limits.toolRetry`).
 */
async function untilAnswered<T>(query: () => Promise<T>, signal: AbortSignal): Promise<T> {
  const deadline = Date.now() + CONTEXT_QUERY_PATIENCE_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await query();
    } catch (err) {
      if (signal.aborted || Date.now() + delay > deadline || !(err instanceof ServiceError)) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function stringify(output: unknown): string {
  if (typeof output === 'string') return output;
  const content = (output as { content?: unknown })?.content;
  if (typeof content === 'string') return content; // a ToolMessage
  return JSON.stringify(output);
}
