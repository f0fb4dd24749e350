/** Errors of the dev-server launcher: no `temporal` binary, or a server that would not start. */
import { HarnessError, type HarnessErrorOptions } from '../common/errors.js';

/**
 * Error thrown when no usable `temporal` binary exists and none could be built.
 * The message lists the ways to fix it.
 */
export class TemporalBinaryNotFoundError extends HarnessError<'TEMPORAL_BINARY_NOT_FOUND'> {
  override readonly name = 'TemporalBinaryNotFoundError';
}

/** Options of {@link DevServerStartError}. */
export interface DevServerStartErrorOptions extends HarnessErrorOptions {
  /** The failure was a port already taken (worth retrying with other free ports). @default false */
  portInUse?: boolean;
}

/** Thrown when the dev server cannot be started or does not become ready. */
export class DevServerStartError extends HarnessError<'DEV_SERVER_START_FAILED'> {
  override readonly name = 'DevServerStartError';
  /** True when the failure was a port already taken (worth retrying with other free ports). */
  readonly portInUse: boolean;

  constructor(code: 'DEV_SERVER_START_FAILED', message: string, options: DevServerStartErrorOptions = {}) {
    super(code, message, options);
    this.portInUse = options.portInUse ?? false;
  }
}
