/**
 * The dynamic config the harness's dev server starts with: ONE list, used by `harness dev`,
 * `npm start`, the tests, the benchmarks and (kept in agreement by hand) the cluster setup.
 *
 * Why: server 1.29 rate-limits each history shard's queue readers to 20 reads a second with a burst
 * of 20 (`history.*ProcessorMaxPollRPS`, default 20; `common/quotas`, burst ratio 1). A real
 * cluster has hundreds of shards, the dev server has ONE, so on it every back-to-back task dispatch
 * waits for a reader token: ~40 ms per workflow or activity task once the burst is spent, i.e.
 * ~350 ms for a bare model→tool→model workflow whose own work takes a tenth of that (BENCHMARKS.md).
 * A second of quiet refills the bucket, which is why idle runs looked fast.
 */

/** A dynamic-config value as `temporal server start-dev --dynamic-config-value KEY=JSON` takes it. */
export type DynamicConfigValue = number | boolean | string;

/** The largest single payload the harness's dev server accepts (`limit.blobSize.error`), in bytes. */
export const DEV_SERVER_BLOB_SIZE_LIMIT = 256 * 1024;

/**
 * The dev server's dynamic config (server 1.29 key names, checked against
 * `go.temporal.io/server@v1.29.1/common/dynamicconfig/constants.go`).
 *
 * - `history.transferProcessorMaxPollRPS`: the transfer queue (workflow and activity task dispatch,
 *   i.e. every step of a run). 200 already removes the wait here; 1000 leaves headroom for the
 *   throughput benchmark. It caps reads, it does not cause them: an idle server reads no more often.
 * - `history.timerProcessorMaxPollRPS`: the timer queue (timers, activity and workflow-task
 *   timeouts, approval deadlines), same default and same one-shard limit.
 * - `history.visibilityProcessorMaxPollRPS`: the visibility queue (search attributes such as
 *   `HarnessRunState` reaching `harness list` and the Web UI after a change).
 * - `system.enableActivityEagerExecution`: a worker completing a workflow task gets the activity
 *   tasks it schedules in the reply (when it has a free slot and polls that task queue), skipping one
 *   dispatch per activity. Off by default in server 1.29.
 * - Not listed: `system.enableEagerWorkflowStart` (a start call's reply carries the run's first
 *   workflow task for a worker in the caller's process, see `HarnessWorker.client()`) is already on
 *   by default in server 1.29 (`common/dynamicconfig/constants.go`).
 * - `limit.blobSize.error` / `limit.blobSize.warn`: the largest single payload the server accepts
 *   (signal and update arguments, workflow inputs and results, activity inputs and results) and the
 *   size it logs a warning at; Temporal's defaults are 2 MB / 512 KB. A signal enters history before
 *   the workflow sees it, so the server is the only place that can refuse an oversized one: at 2 MB,
 *   30 malformed 1.5 MB signals would fill a run's 50 MB history. 256 KiB (four times the largest
 *   approval decision, `DECISION_LIMITS.payloadBytes`) still carries every payload the harness's
 *   own tests send inline; tool results or transcripts past it need payloads by reference.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, DynamicConfigValue>> = Object.freeze({
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
  'system.enableActivityEagerExecution': true,
  'limit.blobSize.error': DEV_SERVER_BLOB_SIZE_LIMIT,
  'limit.blobSize.warn': 128 * 1024,
});

/** `start-dev` arguments for a dynamic-config map: `--dynamic-config-value KEY=JSON` per entry. */
export function dynamicConfigArgs(config: Readonly<Record<string, DynamicConfigValue>>): string[] {
  return Object.entries(config).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${JSON.stringify(value)}`]);
}

/** One line for logs, e.g. `history.transferProcessorMaxPollRPS=1000, …`; `Temporal's defaults` when empty. */
export function describeDynamicConfig(config: Readonly<Record<string, DynamicConfigValue>>): string {
  const entries = Object.entries(config);
  return entries.length === 0 ? "Temporal's defaults" : entries.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(', ');
}
