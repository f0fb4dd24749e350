/**
 * AES-256-GCM payload encryption. Runs in clients and in the worker's main thread (the SDK applies
 * codecs outside the workflow sandbox), never in workflow code.
 *
 * Wire format, the same as Temporal's Go and Python encryption samples so their codec servers can
 * read our payloads with the same key: metadata `encoding: binary/encrypted` and
 * `encryption-key-id: <id>`; data = 12-byte nonce ‖ ciphertext ‖ 16-byte tag, where the plaintext
 * is the original Payload protobuf (metadata and data together, so the encoding is hidden too).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { CodecError } from './errors.js';
import type { EncryptionKeyring } from './keys.js';

/** `encoding` metadata value of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key holding the id of the key a payload was encrypted with. */
export const METADATA_ENCRYPTION_KEY_ID = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const PayloadProto = proto.temporal.api.common.v1.Payload;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * Encrypts every payload with the keyring's encryption key; decrypts with whichever key the
 * payload names. Payloads that are not encrypted pass through `decode` unchanged, so histories
 * written before encryption was switched on stay readable.
 * @example
 * const codec = new AesGcmPayloadCodec(keyringFromEnv()!);
 * new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(readonly keyring: EncryptionKeyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const keyId = this.keyring.encryptKeyId;
    const key = this.keyring.keys.get(keyId)!;
    return payloads.map((payload) => ({
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCRYPTED_ENCODING),
        [METADATA_ENCRYPTION_KEY_ID]: utf8.encode(keyId),
      },
      data: encrypt(PayloadProto.encode(payload).finish(), key),
    }));
  }

  /**
   * @throws {CodecError} `UNKNOWN_ENCRYPTION_KEY` naming the payload's key id when this process
   *   lacks it; `DECRYPTION_FAILED` when the key does not open it; `INVALID_ENCRYPTED_PAYLOAD`.
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const plain = decryptedPayloadBytes(payload, this.keyring);
      return plain === undefined ? payload : PayloadProto.decode(plain.bytes);
    });
  }
}

/**
 * The plaintext inside an encrypted payload: the original Payload protobuf bytes and the id of the
 * key that opened it; undefined when the payload is not encrypted.
 * @throws {CodecError} `UNKNOWN_ENCRYPTION_KEY`, `DECRYPTION_FAILED` or `INVALID_ENCRYPTED_PAYLOAD`.
 */
export function decryptedPayloadBytes(payload: Payload, ring: EncryptionKeyring): { keyId: string; bytes: Uint8Array } | undefined {
  const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
  if (!encoding || fromUtf8.decode(encoding) !== ENCRYPTED_ENCODING) return undefined;
  const idBytes = payload.metadata?.[METADATA_ENCRYPTION_KEY_ID];
  if (!idBytes) {
    throw new CodecError('INVALID_ENCRYPTED_PAYLOAD', `An encrypted payload has no "${METADATA_ENCRYPTION_KEY_ID}" metadata; it was not written by this codec.`);
  }
  const keyId = fromUtf8.decode(idBytes);
  const key = ring.keys.get(keyId);
  if (!key) {
    throw new CodecError(
      'UNKNOWN_ENCRYPTION_KEY',
      `A payload was encrypted with key id "${keyId}", which this process does not have (it has: ${[...ring.keys.keys()].join(', ')}). ` +
        `Add that key, e.g. HARNESS_ENCRYPTION_KEYS="${keyId}:<base64 key>,…".`,
    );
  }
  if (!payload.data || payload.data.length < NONCE_BYTES + TAG_BYTES) {
    throw new CodecError('INVALID_ENCRYPTED_PAYLOAD', `An encrypted payload (key id "${keyId}") is too short to hold a nonce and a tag.`);
  }
  try {
    return { keyId, bytes: decrypt(payload.data, key) };
  } catch (err) {
    throw new CodecError(
      'DECRYPTION_FAILED',
      `A payload encrypted with key id "${keyId}" does not decrypt with the key configured under that id: the key is not the one it was written with, or the payload was altered.`,
      { cause: err },
    );
  }
}

function encrypt(plain: Uint8Array, key: Uint8Array): Uint8Array {
  // A random 96-bit nonce per payload: the standard GCM choice; collisions stay negligible far
  // beyond any one key's plausible payload count (rotate keys long before 2^32 payloads).
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([nonce, body, cipher.getAuthTag()]));
}

function decrypt(data: Uint8Array, key: Uint8Array): Uint8Array {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const nonce = buf.subarray(0, NONCE_BYTES);
  const tag = buf.subarray(buf.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce);
  decipher.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([decipher.update(buf.subarray(NONCE_BYTES, buf.length - TAG_BYTES)), decipher.final()]));
}
