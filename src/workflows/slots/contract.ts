/**
 * The contract of `runSlots` (the protocol between runs and it), the one workflow per task queue that caps how many
 * runs execute at once across all workers (`limits.maxConcurrentRuns`).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Workflow type and id of the slot keeper for a task queue. */
export const RUN_SLOTS_WORKFLOW = 'runSlots';
export function runSlotsWorkflowId(taskQueue: string): string {
  return `harness-run-slots:${taskQueue}`;
}

export interface AcquireSlotInput {
  runId: string;
  /** The cap in force; the latest request's value wins, so a workspace change takes effect. */
  capacity: number;
  /** When the run started (epoch ms): the queue is ordered by it, not by signal arrival. */
  startedAt: number;
}

export interface ReleaseSlotInput {
  runId: string;
}

export interface RunSlotsStatus {
  capacity: number;
  holders: string[];
  queue: string[];
}

export interface QueuedRun {
  runId: string;
  startedAt: number;
}

export interface RunSlotsInput {
  capacity?: number;
  holders?: string[];
  queue?: QueuedRun[];
  /** How often to look for holders that ended without releasing (e.g. terminated). @default 30 s */
  reapIntervalMs?: number;
}

/**
 * Sent to `runSlots` by a run as it turns `queued` (or with signal-with-start by the `requestSlot`
 * activity, when the keeper is not running): queue me for a slot.
 */
export const acquireSlotSignal = defineSignal<[AcquireSlotInput]>('acquireSlot');
/** Sent to `runSlots` by a run that ends or gives up waiting. */
export const releaseSlotSignal = defineSignal<[ReleaseSlotInput]>('releaseSlot');
/** Sent by `runSlots` to a run: your slot is granted, start. */
export const slotGrantedSignal = defineSignal('slotGranted');
/** The slot keeper's holders and waiting runs. */
export const runSlotsStatusQuery = defineQuery<RunSlotsStatus>('slotsStatus');

/** What the slot protocol's handlers carry, shown by the Web UI's dialogs. */
export const SLOT_HANDLER_DESCRIPTIONS = {
  acquireSlot: 'Internal (sent by a run turning queued): {"runId", "capacity", "startedAt"}; the run gets slotGranted when its turn comes.',
  releaseSlot: 'Internal (sent by a run that ends or gives up waiting): {"runId"}; frees its slot or its place in line.',
  slotGranted: 'Internal (sent by the runSlots keeper): this run holds a slot of limits.maxConcurrentRuns and may start. No payload.',
  slotsStatus: 'The slots held (run ids) and the runs waiting for one, in order. No argument.',
} as const;
