export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from './encryption-codec.js';
export {
  dataConverterFromEnv,
  encodesFailures,
  encryptingDataConverter,
  harnessDataConverter,
  replayDataConverter,
  ENCODED_FAILURE_CONVERTER_PATH,
  type HarnessDataConverterOptions,
} from './data-converter.js';
export { collectPayloadGarbage, type GcOptions, type GcReport } from '../payloads/gc.js';
export { DirectoryBlobStore, defaultPayloadDir } from '../payloads/directory-store.js';
export { PostgresBlobStore, DEFAULT_PAYLOAD_TABLE } from '../payloads/postgres-store.js';
export { PAYLOAD_STORE_ENV, DEFAULT_PAYLOAD_THRESHOLD, payloadStoreSettingsFromEnv, type PayloadStoreSettings } from '../payloads/config.js';
export { HarnessStorageDriver, HARNESS_DRIVER_NAME } from '../payloads/storage-driver.js';
export type { BlobStore, BlobInfo } from '../payloads/blob-store.js';
export { PayloadStoreError, isPayloadStoreError, type PayloadStoreErrorCode } from '../payloads/errors.js';
export { DEFAULT_KEY_ID, ENCRYPTION_ENV, keyring, keyringFromEnv, parseKey, type EncryptionKeyring } from './keys.js';
export { CodecError, isCodecError, type CodecErrorCode } from './errors.js';
export {
  codecRequestHandler,
  listenCodecServer,
  normalizeOrigins,
  type CodecServerOptions,
  type RunningCodecServer,
} from './codec-server.js';
