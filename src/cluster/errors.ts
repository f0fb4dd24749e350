/** Errors of the local production-shaped cluster (`src/cluster`). */
import { guardFor, HarnessError } from '../common/errors.js';

/**
 * Stable codes of {@link ClusterStartError}.
 * - `GO_NOT_FOUND`
 * - `SERVER_BUILD_FAILED`
 * - `SERVER_BINARY_NOT_FOUND`
 * - `POSTGRES_NOT_FOUND`
 * - `POSTGRES_START_FAILED`
 * - `SCHEMA_SETUP_FAILED`
 * - `SERVICE_EXITED`
 * - `CLUSTER_NOT_READY`
 */
export type ClusterErrorCode = 'GO_NOT_FOUND' | 'SERVER_BUILD_FAILED' | 'SERVER_BINARY_NOT_FOUND' | 'POSTGRES_NOT_FOUND' | 'POSTGRES_START_FAILED' | 'SCHEMA_SETUP_FAILED' | 'SERVICE_EXITED' | 'CLUSTER_NOT_READY';

/** Thrown when the cluster cannot be built, started or made ready; the message says how to fix it. */
export class ClusterStartError extends HarnessError<ClusterErrorCode> {
  override readonly name = 'ClusterStartError';
}

/** Whether `err` is a {@link ClusterStartError}. */
export const isClusterStartError = guardFor(ClusterStartError);
