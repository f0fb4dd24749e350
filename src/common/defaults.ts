/**
 * Where a harness finds Temporal when nothing says otherwise, defined once for the client, the
 * worker, the CLI, the dev server and the docs. Pure: safe to import from workflow code.
 */

/** Temporal frontend address used when neither an option nor `TEMPORAL_ADDRESS` gives one. */
export const DEFAULT_ADDRESS = 'localhost:7233';

/** Namespace used when neither an option nor `TEMPORAL_NAMESPACE` gives one (the dev server serves it). */
export const DEFAULT_NAMESPACE = 'default';

/** Task queue of workers and clients when neither an option nor `HARNESS_TASK_QUEUE` gives one. */
export const DEFAULT_TASK_QUEUE = 'harness';
