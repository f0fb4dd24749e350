/**
 * Blob ids: content keys, so a retried activity (or a client re-sending the same input) stores the
 * same blob again instead of a duplicate.
 *
 * The driver sees payloads after the codec. An encrypted payload carries a random nonce, so its
 * bytes differ on every attempt and cannot be the key. Instead the id of an encrypted payload is
 * `hmac-<keyId>-<hex>`: HMAC-SHA256 of the *plaintext* payload under a key derived (HKDF) from the
 * encryption key it was written with. Why that is safe:
 * - the stored bytes stay AES-GCM with a fresh random nonce (nothing changes about the encryption);
 * - the id is a keyed PRF of the content: without the encryption key nobody can compute it, so
 *   nobody can confirm a guess of a payload's contents ("approve"/"deny", a known document) by
 *   hashing candidates, as a plain SHA-256 of the plaintext would allow;
 * - what it reveals to whoever sees ids (the store's operator, history readers) is only that two
 *   payloads under the same key are equal, which content addressing must reveal by design;
 * - the HKDF-derived key is never used for encryption, so the two uses do not interact.
 * An unencrypted payload's id is `sha256-<hex>` of its bytes (they are plaintext anyway).
 */
import { createHash, createHmac, hkdfSync } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { decryptedPayloadBytes } from '../codec/encryption-codec.js';
import type { EncryptionKeyring } from '../codec/keys.js';

const PayloadProto = proto.temporal.api.common.v1.Payload;
const HKDF_INFO = 'temporal-harness payload blob id v1';

/** What every blob id looks like; anything else in a reference is refused before touching a store. */
export const BLOB_ID = /^(?:sha256|hmac-[A-Za-z0-9][A-Za-z0-9_.-]{0,99})-[0-9a-f]{64}$/;

/** Computes blob ids of (already encoded) payloads, and checks a stored blob against its id. */
export interface BlobIds {
  idOf(payload: Payload, bytes: Uint8Array): string;
  /**
   * Whether `bytes` (decoding to `payload`) is the blob `id` names: the id is itself the checksum.
   * True without checking when the id's key is not in this process (decoding will say so).
   */
  matches(id: string, payload: Payload, bytes: Uint8Array): boolean;
}

/** The protobuf bytes of a payload: what a blob holds. */
export function payloadBytes(payload: Payload): Uint8Array {
  return PayloadProto.encode(payload).finish();
}

/** Decodes a blob back into the payload it holds. */
export function payloadFromBytes(bytes: Uint8Array): Payload {
  return PayloadProto.decode(bytes);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The blob ids of a process: HMAC of the plaintext under a key derived from the payload's
 * encryption key when `ring` is given and the payload is encrypted; SHA-256 of the bytes otherwise.
 * @example
 * const ids = blobIds(keyringFromEnv());
 */
export function blobIds(ring: EncryptionKeyring | undefined): BlobIds {
  const idKeys = new Map<string, Buffer>();
  const idKey = (keyId: string): Buffer => {
    let k = idKeys.get(keyId);
    if (!k) {
      k = Buffer.from(hkdfSync('sha256', ring!.keys.get(keyId)!, new Uint8Array(), HKDF_INFO, 32));
      idKeys.set(keyId, k);
    }
    return k;
  };
  const idOf = (payload: Payload, bytes: Uint8Array): string => {
    const plain = ring && decryptedPayloadBytes(payload, ring);
    if (!plain) return `sha256-${sha256Hex(bytes)}`;
    return `hmac-${plain.keyId}-${createHmac('sha256', idKey(plain.keyId)).update(plain.bytes).digest('hex')}`;
  };
  return {
    idOf,
    matches(id, payload, bytes) {
      if (id.startsWith('sha256-')) return id === `sha256-${sha256Hex(bytes)}`;
      const keyId = id.slice('hmac-'.length, -65);
      if (!ring?.keys.has(keyId)) return true;
      try {
        return idOf(payload, bytes) === id;
      } catch {
        return false; // does not decrypt under the key its id names: altered
      }
    },
  };
}
