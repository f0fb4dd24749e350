/**
 * History sizes as the server stores them: the protobuf encoding of the events (the server keeps
 * history as batches of encoded events, so this is what a run costs in the history store).
 */
import type { Client } from '@temporalio/client';
// The SDK's generated protobuf classes (a dependency of @temporalio/common), needed to encode.
// A CommonJS module whose names Node cannot detect statically: take them from the default export.
import proto, { type temporal as protoTypes } from '@temporalio/proto';

const { temporal } = proto;
type History = protoTypes.api.history.v1.IHistory;
type HistoryEvent = protoTypes.api.history.v1.IHistoryEvent;
const EventType = temporal.api.enums.v1.EventType;

export interface HistorySize {
  events: number;
  bytes: number;
}

export async function fetchHistory(client: Client, workflowId: string): Promise<History> {
  return client.workflow.getHandle(workflowId).fetchHistory();
}

export function eventBytes(event: HistoryEvent): number {
  return temporal.api.history.v1.HistoryEvent.encode(event).finish().length;
}

export function historySize(history: History): HistorySize {
  return { events: history.events?.length ?? 0, bytes: temporal.api.history.v1.History.encode(history).finish().length };
}

/** One point per completed model call: the history so far, and the size of that call's input. */
export interface ModelCallPoint {
  /** 1-based model call number. */
  call: number;
  events: number;
  bytes: number;
  /** Bytes of this model call's ActivityTaskScheduled event (its input travels in it). */
  scheduledBytes: number;
}

/** Walks a history and returns cumulative size after each completed activity of `activityType`. */
export function growthByActivity(history: History, activityType: string): ModelCallPoint[] {
  const points: ModelCallPoint[] = [];
  const scheduled = new Map<string, number>(); // scheduled event id → its bytes, for our activity type
  let events = 0;
  let total = 0;
  for (const event of history.events ?? []) {
    const size = eventBytes(event);
    events += 1;
    total += size;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && event.activityTaskScheduledEventAttributes?.activityType?.name === activityType) {
      scheduled.set(String(event.eventId), size);
    }
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const id = String(event.activityTaskCompletedEventAttributes?.scheduledEventId);
      const scheduledBytes = scheduled.get(id);
      if (scheduledBytes !== undefined) points.push({ call: points.length + 1, events, bytes: total, scheduledBytes });
    }
  }
  return points;
}

/** Counts events by type name (for "what does a run consist of"). */
export function eventCounts(history: History): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = (EventType[event.eventType ?? 0] ?? 'UNKNOWN').replace(/^EVENT_TYPE_/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

/**
 * Time from a task being scheduled to a worker picking it up (scheduled → started events), for
 * workflow tasks and activity tasks: the server's dispatch latency, which every design pays per task.
 */
export function dispatchLatencies(history: History): { workflowTasks: number[]; activityTasks: number[] } {
  const at = new Map<string, number>();
  const workflowTasks: number[] = [];
  const activityTasks: number[] = [];
  const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  for (const e of history.events ?? []) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED || e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) at.set(id, ms(e));
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) {
      const scheduled = at.get(String(e.workflowTaskStartedEventAttributes?.scheduledEventId));
      if (scheduled !== undefined) workflowTasks.push(ms(e) - scheduled);
    }
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const scheduled = at.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
      if (scheduled !== undefined) activityTasks.push(ms(e) - scheduled);
    }
  }
  return { workflowTasks, activityTasks };
}

/** How long each workflow task took on the worker (started → completed), in history order. */
export function workflowTaskDurations(history: History): number[] {
  const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
  const started = new Map<string, number>();
  const out: number[] = [];
  for (const e of history.events ?? []) {
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED) started.set(String(e.eventId), ms(e));
    if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      const t = started.get(String(e.workflowTaskCompletedEventAttributes?.startedEventId));
      if (t !== undefined) out.push(ms(e) - t);
    }
  }
  return out;
}
