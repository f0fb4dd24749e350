/**
 * Activities of the hand-written baseline workflows (bench/workflows/baseline.ts). They do the same
 * model and tool work as the harness's `callModel` / `callTool` — the same scripted model, the same
 * LangChain message conversion, the same tools module — minus what the harness adds around it:
 * no query back to the run for the transcript or the tool context, no heartbeat timer, no error
 * classification. The transcript comes in the activity input instead (fine for three messages;
 * that is exactly what the history benchmark shows to be quadratic for long conversations).
 */
import type { AIMessage } from '@langchain/core/messages';
import { Context } from '@temporalio/activity';
import { toLangChainMessages, toModelTurn } from '../src/activities/transcript.js';
import { chatModelCache } from '../src/models/create-chat-model.js';
import type { CallToolInput, ToolResult } from '../src/activities/call-tool.js';
import type { ModelTurn } from '../src/activities/call-model.js';
import type { TranscriptMessage } from '../src/workflows/shared/conversation.js';
import type { Workspace } from '../src/workspace/index.js';
import { mark } from './lib/probe.js';

export interface BaselineModelInput {
  agentId: string;
  /** The whole conversation so far: the naive design. */
  transcript: TranscriptMessage[];
}

export function createBaselineActivities(workspace: Workspace) {
  const modelFor = chatModelCache(workspace.config.models);

  return {
    async baselineCallModel({ agentId, transcript }: BaselineModelInput): Promise<ModelTurn> {
      const agent = workspace.agents.get(agentId)!;
      const message = await (await modelFor(agent.model!)).invoke(toLangChainMessages(agent.systemPrompt, transcript));
      return toModelTurn(message as AIMessage);
    },

    async baselineCallTool({ agentId, toolName, toolCallId, input }: CallToolInput): Promise<ToolResult> {
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
      mark('activity', workflowId);
      const output: unknown = await workspace.tools.get(toolName)!.invoke(input, {
        configurable: { runId: workflowId, agentId, toolCallId, idempotencyKey: `${workflowId}:${toolCallId}`, context: {}, state: {}, files: [] },
      });
      return { content: typeof output === 'string' ? output : JSON.stringify(output), isError: false };
    },
  };
}

export type BaselineActivities = ReturnType<typeof createBaselineActivities>;
