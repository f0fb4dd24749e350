/** The data converter clients and workers share: encrypting when a key is configured, default otherwise. */
import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec } from './encryption-codec.js';
import { keyringFromEnv, type EncryptionKeyring } from './keys.js';

/**
 * A data converter that encrypts every payload with `keyring`.
 * @example
 * Worker.create({ ..., dataConverter: encryptingDataConverter(keyring) });
 */
export function encryptingDataConverter(keyring: EncryptionKeyring): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keyring)] };
}

/**
 * The data converter the environment asks for: encrypting when `HARNESS_ENCRYPTION_KEY` or
 * `HARNESS_ENCRYPTION_KEYS` is set, otherwise undefined (the SDK's default, plain JSON).
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` when a key variable is malformed.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const ring = keyringFromEnv(env);
  return ring && encryptingDataConverter(ring);
}
