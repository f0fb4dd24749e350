/** Errors of the payload-encryption layer: a stable `code` and a message that says how to fix it. */
import { guardFor, HarnessError } from '../common/errors.js';

/**
 * Codes of {@link CodecError}.
 * - `INVALID_ENCRYPTION_KEY`: An encryption key (or key list) in the environment is malformed.
 * - `UNKNOWN_ENCRYPTION_KEY`: A payload was encrypted with a key id this process was not given.
 * - `DECRYPTION_FAILED`: The key with the payload's id does not open it (wrong key bytes for that id, or tampered data).
 * - `INVALID_ENCRYPTED_PAYLOAD`: An encrypted payload without data or without a key id.
 * - `UNENCRYPTED_FAILURES_BUNDLE`: Encryption is on but the workflow bundle would write failure messages in clear.
 */
export type CodecErrorCode = 'INVALID_ENCRYPTION_KEY' | 'UNKNOWN_ENCRYPTION_KEY' | 'DECRYPTION_FAILED' | 'INVALID_ENCRYPTED_PAYLOAD' | 'UNENCRYPTED_FAILURES_BUNDLE';

/**
 * A key configuration or an encrypted payload that cannot be used. Messages never contain key
 * material, only key ids and lengths.
 */
export class CodecError extends HarnessError<CodecErrorCode> {
  override readonly name = 'CodecError';
}

/** Whether `err` is a {@link CodecError}. */
export const isCodecError = guardFor(CodecError);
