/**
 * The one error model of the library: every error it throws on purpose is a {@link HarnessError}
 * with a stable `code`, the `cause` it wraps, and a `name` naming its class. Each layer (client,
 * CLI, HTTP, codec, workspace, memory, models, dev server) declares its own subclass and codes in
 * its own `errors.ts`; this module is pure (no Node APIs, no zod), so workflow code may import it.
 */

/** Options every {@link HarnessError} constructor takes. */
export interface HarnessErrorOptions {
  /** The error this one wraps (kept for debugging; never shown to users as is). */
  cause?: unknown;
}

/**
 * Base class of the library's errors: branch on `code` (stable), show `message` (says what was
 * wrong and how to fix it), keep `cause` for the stack. Subclasses only narrow `Code` and set `name`.
 * @typeParam Code - the stable codes this error class uses.
 * @example
 * export class CodecError extends HarnessError<CodecErrorCode> {
 *   override readonly name = 'CodecError';
 * }
 * try { ... } catch (e) {
 *   if (isHarnessError(e, 'RUN_NOT_FOUND')) return notFound();
 *   throw e;
 * }
 */
export class HarnessError<Code extends string = string> extends Error {
  override readonly name: string = 'HarnessError';
  /** Stable identifier of what went wrong: branch on this, not on the message. */
  readonly code: Code;

  /**
   * @param code - stable identifier of the failure, e.g. `RUN_NOT_FOUND`.
   * @param message - what was wrong and how to fix it.
   */
  constructor(code: Code, message: string, options?: HarnessErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/**
 * Whether `err` is one of the library's errors, optionally with one of the given codes.
 * @example
 * if (isHarnessError(err, 'RUN_NOT_FOUND', 'THREAD_NOT_FOUND')) return 404;
 */
export function isHarnessError(err: unknown, ...codes: string[]): err is HarnessError {
  return err instanceof HarnessError && (codes.length === 0 || codes.includes(err.code));
}

/**
 * The `is…` guard of one error class, so each layer declares its guard in one line.
 * @example
 * export const isCodecError = guardFor(CodecError);
 */
export function guardFor<E extends HarnessError>(cls: abstract new (...args: never[]) => E): (err: unknown) => err is E {
  return (err: unknown): err is E => err instanceof cls;
}

/** Codes of {@link InvalidDurationError}. */
export type DurationErrorCode = 'INVALID_DURATION';

/**
 * A duration that cannot be read (not a duration, negative, or below the caller's minimum).
 * Callers usually rethrow it under their own code (a workspace issue, `INVALID_SCHEDULE`…),
 * keeping its message, which names the value and shows how to write one.
 */
export class InvalidDurationError extends HarnessError<DurationErrorCode> {
  override readonly name = 'InvalidDurationError';
}
