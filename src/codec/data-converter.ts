/**
 * The one place that builds the data converter of every client, worker, CLI command, codec server
 * and replay: payload encryption when a key is configured (with encrypted failure messages), and
 * payloads over a threshold stored by reference (Temporal's external storage).
 */
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { blobStoreFor, externalStorageFor, payloadStoreSettingsFromEnv, type PayloadStoreSettings } from '../payloads/config.js';
import type { BlobStore } from '../payloads/blob-store.js';
import { DirectoryBlobStore } from '../payloads/directory-store.js';
import { AesGcmPayloadCodec } from './encryption-codec.js';
import { keyringFromEnv, type EncryptionKeyring } from './keys.js';

/**
 * Path of the failure converter that encodes messages and stack traces (Temporal's default one
 * with `encodeCommonAttributes`). Plain CommonJS next to this file, in the sources and in dist.
 */
export const ENCODED_FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./encoded-failure-converter.cjs', import.meta.url));
/** A string found in workflow bundles built with {@link ENCODED_FAILURE_CONVERTER_PATH}. */
export const ENCODED_FAILURES_MARKER = 'temporal-harness:encoded-failure-converter:v1';

export interface HarnessDataConverterOptions {
  /** Encrypt every payload and failure message with this keyring. @default no encryption */
  keyring?: EncryptionKeyring;
  /** Store payloads of at least `threshold` bytes in `store`, keeping a reference in history. @default inline only */
  payloadStore?: { store: BlobStore; threshold: number };
}

/**
 * The data converter for these options. With a keyring, failures are encoded too: a worker using
 * it needs a workflow bundle built with `bundleHarnessWorkflows({ encodeFailures: true })`.
 * @example
 * const dataConverter = harnessDataConverter({ keyring: keyringFromEnv(), payloadStore: { store, threshold: 32 * 1024 } });
 */
export function harnessDataConverter(options: HarnessDataConverterOptions): DataConverter {
  const { keyring, payloadStore } = options;
  return {
    ...(keyring && { payloadCodecs: [new AesGcmPayloadCodec(keyring)], failureConverterPath: ENCODED_FAILURE_CONVERTER_PATH }),
    ...(payloadStore && { externalStorage: externalStorageFor(payloadStore.store, payloadStore.threshold, keyring) }),
  };
}

/**
 * A data converter that encrypts every payload and failure message with `keyring` (no payload store).
 * @example
 * Worker.create({ ..., dataConverter: encryptingDataConverter(keyring) });
 */
export function encryptingDataConverter(keyring: EncryptionKeyring): DataConverter {
  return harnessDataConverter({ keyring });
}

/** True when the converter encodes failure messages (so workers need a matching workflow bundle). */
export function encodesFailures(converter: DataConverter | undefined): boolean {
  return converter?.failureConverterPath === ENCODED_FAILURE_CONVERTER_PATH;
}

/**
 * The data converter the environment asks for: encrypting when `HARNESS_ENCRYPTION_KEY` or
 * `HARNESS_ENCRYPTION_KEYS` is set; payloads of at least `HARNESS_PAYLOAD_THRESHOLD` (32 KiB) in
 * the payload store `HARNESS_PAYLOAD_STORE` configures (a local directory by default). Undefined
 * (the SDK's default, plain JSON inline) when neither applies (`HARNESS_PAYLOAD_STORE=off`, no key).
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` when a key variable is malformed.
 * @throws {PayloadStoreError} `PAYLOAD_STORE_CONFIG` when a payload-store variable is.
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const keyring = keyringFromEnv(env);
  const settings = payloadStoreSettingsFromEnv(env);
  if (!keyring && !settings) return undefined;
  return harnessDataConverter({ ...(keyring && { keyring }), ...(settings && { payloadStore: payloadStoreOf(settings) }) });
}

/**
 * For replaying histories that hold payload references: resolves them from the blobs in `blobDir`
 * (a directory store's layout; `keyring` when the blobs are encrypted). A replay stores nothing.
 * @example
 * await Worker.runReplayHistory({ workflowBundle, dataConverter: replayDataConverter('test/fixtures/blobs') }, history);
 */
export function replayDataConverter(blobDir: string, keyring?: EncryptionKeyring): DataConverter {
  return harnessDataConverter({ ...(keyring && { keyring }), payloadStore: { store: new DirectoryBlobStore(blobDir), threshold: Number.MAX_SAFE_INTEGER } });
}

function payloadStoreOf(settings: PayloadStoreSettings): { store: BlobStore; threshold: number } {
  return { store: blobStoreFor(settings), threshold: settings.threshold };
}
