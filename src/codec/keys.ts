/**
 * Encryption keys from the environment. One key encrypts; every listed key decrypts, so keys can
 * rotate: encrypt with the new one and keep the old ones listed until no history needs them.
 */
import { CodecError } from './errors.js';

/** The keys a process holds: the one it encrypts with, and all it can decrypt with. */
export interface EncryptionKeyring {
  /** Id of the key new payloads are encrypted with (stored in each payload's metadata). */
  encryptKeyId: string;
  /** Every key by id, including `encryptKeyId`. 32 bytes each (AES-256). */
  keys: ReadonlyMap<string, Uint8Array>;
}

/** Environment variables that configure payload encryption. */
export const ENCRYPTION_ENV = {
  /** Base64 of 32 random bytes: the key new payloads are encrypted with. */
  key: 'HARNESS_ENCRYPTION_KEY',
  /** Id of that key, stored in each payload. @default `default` */
  keyId: 'HARNESS_ENCRYPTION_KEY_ID',
  /** More keys, `id1:base64,id2:base64`: all decrypt; without `HARNESS_ENCRYPTION_KEY` the first (or `KEY_ID`) encrypts. */
  keys: 'HARNESS_ENCRYPTION_KEYS',
} as const;

export const DEFAULT_KEY_ID = 'default';

const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HOW_TO_MAKE_ONE =
  'Generate one with `openssl rand -base64 32` or `node -e "console.log(require(\'node:crypto\').randomBytes(32).toString(\'base64\'))"`.';

/**
 * Decodes one base64 AES-256 key, naming where it came from on failure (never its value).
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` unless it is base64 of exactly 32 bytes.
 */
export function parseKey(value: string, where: string): Uint8Array {
  const text = value.trim();
  if (!BASE64.test(text) || text.length === 0) {
    throw new CodecError(
      'INVALID_ENCRYPTION_KEY',
      `${where} is not valid base64 (${text.length} characters). Expected base64 of 32 random bytes (44 characters ending in "="). ${HOW_TO_MAKE_ONE}`,
    );
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== KEY_BYTES) {
    throw new CodecError(
      'INVALID_ENCRYPTION_KEY',
      `${where} decodes to ${bytes.length} bytes; AES-256 needs exactly ${KEY_BYTES} (44 base64 characters). ${HOW_TO_MAKE_ONE}`,
    );
  }
  return new Uint8Array(bytes);
}

function checkKeyId(id: string, where: string): string {
  if (!KEY_ID.test(id)) {
    throw new CodecError(
      'INVALID_ENCRYPTION_KEY',
      `${where}: key id ${JSON.stringify(id)} is not valid; use 1-100 of letters, digits, "_", "-", "." starting with a letter or digit (e.g. "2025-06").`,
    );
  }
  return id;
}

/**
 * Builds a keyring from explicit keys.
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` when a key is not 32 bytes, an id is invalid, or `encryptKeyId` is not among the keys.
 * @example
 * const ring = keyring({ k2: newKeyBase64, k1: oldKeyBase64 }, 'k2');
 */
export function keyring(keys: Record<string, string | Uint8Array>, encryptKeyId?: string): EncryptionKeyring {
  const map = new Map<string, Uint8Array>();
  for (const [id, key] of Object.entries(keys)) {
    checkKeyId(id, 'keyring');
    map.set(id, typeof key === 'string' ? parseKey(key, `key "${id}"`) : checkBytes(key, id));
  }
  const encryptId = encryptKeyId ?? map.keys().next().value;
  if (encryptId === undefined) throw new CodecError('INVALID_ENCRYPTION_KEY', 'A keyring needs at least one key.');
  if (!map.has(encryptId)) {
    throw new CodecError('INVALID_ENCRYPTION_KEY', `The encryption key id "${encryptId}" is not among the keys (${[...map.keys()].join(', ')}).`);
  }
  return { encryptKeyId: encryptId, keys: map };
}

function checkBytes(key: Uint8Array, id: string): Uint8Array {
  if (key.length !== KEY_BYTES) {
    throw new CodecError('INVALID_ENCRYPTION_KEY', `key "${id}" has ${key.length} bytes; AES-256 needs exactly ${KEY_BYTES}.`);
  }
  return key;
}

/**
 * The keyring the environment configures, or undefined when encryption is off (no key variable set).
 *
 * - `HARNESS_ENCRYPTION_KEY` (+ `HARNESS_ENCRYPTION_KEY_ID`, default `default`): the key to encrypt with.
 * - `HARNESS_ENCRYPTION_KEYS=id1:base64,id2:base64`: more keys to decrypt with. Without
 *   `HARNESS_ENCRYPTION_KEY`, `HARNESS_ENCRYPTION_KEY_ID` (or else the first listed) encrypts.
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` on a malformed key, id or list (the message names the variable).
 * @example
 * // rotate: new key encrypts, the old one still decrypts
 * // HARNESS_ENCRYPTION_KEYS="k2:<new>,k1:<old>"
 * const ring = keyringFromEnv();
 */
export function keyringFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionKeyring | undefined {
  const single = nonEmpty(env[ENCRYPTION_ENV.key]);
  const list = nonEmpty(env[ENCRYPTION_ENV.keys]);
  const keyId = nonEmpty(env[ENCRYPTION_ENV.keyId]);
  if (single === undefined && list === undefined) {
    if (keyId !== undefined) {
      throw new CodecError(
        'INVALID_ENCRYPTION_KEY',
        `${ENCRYPTION_ENV.keyId} is set but no key is: set ${ENCRYPTION_ENV.key} (base64 of 32 bytes) or ${ENCRYPTION_ENV.keys} (id:base64,…).`,
      );
    }
    return undefined;
  }
  const keys = new Map<string, Uint8Array>();
  if (list !== undefined) {
    list.split(',').forEach((entry, i) => {
      const where = `${ENCRYPTION_ENV.keys} entry ${i + 1}`;
      const colon = entry.indexOf(':');
      if (colon <= 0) {
        throw new CodecError('INVALID_ENCRYPTION_KEY', `${where} is not "id:base64key"; expected e.g. ${ENCRYPTION_ENV.keys}="k2:<base64>,k1:<base64>".`);
      }
      const id = checkKeyId(entry.slice(0, colon).trim(), where);
      if (keys.has(id)) throw new CodecError('INVALID_ENCRYPTION_KEY', `${where}: key id "${id}" is listed twice.`);
      keys.set(id, parseKey(entry.slice(colon + 1), `${where} (key id "${id}")`));
    });
  }
  let encryptKeyId: string;
  if (single !== undefined) {
    encryptKeyId = checkKeyId(keyId ?? DEFAULT_KEY_ID, ENCRYPTION_ENV.keyId);
    const key = parseKey(single, ENCRYPTION_ENV.key);
    const listed = keys.get(encryptKeyId);
    if (listed && Buffer.compare(listed, key) !== 0) {
      throw new CodecError(
        'INVALID_ENCRYPTION_KEY',
        `Key id "${encryptKeyId}" has one key in ${ENCRYPTION_ENV.key} and a different one in ${ENCRYPTION_ENV.keys}; a key id must always name the same key.`,
      );
    }
    keys.set(encryptKeyId, key);
  } else {
    encryptKeyId = keyId ?? keys.keys().next().value!;
    if (!keys.has(encryptKeyId)) {
      throw new CodecError(
        'INVALID_ENCRYPTION_KEY',
        `${ENCRYPTION_ENV.keyId}="${encryptKeyId}" is not among the ids in ${ENCRYPTION_ENV.keys} (${[...keys.keys()].join(', ')}).`,
      );
    }
  }
  return { encryptKeyId, keys };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
