/**
 * Runs by state now, counted in Temporal's visibility store (so every run on the task queue is
 * counted, cached on this worker or not) and set as the `harness_runs` gauge every interval.
 */
import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { AGENT_RUN_WORKFLOW, RUN_STATES, TERMINAL_RUN_STATES } from '../../workflows/run/contract.js';

/** The gauge's name. */
export const RUN_GAUGE = 'harness_runs';

/** How often the counts are refreshed unless told otherwise. */
export const DEFAULT_RUN_GAUGE_INTERVAL_MS = 15_000;

/** Counts open runs by state every `intervalMs` until `stop()`; the first count is made at once. */
export function startRunGauges(client: Client, meter: MetricMeter, taskQueue: string, intervalMs = DEFAULT_RUN_GAUGE_INTERVAL_MS): { stop(): void } {
  const gauge = meter.createGauge(RUN_GAUGE, 'int', 'runs', 'Open runs on the task queue by HarnessRunState (from visibility)');
  const states = RUN_STATES.filter((s) => !TERMINAL_RUN_STATES.has(s));
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      for (const state of states) {
        const query = `WorkflowType = '${AGENT_RUN_WORKFLOW}' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue.replaceAll("'", "\\'")}' AND HarnessRunState = '${state}'`;
        const { count } = await client.workflow.count(query);
        gauge.set(count, { state, taskQueue });
      }
    } catch {
      // Visibility unavailable for a moment: keep the last values, try again next interval.
    } finally {
      busy = false;
    }
  };
  void refresh();
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
