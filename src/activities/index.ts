/**
 * The activities of a run: everything that touches the world (models, tools, the workspace).
 * Built once per worker around its loaded workspace.
 */
import { ToolInputParsingException } from '@langchain/core/tools';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { isMcpToolError, isMcpUnavailableError } from '../mcp/errors.js';
import { isMemoryError } from '../memory/errors.js';
import { chatModelCache } from '../models/create-chat-model.js';
import { classifyModelError } from '../models/model-errors.js';
import { credentialEnvVars } from '../models/providers/credentials.js';
import { toolContextQuery, transcriptQuery } from '../workflows/messages.js';
import type {
  AgentPlan,
  CallModelInput,
  CallToolInput,
  DescribeAgentInput,
  ModelTurn,
  ToolResult,
  ToolRunContext,
} from '../workflows/types.js';
import { agentPlan } from '../workspace/agent-plan.js';
import type { Workspace } from '../workspace/load.js';
import { subAgentToolDefinitions } from '../workspace/sub-agent-tools.js';
import { withHeartbeat } from './heartbeat.js';
import { streamModel } from './stream-model.js';
import { isHarnessToolResult } from './tool-result.js';
import { createMemorySyncActivities } from './memory-sync.js';
import { createPlanActivities } from './plan-run.js';
import { createSlotActivities } from './slots.js';
import { createGraphActivities } from './graph/run-graph.js';
import { toLangChainMessages, toModelTurn } from './transcript.js';
import { TranscriptCache } from './transcript-cache.js';

export interface ActivityDeps {
  workspace: Workspace;
  /** Used to read a run's transcript by query, so it never travels in activity inputs. */
  client: Client;
}

export function createActivities({ workspace, client }: ActivityDeps) {
  const modelFor = chatModelCache(workspace.config.models);

  const transcripts = new TranscriptCache();

  return {
    ...createSlotActivities(client),
    ...createPlanActivities(workspace),
    ...createGraphActivities({ workspace, client }),
    ...createMemorySyncActivities(workspace, client),

    /** Kept for runs started before routing and policies existed (see the `route-and-police` patch). */
    async describeAgent({ agentId }: DescribeAgentInput): Promise<AgentPlan> {
      const plan = agentPlan(workspace, agentId);
      if (!plan) {
        throw ApplicationFailure.create({
          type: 'UNKNOWN_AGENT',
          nonRetryable: true,
          message: `Unknown agent "${agentId}". Agents in ${workspace.file}: ${[...workspace.agents.keys()].join(', ')}.`,
        });
      }
      return plan;
    },

    async callModel({ agentId, step, transcriptLength, history, deferDeltas }: CallModelInput): Promise<ModelTurn> {
      const agent = workspace.agents.get(agentId)!;
      // Only loop agents call the model, and the loader checked that each has one.
      const modelId = agent.model!;
      const { workflowId, runId } = currentRun();
      const transcript = await transcripts.read(
        `${workflowId}/${runId}`,
        transcriptLength,
        {
          own: (q) => client.workflow.getHandle(workflowId, runId).query(transcriptQuery, q),
          history: (ref) => client.workflow.getHandle(ref.workflowId).query(transcriptQuery, { upTo: ref.upTo }),
        },
        history,
      );
      const tools = [
        ...agent.tools.map((name) => workspace.tools.get(name)!),
        // Sub-agents are offered as tools; the workflow, not a tool activity, runs them.
        ...subAgentToolDefinitions(agent.subAgents, (id) => workspace.agents.get(id)?.description ?? ''),
      ];
      try {
        const model = await modelFor(modelId);
        const runnable = tools.length && model.bindTools ? model.bindTools(tools) : model;
        const { attempt } = Context.current().info;
        const { message, deferred } = await withHeartbeat((signal) =>
          streamModel(runnable as Runnable<BaseLanguageModelInput, AIMessageChunk>, toLangChainMessages(agent.systemPrompt, transcript), signal, {
            client,
            runId: workflowId,
            agentId,
            step,
            attempt,
            ...(deferDeltas && { deferDeltas }),
          }),
        );
        const turn = toModelTurn(message as unknown as AIMessage);
        if (!deferred) return turn;
        return { ...turn, deferredDeltas: { attempt, ...(deferred.reasoning && { reasoning: deferred.reasoning }) } };
      } catch (err) {
        throwIfCancelled();
        const c = classifyModelError(modelId, err, credentialEnvVars(workspace.config.models[modelId]));
        throw ApplicationFailure.create({ type: c.type, message: c.message, nonRetryable: !c.retryable, cause: err as Error });
      }
    },

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

export type HarnessActivities = ReturnType<typeof createActivities>;

/**
 * Once the run asked this call to stop, whatever the tool or model threw is a consequence of
 * that: report a cancellation (not a failure to retry) so the run can end `cancelled`.
 */
function throwIfCancelled(): void {
  if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('Cancelled by the run');
}

function currentRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('harness activities run only inside an agentRun workflow');
  return execution;
}

function stringify(output: unknown): string {
  if (typeof output === 'string') return output;
  const content = (output as { content?: unknown })?.content;
  if (typeof content === 'string') return content; // a ToolMessage
  return JSON.stringify(output);
}
