/**
 * Long-polls one run's event stream (`@temporalio/workflow-streams`' poll update), re-polling the
 * moment a poll is answered: the workflow answers a waiting poll in the workflow task that
 * appended new events, so a delta reaches this process one signal, one workflow task and one
 * update after the model yielded it, with no pause in between. Each poll is an update in the
 * run's history (a run takes 2,000 in all), so a token bucket bounds them: polls are immediate
 * for a burst, then settle to one per `refillMs`, the pause the stream client's own subscriber
 * always keeps. The stream client's `subscribe()` has one fixed pause (`pollCooldown`) for all.
 *
 * Ends when the polled run closes (or continues as new): the caller follows the chain.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter } from '@temporalio/common';
import { decodePayloadWire, workflowStreamPollUpdate } from '@temporalio/workflow-streams/workflow';
import { RUN_EVENTS_TOPIC, type HarnessEvent, type HarnessEventItem } from '../workflows/run/events.js';

/** How a subscription paces its polls. */
export interface PollPacing {
  /** Polls made back to back before pacing starts. @default 300 */
  burst: number;
  /** One more immediate poll is allowed every `refillMs` once the burst is spent. @default 200 */
  refillMs: number;
}

/**
 * The default: ~300 polls at once (a model call's burst of live hops, see `DELTA_PACING`), then
 * 5 a second, the pace the subscriber had before.
 */
export const POLL_PACING: PollPacing = { burst: 300, refillMs: 200 };

/** The run's events from offset `from` on, polled until the run closes or continues as new. */
export async function* pollRunStream(handle: WorkflowHandle, from: number, pacing: PollPacing = POLL_PACING): AsyncGenerator<HarnessEventItem> {
  let offset = from;
  let tokens = pacing.burst;
  let refilledAt = Date.now();
  for (;;) {
    const earned = Math.floor((Date.now() - refilledAt) / pacing.refillMs);
    if (earned > 0) {
      tokens = Math.min(pacing.burst, tokens + earned);
      refilledAt += earned * pacing.refillMs;
    }
    if (tokens < 1) {
      await sleep(pacing.refillMs - (Date.now() - refilledAt));
      continue;
    }
    tokens--;
    let result;
    try {
      result = await handle.executeUpdate(workflowStreamPollUpdate, { args: [{ topics: [RUN_EVENTS_TOPIC], from_offset: offset }] });
    } catch (err) {
      const type = err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause.type : undefined;
      // Older offsets were dropped when the run was handed over: read from what is left.
      if (type === 'TruncatedOffset') {
        offset = 0;
        continue;
      }
      // Handing over to the next run: poll again shortly (an unpinned handle lands on the next run).
      if (type === 'StreamDraining') {
        await sleep(pacing.refillMs);
        continue;
      }
      if (type === 'AcceptedUpdateCompletedWorkflow' || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || err instanceof WorkflowNotFoundError) return;
      throw err;
    }
    for (const item of result.items) {
      yield { offset: item.offset, event: defaultPayloadConverter.fromPayload<HarnessEvent>(decodePayloadWire(item.data)) };
    }
    offset = result.next_offset;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
