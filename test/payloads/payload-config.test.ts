/** Payload-store settings from the environment, and the one data converter built from them. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataConverterFromEnv, ENCODED_FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter.js';
import { DEFAULT_PAYLOAD_THRESHOLD, parseThreshold, payloadStoreSettingsFromEnv } from '../../src/payloads/config.js';
import { PayloadStoreError } from '../../src/payloads/errors.js';
import { type HarnessStorageDriver } from '../../src/payloads/storage-driver.js';

const configError = (f: () => unknown): PayloadStoreError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PayloadStoreError);
    expect((e as PayloadStoreError).code).toBe('PAYLOAD_STORE_CONFIG');
    return e as PayloadStoreError;
  }
  throw new Error('did not throw');
};

describe('payload store settings', () => {
  it('defaults to a directory store with a 32 KiB threshold, under XDG_DATA_HOME', () => {
    expect(payloadStoreSettingsFromEnv({ XDG_DATA_HOME: '/data' })).toEqual({ kind: 'directory', dir: '/data/temporal-harness/payloads', threshold: DEFAULT_PAYLOAD_THRESHOLD });
    expect(DEFAULT_PAYLOAD_THRESHOLD).toBe(32 * 1024);
  });

  it('reads HARNESS_PAYLOAD_DIR, the threshold with units, postgres with its URL, off', () => {
    expect(payloadStoreSettingsFromEnv({ HARNESS_PAYLOAD_DIR: '/p', HARNESS_PAYLOAD_THRESHOLD: '256KiB' })).toEqual({ kind: 'directory', dir: '/p', threshold: 256 * 1024 });
    expect(payloadStoreSettingsFromEnv({ HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: 'postgres://u:pw@db/h' })).toEqual({
      kind: 'postgres',
      url: 'postgres://u:pw@db/h',
      table: 'harness_payload_blobs',
      threshold: DEFAULT_PAYLOAD_THRESHOLD,
    });
    expect(payloadStoreSettingsFromEnv({ HARNESS_PAYLOAD_STORE: 'off' })).toBeUndefined();
    expect([parseThreshold('0'), parseThreshold('1MiB'), parseThreshold('100 KB')]).toEqual([0, 1024 * 1024, 100_000]);
  });

  it('refuses bad settings naming the variable, never echoing a URL', () => {
    expect(configError(() => payloadStoreSettingsFromEnv({ HARNESS_PAYLOAD_STORE: 'postgres' })).message).toContain('HARNESS_PAYLOAD_POSTGRES_URL');
    expect(configError(() => payloadStoreSettingsFromEnv({ HARNESS_PAYLOAD_STORE: 's3' })).message).toContain('directory, postgres or off');
    expect(configError(() => parseThreshold('3MB')).message).toContain('HARNESS_PAYLOAD_THRESHOLD');
    expect(configError(() => parseThreshold('lots')).message).toContain('32KiB');
  });
});

describe('dataConverterFromEnv', () => {
  it('encrypts payloads and failures with a key, and stores big payloads by reference', () => {
    const c = dataConverterFromEnv({ HARNESS_ENCRYPTION_KEY: randomBytes(32).toString('base64'), HARNESS_PAYLOAD_DIR: '/tmp/p', HARNESS_PAYLOAD_THRESHOLD: '1KiB' })!;
    expect(c.payloadCodecs).toHaveLength(1);
    expect(c.failureConverterPath).toBe(ENCODED_FAILURE_CONVERTER_PATH);
    expect(existsSync(ENCODED_FAILURE_CONVERTER_PATH)).toBe(true);
    expect(c.externalStorage?.payloadSizeThreshold).toBe(1024);
    const driver = c.externalStorage!.drivers[0] as HarnessStorageDriver;
    expect(driver.blobs.description).toBe('directory store /tmp/p');
  });

  it('the encoded failure converter loads with require() (how workers and clients load it)', async () => {
    const { createRequire } = await import('node:module');
    const mod = createRequire(import.meta.url)(ENCODED_FAILURE_CONVERTER_PATH) as { failureConverter: { options: { encodeCommonAttributes: boolean } } };
    expect(mod.failureConverter.options.encodeCommonAttributes).toBe(true);
  });
});
