/**
 * `runSlots`: caps concurrent runs across all workers. Runs ask for a slot by signal and wait for
 * a grant signal; they release it when they end, however they end. Slots of runs that ended
 * without releasing (terminated, say) are reclaimed by a periodic check, so none leak.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import {
  SLOT_HANDLER_DESCRIPTIONS,
  acquireSlotSignal,
  releaseSlotSignal,
  runSlotsStatusQuery,
  slotGrantedSignal,
  type RunSlotsInput,
} from './contract.js';
import { SlotQueue } from './slot-queue.js';

const { findEndedRuns } = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

export async function runSlots(input: RunSlotsInput = {}): Promise<void> {
  const slots = new SlotQueue(input.capacity ?? 1, input.holders, input.queue);
  const reapIntervalMs = input.reapIntervalMs ?? 30_000;
  const grants: string[] = [];

  const describe = SLOT_HANDLER_DESCRIPTIONS;
  setHandler(runSlotsStatusQuery, () => slots.status(), { description: describe.slotsStatus });
  setHandler(acquireSlotSignal, ({ runId, capacity, startedAt }) => void grants.push(...slots.acquire({ runId, startedAt }, capacity)), {
    description: describe.acquireSlot,
  });
  setHandler(releaseSlotSignal, ({ runId }) => void grants.push(...slots.release(runId)), { description: describe.releaseSlot });

  let nextReap = Date.now() + reapIntervalMs;
  for (;;) {
    // Wake for grants to deliver, or now and then to reclaim slots whose holders ended silently.
    await condition(() => grants.length > 0 || workflowInfo().continueAsNewSuggested, Math.max(1, nextReap - Date.now()));
    while (grants.length > 0) {
      const runId = grants.shift()!;
      try {
        await getExternalWorkflowHandle(runId).signal(slotGrantedSignal);
      } catch {
        // The run is gone (ended before its turn came): its slot goes to the next in line.
        grants.push(...slots.release(runId));
      }
    }
    if (Date.now() >= nextReap) {
      nextReap = Date.now() + reapIntervalMs;
      if (slots.holderIds().length > 0) {
        for (const runId of await findEndedRuns(slots.holderIds())) grants.push(...slots.release(runId));
      }
    }
    if (workflowInfo().continueAsNewSuggested && grants.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof runSlots>({ ...slots.snapshot(), reapIntervalMs });
    }
  }
}
