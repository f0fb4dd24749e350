/**
 * A run's side of the concurrency cap (`limits.maxConcurrentRuns`): joining the slot keeper's line,
 * waiting for the grant, and giving the slot back however the run ends. The keeper is the
 * `runSlots` workflow of the task queue (`../slots/`).
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import {
  acquireSlotSignal,
  releaseSlotSignal,
  runSlotsWorkflowId,
  SLOT_HANDLER_DESCRIPTIONS,
  slotGrantedSignal,
  type AcquireSlotInput,
} from '../slots/contract.js';

// Starting the slot keeper of the task queue when it is not running (signal-with-start): quick.
const { requestSlot } = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '60s',
  retry: { maximumAttempts: 5 },
});

export class RunSlot {
  private granted = false;
  /** Set when the run continues as new: the next run of the chain keeps the slot. */
  private handedOver = false;

  /** `held`: a run that continued as new already holds its chain's slot (or place in line). */
  constructor(private held: boolean) {
    setHandler(slotGrantedSignal, () => void (this.granted = true), { description: SLOT_HANDLER_DESCRIPTIONS.slotGranted });
  }

  /** Whether the run holds a slot (or its place in line), for the next run of a continued chain. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Joins the line for one of `capacity` slots and waits until the keeper grants it. */
  async take(runId: string, capacity: number): Promise<void> {
    this.held = true;
    await joinLine({ runId, capacity, startedAt: workflowInfo().startTime.getTime() });
    await condition(() => this.granted);
  }

  /** The run continues as new: its slot goes on with the chain. */
  handOver(): void {
    this.handedOver = true;
  }

  /** Whether `release` has a slot (or place in line) to give back: held, and not handed over. */
  get mustRelease(): boolean {
    return this.held && !this.handedOver;
  }

  /** Gives the slot (or the place in line) back, unless the chain goes on with it. Never throws. */
  async release(runId: string): Promise<void> {
    if (!this.mustRelease) return;
    await CancellationScope.nonCancellable(async () => {
      try {
        await getExternalWorkflowHandle(keeperId()).signal(releaseSlotSignal, { runId });
      } catch {
        // The slot keeper is gone; it reclaims slots of ended runs when it comes back anyway.
      }
    });
  }
}

function keeperId(): string {
  return runSlotsWorkflowId(workflowInfo().taskQueue);
}

/**
 * Asks the keeper for a slot by a signal that goes out with the workflow task making the run
 * `queued`: the server delivers it whatever becomes of this worker, so a queued run has its place
 * in line. Workflows cannot signal-with-start: a keeper that is not running is started by the
 * `requestSlot` activity.
 */
async function joinLine(request: AcquireSlotInput): Promise<void> {
  try {
    await getExternalWorkflowHandle(keeperId()).signal(acquireSlotSignal, request);
  } catch (err) {
    if (isCancellation(err)) throw err;
    await requestSlot(request);
  }
}
