/**
 * Runs a model call as a stream: each text or reasoning chunk is published to the run's event
 * stream as it arrives (batched signals), while the complete message is still returned as the
 * activity's result for the workflow. A retried attempt first publishes `output.reset`, so
 * clients drop the failed attempt's partial text instead of showing it twice.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { RUN_EVENTS_TOPIC, messageIdFor, type HarnessEvent, type HarnessEventBody } from '../workflows/events.js';

export interface StreamTarget {
  client: Client;
  runId: string;
  agentId: string;
  step: number;
  attempt: number;
}

/** How often buffered deltas are sent: often enough to read as live, rarely enough for history. */
const DELTA_BATCH_INTERVAL = '100 milliseconds';

export async function streamModel(
  runnable: Runnable<BaseLanguageModelInput, AIMessageChunk>,
  messages: BaseMessage[],
  signal: AbortSignal,
  target: StreamTarget,
): Promise<AIMessageChunk> {
  const publisher = WorkflowStreamClient.create(target.client, target.runId, { batchInterval: DELTA_BATCH_INTERVAL });
  const topic = publisher.topic<HarnessEvent>(RUN_EVENTS_TOPIC);
  const messageId = messageIdFor(target.runId, target.step);
  const publish = (body: HarnessEventBody) =>
    topic.publish({ runId: target.runId, agentId: target.agentId, at: new Date().toISOString(), ...body } as HarnessEvent);
  try {
    if (target.attempt > 1) publish({ type: 'output.reset', step: target.step, attempt: target.attempt, messageId });
    let message: AIMessageChunk | undefined;
    for await (const chunk of await runnable.stream(messages, { signal })) {
      message = message ? message.concat(chunk) : chunk;
      const delta = { step: target.step, attempt: target.attempt, messageId };
      const text = typeof chunk.content === 'string' ? chunk.content : chunk.text;
      if (text) publish({ type: 'output.delta', ...delta, text });
      const reasoning = chunk.additional_kwargs?.reasoning_content;
      if (typeof reasoning === 'string' && reasoning) publish({ type: 'reasoning.delta', ...delta, text: reasoning });
    }
    if (!message) throw new Error('the model returned an empty stream');
    // Every delta is in the run's log before the workflow sees the result and moves on.
    await publisher.flush();
    return message;
  } finally {
    await publisher[Symbol.asyncDispose]().catch(() => undefined);
  }
}
