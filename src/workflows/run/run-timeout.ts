/** The whole-run deadline (`limits.runTimeout`). */
import { ApplicationFailure, CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import { formatMs } from '../shared/failures.js';
import type { RunLimits } from './agent-spec.js';

/**
 * Runs `fn` (the run's loop) under `limits.runTimeout`, of which a continued run has what the
 * chain left: `chainStartedAtMs` is when its first run started.
 */
export function withinRunTimeout<T>(limits: RunLimits, chainStartedAtMs: number | undefined, fn: () => Promise<T>): Promise<T> {
  // Not async: without a deadline the loop's own promise is returned, no wrapper around it.
  const limitMs = limits.runTimeoutMs;
  if (limitMs === undefined) return fn();
  const leftMs = chainStartedAtMs === undefined ? limitMs : Math.max(1, limitMs - (Date.now() - chainStartedAtMs));
  return withRunTimeout(leftMs, fn, limitMs);
}

/**
 * Runs the agent loop under the whole-run deadline. A timer in its own scope cancels the loop's
 * scope, which cancels in-flight activities; the flag tells that apart from a cancel request.
 * `ms` is what is left of `limitMs` (less than all of it in a run that continued as new).
 */
export async function withRunTimeout<T>(ms: number, fn: () => Promise<T>, limitMs = ms): Promise<T> {
  let timedOut = false;
  const loopScope = new CancellationScope();
  const timerScope = new CancellationScope();
  timerScope
    .run(() => sleep(ms))
    .then(
      () => {
        timedOut = true;
        loopScope.cancel();
      },
      () => undefined, // the timer is cancelled when the loop ends first
    );
  try {
    return await loopScope.run(fn);
  } catch (err) {
    if (timedOut && isCancellation(err)) {
      throw ApplicationFailure.create({
        type: 'RUN_TIMEOUT',
        nonRetryable: true,
        message: `Run exceeded limits.runTimeout (${formatMs(limitMs)}) and was stopped.`,
      });
    }
    throw err;
  } finally {
    timerScope.cancel();
  }
}

