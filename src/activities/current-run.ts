/** What every run activity needs to know about the run it serves. */
import { CancelledFailure, Context } from '@temporalio/activity';

/** The workflow execution the current activity belongs to. */
export function currentRun(): { workflowId: string; runId: string } {
  const execution = Context.current().info.workflowExecution;
  if (!execution) throw new Error('harness activities run only inside an agentRun workflow');
  return execution;
}

/**
 * Once the run asked this call to stop, whatever the tool or model threw is a consequence of
 * that: report a cancellation (not a failure to retry) so the run can end `cancelled`.
 */
export function throwIfCancelled(): void {
  if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('Cancelled by the run');
}
