/**
 * The `callModel` activity: one model turn of a run. Its input carries only the messages added
 * since the run's previous model call; the rest this worker still holds from that call, or reads
 * from the run by query (so history grows with new messages only). It streams the answer's deltas
 * to the run's event stream, and returns the complete message.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessage, AIMessageChunk } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { chatModelCache } from '../models/create-chat-model.js';
import { classifyModelError } from '../models/model-errors.js';
import { credentialEnvVars } from '../models/providers/credentials.js';
import { ContentBlobs } from '../payloads/content-blobs.js';
import type { NewMessages } from '../workflows/run/model-input.js';
import type { ContentRef } from '../workflows/shared/content-ref.js';
import { transcriptQuery, type ToolCall, type TranscriptRef } from '../workflows/shared/conversation.js';
import type { TokenUsage } from '../workflows/shared/usage.js';
import type { Workspace } from '../workspace/load.js';
import { subAgentToolDefinitions } from '../workspace/sub-agent-tools.js';
import { askHumanToolDefinition } from '../workspace/ask-human-tool.js';
import { ContentCache, keepContent, maxResultCharsOf, transcriptForModel } from './contents.js';
import { recordContent } from './content-capture.js';
import { currentRun, throwIfCancelled } from './current-run.js';
import { withHeartbeat } from './heartbeat.js';
import { streamModel } from './stream-model.js';
import { toLangChainMessages, toModelTurn } from './transcript.js';
import { TranscriptCache } from './transcript-cache.js';
import { queryTranscriptLinks, readTranscriptRef } from './transcript-refs.js';

/** Input of `callModel`. */
export interface CallModelInput {
  agentId: string;
  step: number;
  /** How many transcript messages the model sees. */
  transcriptLength: number;
  /**
   * The last of them, those added since the run's previous model call (absent when there are none
   * or they are too big to carry): a worker that holds the earlier ones asks the run nothing.
   */
  newMessages?: NewMessages;
  /** Earlier conversation to put before the run's own transcript. */
  history?: TranscriptRef;
}

/** Result of `callModel`: the model's message. */
export interface ModelTurn {
  /** The model's text, or its preview when it is kept by reference (`contentRef`). */
  content: string;
  /** Where the whole text is, when it is over `CONTENT_LIMITS.inlineChars`. */
  contentRef?: ContentRef;
  toolCalls: ToolCall[];
  usage?: TokenUsage;
  /**
   * Set when the model answered before the activity's first batch of deltas was due, or the call
   * was local, so it published none: the workflow publishes the text (and this reasoning) as one
   * delta each. `text` is the whole text when `content` is only its preview (a local call's answer
   * kept by reference, up to {@link MAX_DEFERRED_TEXT_CHARS}).
   */
  deferredDeltas?: { attempt: number; reasoning?: string; text?: string };
}

/**
 * Most characters of a local call's answer its result carries whole for the run's event log when
 * the transcript keeps it by reference (~8K tokens: more than a local call's few seconds produce).
 * A longer one shows as its preview in the log; the transcript still has it whole.
 */
export const MAX_DEFERRED_TEXT_CHARS = 32 * 1024;

export function createModelActivities(workspace: Workspace, client: Client) {
  const modelFor = chatModelCache(workspace.config.models);
  const transcripts = new TranscriptCache();
  const blobs = ContentBlobs.of(client);
  const contents = new ContentCache();
  const maxResultChars = maxResultCharsOf(workspace.config.tools);

  return {
    async callModel({ agentId, step, transcriptLength, newMessages, history }: CallModelInput): Promise<ModelTurn> {
      const agent = workspace.agents.get(agentId)!;
      // Only loop agents call the model, and the loader checked that each has one.
      const modelId = agent.model!;
      const { workflowId, runId } = currentRun();
      // Heartbeat while reading too: a query can wait on the run for up to its workflow task
      // timeout (10 s) when a worker died holding one of its tasks (see heartbeat.ts).
      const transcript = await withHeartbeat(async () => {
        const kept = await transcripts.read(
          `${workflowId}/${runId}`,
          transcriptLength,
          {
            own: (q) => client.workflow.getHandle(workflowId, runId).query(transcriptQuery, q),
            history: (ref) => readTranscriptRef(ref, queryTranscriptLinks(client)),
          },
          history,
          newMessages,
        );
        // The run keeps big contents by reference: the model gets them whole, tool results cut to size.
        return transcriptForModel(kept, blobs, contents, maxResultChars);
      });
      const tools = [
        ...agent.tools.map((name) => workspace.tools.get(name)!),
        // Sub-agents are offered as tools; the workflow, not a tool activity, runs them.
        ...subAgentToolDefinitions(agent.subAgents, (id) => workspace.agents.get(id)?.description ?? ''),
        // The workflow answers `ask_human` with a person's answer.
        ...(agent.askHuman ? [askHumanToolDefinition] : []),
      ];
      try {
        const model = await modelFor(modelId);
        const runnable = tools.length && model.bindTools ? model.bindTools(tools) : model;
        const { attempt, isLocal } = Context.current().info;
        const { message, deferred } = await withHeartbeat((signal) =>
          streamModel(runnable as Runnable<BaseLanguageModelInput, AIMessageChunk>, toLangChainMessages(agent.systemPrompt, transcript), signal, {
            client,
            runId: workflowId,
            agentId,
            step,
            attempt,
            // A local call (a model declared local) leaves the durable log to the workflow.
            deferAll: isLocal,
          }),
        );
        const answer = toModelTurn(message as unknown as AIMessage);
        const turn = { ...answer, ...(await withHeartbeat(() => keepContent(blobs, answer.content))) };
        recordContent({ 'gen_ai.input.messages': transcript, 'gen_ai.output.messages': [{ role: 'assistant', content: answer.content, toolCalls: answer.toolCalls }] });
        if (!deferred) return turn;
        const whole = turn.contentRef && answer.content.length <= MAX_DEFERRED_TEXT_CHARS && { text: answer.content };
        return { ...turn, deferredDeltas: { attempt, ...(deferred.reasoning && { reasoning: deferred.reasoning }), ...whole } };
      } catch (err) {
        throwIfCancelled();
        const c = classifyModelError(modelId, err, credentialEnvVars(workspace.config.models[modelId]));
        throw ApplicationFailure.create({ type: c.type, message: c.message, nonRetryable: !c.retryable, cause: err as Error });
      }
    },
  };
}
