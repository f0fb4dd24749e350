/** Errors of the payload store: a stable `code` and a message that says which blob, which store, and what to do. */
import { guardFor, HarnessError } from '../common/errors.js';

/** Codes of {@link PayloadStoreError}. */
export type PayloadStoreErrorCode =
  /** A reference names a blob the configured store does not hold. */
  | 'BLOB_NOT_FOUND'
  /** A blob's bytes do not match the checksum its reference carries. */
  | 'BLOB_CORRUPT'
  /** A reference from history that is not one this store wrote (bad id or claim fields). */
  | 'INVALID_REFERENCE'
  /** The payload-store settings in the environment are unusable. */
  | 'PAYLOAD_STORE_CONFIG';

/** A payload store that cannot serve a reference, or is misconfigured. Never carries payload contents. */
export class PayloadStoreError extends HarnessError<PayloadStoreErrorCode> {
  override readonly name = 'PayloadStoreError';
}

/** Whether `err` is a {@link PayloadStoreError}. */
export const isPayloadStoreError = guardFor(PayloadStoreError);
