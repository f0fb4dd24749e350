/**
 * Following a run's events: long-poll the run's workflow stream while it is open, then read
 * whatever is left from the closed run's `eventLog` query. Resumable from any offset.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { decodePayloadWire } from '@temporalio/workflow-streams/workflow';
import { FINAL_EVENT_TYPES, RUN_EVENTS_TOPIC, type HarnessEvent, type HarnessEventItem } from '../workflows/run/events.js';
import { eventLogQuery } from '../workflows/run/contract.js';

/** Options of {@link RunHandle.events}. */
export interface RunEventsOptions {
  /** Resume after a disconnect: the offset of the first event wanted (last seen + 1). @default 0 */
  fromOffset?: number;
}

/**
 * Yields the run's events with their offsets, from `options.fromOffset` on, until the run ends.
 * Given `client`, it follows the run across continue-as-new. Used by {@link RunHandle.events}.
 */
// Each poll is an update in the run's history (and a run takes at most 2,000): polls wait for
// new events, and while tokens stream a 200 ms pause between them keeps that to ~5 a second.
export async function* followRunEvents(
  handle: WorkflowHandle,
  options: RunEventsOptions = {},
  client?: Client,
): AsyncGenerator<HarnessEventItem> {
  let next = options.fromOffset ?? 0;
  // Each stream client polls one run and stops when that run closes. Made from the client, the
  // stream follows the chain itself, but if the successor closes before its first poll it keeps
  // re-describing the run it last polled (continued-as-new) and polls forever: so we follow the
  // chain here, re-subscribing while the latest run is still open.
  const latest = client ? client.workflow.getHandle(handle.workflowId) : handle;
  for (;;) {
    const stream = new WorkflowStreamClient(latest);
    for await (const item of stream.subscribe<HarnessEvent>(RUN_EVENTS_TOPIC, next, { resultType: true, pollCooldown: '200 milliseconds' })) {
      next = item.offset + 1;
      yield { offset: item.offset, event: item.data };
      if (FINAL_EVENT_TYPES.has(item.data.type)) return;
    }
    if (!client || (await latest.describe()).status.name !== 'RUNNING') break;
  }
  // The run closed (or was already closed): it takes no more polls, but answers queries.
  const { items } = await latest.query(eventLogQuery, { fromOffset: next });
  for (const item of items) {
    if (item.topic !== RUN_EVENTS_TOPIC) continue;
    yield { offset: item.offset, event: defaultPayloadConverter.fromPayload<HarnessEvent>(decodePayloadWire(item.data)) };
  }
}
