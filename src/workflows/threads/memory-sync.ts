/**
 * Thread memory sync, the workflow side: after a run of a thread completes, one activity writes
 * what the agent's `memory.sync` asks for (facts of the run, or a summary of the thread) to
 * long-term memory. The thread cannot know the workspace, so it always asks; an agent without
 * sync answers at once with `mode: "off"`. A sync that keeps failing is recorded on the run's
 * entry in the thread's status and never stops the thread.
 */
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SyncThreadMemoryInput } from '../../activities/memory-sync.js';
import type { HarnessActivities } from '../../activities/index.js';
import type { RunMemorySync } from './contract.js';

/** Failure types retrying cannot fix (set by the activity). */
export const MEMORY_SYNC_FINAL_ERRORS = [
  'MEMORY_CONFIG',
  'MEMORY_NAMESPACE_UNRESOLVED',
  'MEMORY_NOT_CONFIGURED',
  'MEMORY_EMBEDDINGS_REFUSED',
  'MODEL_CONFIG',
  'MODEL_AUTH',
  'MODEL_BAD_REQUEST',
  'SCRIPT_EXHAUSTED',
];

// Extraction may ask a model (seconds) and the store may be briefly down: a few spaced attempts,
// then the thread records the failure and moves on to its next run.
const { syncThreadMemory } = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '5m',
  retry: { maximumAttempts: 3, initialInterval: '2s', backoffCoefficient: 2, nonRetryableErrorTypes: MEMORY_SYNC_FINAL_ERRORS },
});

/** Runs the sync; never throws except for cancellation. */
export async function syncRunMemory(input: SyncThreadMemoryInput): Promise<RunMemorySync> {
  try {
    return await syncThreadMemory.executeWithOptions({ summary: `memory sync · ${input.agentId} · ${input.runId}` }, [input]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return { error: failureMessage(err) };
  }
}

function failureMessage(err: unknown): string {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure) return e.message;
  }
  return err instanceof ActivityFailure ? String(err.cause?.message ?? err.message) : String(err);
}
