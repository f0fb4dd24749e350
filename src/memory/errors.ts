/** Errors of the memory layer: named, with a stable code, and whether retrying can help. */
import { HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/** Codes of {@link MemoryError}. */
export type MemoryErrorCode =
  /** The store cannot be reached or opened (server down, file not writable). Retrying may help. */
  | 'MEMORY_STORE_UNAVAILABLE'
  /** The embedding model failed in a way that may pass (rate limit, server error, network). */
  | 'MEMORY_EMBEDDINGS_UNAVAILABLE'
  /** The embedding model refused the request or the credentials: fix the workspace or the key. */
  | 'MEMORY_EMBEDDINGS_REFUSED'
  /** Settings the worker lacks (an env var named in the workspace is not set). */
  | 'MEMORY_CONFIG'
  /** The namespace template needs a context value the run does not have. */
  | 'MEMORY_NAMESPACE_UNRESOLVED'
  /** A memory tool called by an agent without memory, or the workspace has no `memory`. */
  | 'MEMORY_NOT_CONFIGURED';

const RETRYABLE: ReadonlySet<MemoryErrorCode> = new Set(['MEMORY_STORE_UNAVAILABLE', 'MEMORY_EMBEDDINGS_UNAVAILABLE']);

/** A memory store or embedding call that failed; `retryable` says whether trying again can help. */
export class MemoryError extends HarnessError<MemoryErrorCode> {
  override readonly name = 'MemoryError';
  /** Whether the same call may succeed later; false means it will fail the same way until someone fixes something. */
  readonly retryable: boolean;
  constructor(code: MemoryErrorCode, message: string, options?: HarnessErrorOptions) {
    super(code, message, options);
    this.retryable = RETRYABLE.has(code);
  }
}

/** Whether `err` is a {@link MemoryError}. */
export function isMemoryError(err: unknown): err is MemoryError {
  return err instanceof MemoryError;
}
