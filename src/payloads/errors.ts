/** Errors of the payload store: a stable `code` and a message that says which blob, which store, and what to do. */
import { guardFor, HarnessError } from '../common/errors.js';

/**
 * Codes of {@link PayloadStoreError}.
 * - `BLOB_NOT_FOUND`: A reference names a blob the configured store does not hold.
 * - `BLOB_CORRUPT`: A blob's bytes do not match the checksum its reference carries.
 * - `INVALID_REFERENCE`: A reference from history that is not one this store wrote (bad id or claim fields).
 * - `PAYLOAD_STORE_CONFIG`: The payload-store settings in the environment are unusable.
 */
export type PayloadStoreErrorCode = 'BLOB_NOT_FOUND' | 'BLOB_CORRUPT' | 'INVALID_REFERENCE' | 'PAYLOAD_STORE_CONFIG';

/** A payload store that cannot serve a reference, or is misconfigured. Never carries payload contents. */
export class PayloadStoreError extends HarnessError<PayloadStoreErrorCode> {
  override readonly name = 'PayloadStoreError';
}

/** Whether `err` is a {@link PayloadStoreError}. */
export const isPayloadStoreError = guardFor(PayloadStoreError);
