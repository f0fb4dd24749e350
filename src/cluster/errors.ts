/** Errors of the local production-shaped cluster (`src/cluster`). */

/** Stable codes of {@link ClusterStartError}. */
export type ClusterErrorCode =
  | 'GO_NOT_FOUND'
  | 'SERVER_BUILD_FAILED'
  | 'SERVER_BINARY_NOT_FOUND'
  | 'POSTGRES_NOT_FOUND'
  | 'POSTGRES_START_FAILED'
  | 'SCHEMA_SETUP_FAILED'
  | 'SERVICE_EXITED'
  | 'CLUSTER_NOT_READY';

/** Thrown when the cluster cannot be built, started or made ready; the message says how to fix it. */
export class ClusterStartError extends Error {
  override readonly name = 'ClusterStartError';

  constructor(
    /** Stable code for programmatic handling; does not change with the wording. */
    readonly code: ClusterErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True if `err` is a {@link ClusterStartError}. */
export function isClusterStartError(err: unknown): err is ClusterStartError {
  return err instanceof ClusterStartError;
}
