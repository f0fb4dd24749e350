/** Activity options built from a run's limits. */
import type { RetrySettings } from './agent-spec.js';

/** Temporal retry options from a workspace retry setting. */
export function retryPolicy(r: RetrySettings) {
  return {
    maximumAttempts: r.maximumAttempts,
    initialInterval: r.initialIntervalMs,
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: r.maximumIntervalMs,
  };
}
