/** Activity options built from a run's limits. */
import type { RetrySettings } from './types.js';

export function retryPolicy(r: RetrySettings) {
  return {
    maximumAttempts: r.maximumAttempts,
    initialInterval: r.initialIntervalMs,
    backoffCoefficient: r.backoffCoefficient,
    maximumInterval: r.maximumIntervalMs,
  };
}
