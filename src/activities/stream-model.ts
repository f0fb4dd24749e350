/**
 * Runs a model call as a stream: each text or reasoning chunk is published to the run's event
 * stream as it arrives (batched signals), while the complete message is still returned as the
 * activity's result for the workflow. A retried attempt first publishes `output.reset`, so
 * clients drop the failed attempt's partial text instead of showing it twice.
 *
 * A model that answers before the first batch would be sent anyway (`DELTA_BATCH_INTERVAL`)
 * publishes nothing from here: the result says so (`ModelTurn.deferredDeltas`),
 * and the workflow puts the text in the log itself, before `step.completed`, exactly where the
 * final flush would have put it. That saves a signal, a history event and a workflow task per
 * quick model call; a slower one streams live as before.
 *
 * Either way every delta also goes out at once on the live path (`src/live/publisher.ts`): to
 * followers in this process, and through the payload store's shared medium to followers in other
 * processes, so they see tokens without waiting for a batch, a signal and a poll; the batches
 * above remain the durable record they resume from.
 */
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import type { AIMessageChunk, BaseMessage } from '@langchain/core/messages';
import type { Runnable } from '@langchain/core/runnables';
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import type { LiveRunEvent } from './live-run-events.js';
import { LivePublisher } from '../live/publisher.js';
import { CONTENT_LIMITS } from '../workflows/shared/content-ref.js';
import { RUN_EVENTS_TOPIC, messageIdFor, type HarnessEvent, type HarnessEventBody } from '../workflows/run/events.js';

export interface StreamTarget {
  client: Client;
  runId: string;
  agentId: string;
  step: number;
  attempt: number;
  /**
   * Publish nothing to the run's durable log, however long the call takes: the workflow puts the
   * whole text in it from the result. For a local activity (a model declared local): it runs in
   * the run's workflow task, so a signal from it would reach the run only after the result, and
   * land after `step.completed`.
   */
  deferAll?: boolean;
}

export interface StreamedMessage {
  message: AIMessageChunk;
  /** Set when nothing was published: the workflow is to publish the text (and this reasoning). */
  deferred?: { reasoning: string };
}

/** How often buffered deltas are sent: often enough to read as live, rarely enough for history. */
const DELTA_BATCH_INTERVAL_MS = 100;

export async function streamModel(
  runnable: Runnable<BaseLanguageModelInput, AIMessageChunk>,
  messages: BaseMessage[],
  signal: AbortSignal,
  target: StreamTarget,
): Promise<StreamedMessage> {
  const messageId = messageIdFor(target.runId, target.step);
  const delta = { step: target.step, attempt: target.attempt, messageId };
  let publisher: WorkflowStreamClient | undefined;
  const envelope = (body: HarnessEventBody) => ({ runId: target.runId, agentId: target.agentId, at: new Date().toISOString(), ...body }) as HarnessEvent;
  const publish = (event: HarnessEvent) => {
    publisher ??= WorkflowStreamClient.create(target.client, target.runId, { batchInterval: `${DELTA_BATCH_INTERVAL_MS} milliseconds` });
    publisher.topic<HarnessEvent>(RUN_EVENTS_TOPIC).publish(event);
  };
  // Characters emitted so far in this attempt, per kind: where the next live delta's text starts.
  const emitted = { 'output.delta': 0, 'reasoning.delta': 0 };
  const livePublisher = new LivePublisher(target.client, target.runId);
  const live = (event: LiveRunEvent['event']) => {
    const position = event.type === 'output.reset' ? 0 : emitted[event.type];
    if (event.type !== 'output.reset') emitted[event.type] += event.text.length;
    livePublisher.publish({ event, position });
  };
  // Deltas held back while the call may still finish before the first batch is due; a retried
  // attempt never holds back (its reset must reach clients first, and retries are rare).
  let held: HarnessEvent[] | undefined = target.attempt === 1 || target.deferAll ? [] : undefined;
  const release = () => {
    const items = coalesceDeltas(held ?? []);
    held = undefined;
    items.forEach(publish);
  };
  const releaseTimer = held && !target.deferAll ? setTimeout(release, DELTA_BATCH_INTERVAL_MS) : undefined;
  const emit = (body: Extract<HarnessEventBody, { type: 'output.delta' | 'reasoning.delta' }>) => {
    const event = envelope(body) as LiveRunEvent['event'];
    live(event);
    if (held) held.push(event);
    else publish(event);
  };
  try {
    if (target.attempt > 1) {
      const reset = envelope({ type: 'output.reset', ...delta }) as LiveRunEvent['event'];
      live(reset);
      // Deferred, the durable reset comes from the workflow too, with the text (events.ts).
      if (!target.deferAll) publish(reset);
    }
    let message: AIMessageChunk | undefined;
    let reasoningText = '';
    for await (const chunk of await runnable.stream(messages, { signal })) {
      message = message ? message.concat(chunk) : chunk;
      const text = typeof chunk.content === 'string' ? chunk.content : chunk.text;
      if (text) emit({ type: 'output.delta', ...delta, text });
      const reasoning = chunk.additional_kwargs?.reasoning_content;
      if (typeof reasoning === 'string' && reasoning) {
        reasoningText += reasoning;
        emit({ type: 'reasoning.delta', ...delta, text: reasoning });
      }
    }
    if (!message) throw new Error('the model returned an empty stream');
    // A quick answer too long to stay inline in the run is streamed after all: the result keeps
    // only its preview, and the log must have it whole.
    if (held && !target.deferAll && emitted['output.delta'] > CONTENT_LIMITS.inlineChars) release();
    if (held) return { message, deferred: { reasoning: reasoningText } };
    // Every delta is in the run's log before the workflow sees the result and moves on.
    await publisher?.flush();
    return { message };
  } finally {
    clearTimeout(releaseTimer);
    held = undefined; // a failed attempt's held text is dropped: it was never shown
    livePublisher.close();
    await publisher?.[Symbol.asyncDispose]().catch(() => undefined);
  }
}

/**
 * Held deltas as the log gets them: consecutive deltas of one kind joined into one. A model that
 * streams many small chunks within the first batch interval would otherwise send them all in one
 * signal, each with its envelope, and a long answer's batch could pass the server's blob limit.
 * The live path has already carried them one by one.
 */
export function coalesceDeltas(items: readonly HarnessEvent[]): HarnessEvent[] {
  const out: HarnessEvent[] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (last && (item.type === 'output.delta' || item.type === 'reasoning.delta') && last.type === item.type) {
      out[out.length - 1] = { ...last, text: last.text + item.text };
    } else out.push(item);
  }
  return out;
}
