/** Errors of the model layer: a model the workspace cannot build, a scripted model out of answers. */
import { HarnessError } from '../common/errors.js';

/**
 * A model the worker cannot build from the workspace (e.g. its API key variable is not set).
 * Final: retrying fails the same way until someone fixes the configuration.
 */
export class ModelConfigError extends HarnessError<'MODEL_CONFIG'> {
  override readonly name = 'ModelConfigError';
}

/** A scripted model whose script has no answer for the conversation: a clear, final failure. */
export class ScriptExhaustedError extends HarnessError<'SCRIPT_EXHAUSTED'> {
  override readonly name = 'ScriptExhaustedError';
}
