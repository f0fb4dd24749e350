export { AesGcmPayloadCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from './encryption-codec.js';
export { dataConverterFromEnv, encryptingDataConverter } from './data-converter.js';
export { DEFAULT_KEY_ID, ENCRYPTION_ENV, keyring, keyringFromEnv, parseKey, type EncryptionKeyring } from './keys.js';
export { CodecError, isCodecError, type CodecErrorCode } from './errors.js';
export {
  codecRequestHandler,
  listenCodecServer,
  normalizeOrigins,
  type CodecServerOptions,
  type RunningCodecServer,
} from './codec-server.js';
