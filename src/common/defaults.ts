/**
 * Where a harness finds Temporal, and how big a worker's cache is, when nothing says otherwise:
 * defined once for the client, the worker, the CLI, the dev server and the docs. Pure: safe to import from workflow code.
 */

/** Temporal frontend address used when neither an option nor `TEMPORAL_ADDRESS` gives one. */
export const DEFAULT_ADDRESS = 'localhost:7233';

/** Namespace used when neither an option nor `TEMPORAL_NAMESPACE` gives one (the dev server serves it). */
export const DEFAULT_NAMESPACE = 'default';

/** Task queue of workers and clients when neither an option nor `HARNESS_TASK_QUEUE` gives one. */
export const DEFAULT_TASK_QUEUE = 'harness';

/**
 * Runs a worker keeps in memory (its workflow cache) unless told otherwise. A run waiting for a
 * decision needs no cache entry: beyond the cache it waits in the server alone, and its decision
 * replays its history on whichever worker takes it (tens of ms; BENCHMARKS.md §3). So the cache is
 * sized for runs in flight, not for runs parked: twice the default activity slots (100), so a worker
 * busy with 100 model and tool calls keeps every one of their runs, while its memory stays bounded
 * whatever the number of parked runs (~0.3 MiB per entry, BENCHMARKS.md §3). The SDK alone would
 * derive ~2,300 from the heap limit.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 200;
