/**
 * The `syncThreadMemory` activity: reads the thread's conversation by query, extracts facts or a
 * summary (the agent's model, or deterministically), and writes them to memory with ids derived
 * from the thread and run, so a retry replaces what an earlier attempt wrote.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { isMemoryError } from '../memory/errors.js';
import type { MemorizeInput } from '../memory/memory-service.js';
import { MAX_FACTS, extractionPrompt, parseFacts, parseSummary, simpleFacts, simpleSummary } from '../memory/thread-sync.js';
import { chatModelCache } from '../models/create-chat-model.js';
import { classifyModelError } from '../models/model-errors.js';
import { transcriptQuery } from '../workflows/shared/conversation.js';
import { credentialEnvVars } from '../models/providers/credentials.js';
import type { Workspace } from '../workspace/load.js';
import { withHeartbeat } from './heartbeat.js';

/** Input of `syncThreadMemory`. The conversation itself is read by query, never carried. */
export interface SyncThreadMemoryInput {
  threadId: string;
  runId: string;
  /** The agent that ran (after routing): its `memory.sync` decides what is written. */
  agentId: string;
  /** The run's context, for the namespace template. */
  context?: Record<string, unknown>;
  /** The run's own messages are the thread's `[from, to)`. */
  from: number;
  to: number;
}

/** Result of `syncThreadMemory`. */
export interface SyncThreadMemoryResult {
  mode: 'off' | 'facts' | 'summary';
  /** How many memories were written (0 when off or when nothing was worth keeping). */
  written: number;
}

export function createMemorySyncActivities(workspace: Workspace, client: Client) {
  const modelFor = chatModelCache(workspace.config.models);

  return {
    async syncThreadMemory(input: SyncThreadMemoryInput): Promise<SyncThreadMemoryResult> {
      const agent = workspace.agents.get(input.agentId);
      const memory = workspace.memory;
      const mode = agent?.memory?.sync ?? 'off';
      if (!memory || !agent || mode === 'off') return { mode: 'off', written: 0 };

      const execution = Context.current().info.workflowExecution;
      if (!execution) throw new Error('syncThreadMemory runs only inside an agentThread workflow');
      const { workflowId, runId } = execution;
      const messages = await client.workflow.getHandle(workflowId, runId).query(transcriptQuery, { upTo: input.to });
      const scope = { agentId: agent.id, context: input.context ?? {} };
      const base = { source: mode === 'facts' ? 'thread-facts' : 'thread-summary', threadId: input.threadId, runId: input.runId, agentId: agent.id };

      try {
        let items: MemorizeInput[];
        if (mode === 'facts') {
          const own = messages.slice(input.from, input.to);
          const facts = agent.memory!.extract === 'simple' ? simpleFacts(own) : parseFacts(await ask(agent.model, extractionPrompt('facts', own)));
          items = facts.map((text, i) => ({ id: `fact:${input.runId}:${i}`, text, metadata: base }));
          // An earlier attempt may have written more facts (a model answers differently each time):
          // clear this run's slots first, so a retry leaves exactly this attempt's facts.
          await memory.forget(scope, Array.from({ length: MAX_FACTS }, (_, i) => `fact:${input.runId}:${i}`));
        } else {
          const summary =
            agent.memory!.extract === 'simple' ? simpleSummary(input.threadId, messages) : parseSummary(await ask(agent.model, extractionPrompt('summary', messages)));
          // One summary per thread, replaced as the conversation goes on.
          items = summary ? [{ id: `summary:${input.threadId}`, text: summary, metadata: base }] : [];
        }
        await memory.memorize(scope, items);
        return { mode, written: items.length };
      } catch (err) {
        if (isMemoryError(err)) throw ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: !err.retryable, cause: err });
        throw err;
      }
    },
  };

  async function ask(modelId: string | undefined, prompt: string): Promise<string> {
    if (modelId === undefined) {
      // The loader refuses this combination; a worker on an older file still gets a clear answer.
      throw ApplicationFailure.create({ type: 'MEMORY_CONFIG', nonRetryable: true, message: 'Memory sync with extract: model needs the agent to have a `model`; use extract: simple.' });
    }
    try {
      const model = await modelFor(modelId);
      const answer = await withHeartbeat((signal) =>
        model.invoke([new SystemMessage('You keep long-term memory about a user for future conversations.'), new HumanMessage(prompt)], { signal }),
      );
      return typeof answer.content === 'string' ? answer.content : answer.text;
    } catch (err) {
      const c = classifyModelError(modelId, err, credentialEnvVars(workspace.config.models[modelId]));
      throw ApplicationFailure.create({ type: c.type, message: `Memory sync: ${c.message}`, nonRetryable: !c.retryable, cause: err as Error });
    }
  }
}
