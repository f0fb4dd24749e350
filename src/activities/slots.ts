/** Activities behind the concurrency cap: asking the slot keeper for a slot, and checking holders. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  acquireSlotSignal,
  RUN_SLOTS_WORKFLOW,
  runSlotsWorkflowId,
  type AcquireSlotInput,
  type RunSlotsInput,
} from '../workflows/slots/contract.js';

export function createSlotActivities(client: Client) {
  return {
    /**
     * Queues the run for a slot, starting the slot keeper of this task queue if it is not running
     * (signal-with-start: workflows cannot start a workflow they do not parent).
     */
    async requestSlot(input: AcquireSlotInput): Promise<void> {
      const { taskQueue } = Context.current().info;
      const args: [RunSlotsInput] = [{ capacity: input.capacity }];
      await client.workflow.signalWithStart(RUN_SLOTS_WORKFLOW, {
        workflowId: runSlotsWorkflowId(taskQueue),
        taskQueue,
        args,
        signal: acquireSlotSignal,
        signalArgs: [input],
        staticSummary: 'Concurrency slots (limits.maxConcurrentRuns)',
      });
    },

    /** Which of these runs have ended (or never existed): their slots can be reclaimed. */
    async findEndedRuns(runIds: string[]): Promise<string[]> {
      const ended: string[] = [];
      for (const runId of runIds) {
        try {
          const { status } = await client.workflow.getHandle(runId).describe();
          if (status.name !== 'RUNNING') ended.push(runId);
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) ended.push(runId);
          else throw err;
        }
      }
      return ended;
    },
  };
}
