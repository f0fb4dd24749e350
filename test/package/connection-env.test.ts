/** TLS and API key settings from the environment: Temporal's names, clear errors, no secrets shown. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ConnectionConfigError } from '../../src/client/errors.js';
import {
  connectionCredentialsFromEnv,
  connectionSettingsFromEnv,
  describeConnection,
  describeCredentials,
} from '../../src/client/connection.js';
import { tempDir } from '../support/paths.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nTOP-SECRET-KEY-MATERIAL\n-----END PRIVATE KEY-----\n';
const API_KEY = 'tc-api-key-TOP-SECRET';

function pemFiles() {
  const dir = tempDir();
  const files = { cert: join(dir, 'client.pem'), key: join(dir, 'client.key'), ca: join(dir, 'ca.pem') };
  writeFileSync(files.cert, CERT);
  writeFileSync(files.key, KEY);
  writeFileSync(files.ca, CERT);
  return files;
}

const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString();

function errorOf(f: () => unknown): ConnectionConfigError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectionConfigError);
    return e as ConnectionConfigError;
  }
  throw new Error('expected a ConnectionConfigError');
}

describe('connectionCredentialsFromEnv', () => {
  it('is plaintext with nothing set', () => {
    expect(connectionCredentialsFromEnv({})).toEqual({});
    expect(describeCredentials({})).toBe('plaintext');
  });

  it('reads mTLS files from Temporal env-config names', () => {
    const f = pemFiles();
    const creds = connectionCredentialsFromEnv({
      TEMPORAL_TLS_CLIENT_CERT_PATH: f.cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: f.key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: f.ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(creds.tls).toMatchObject({ serverNameOverride: 'temporal.internal' });
    const tls = creds.tls as TLSConfig;
    expect(text(tls.clientCertPair?.crt)).toBe(CERT);
    expect(text(tls.clientCertPair?.key)).toBe(KEY);
    expect(text(tls.serverRootCACertificate)).toBe(CERT);
    expect(creds.apiKey).toBeUndefined();
  });

  it('accepts the CLI / Web UI short names TEMPORAL_TLS_CERT, _KEY, _CA and inline _DATA', () => {
    const f = pemFiles();
    const short = connectionCredentialsFromEnv({ TEMPORAL_TLS_CERT: f.cert, TEMPORAL_TLS_KEY: f.key, TEMPORAL_TLS_CA: f.ca });
    expect(describeCredentials(short)).toBe('TLS (client certificate, custom CA)');
    const inline = connectionCredentialsFromEnv({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT, TEMPORAL_TLS_CLIENT_KEY_DATA: KEY });
    expect(text((inline.tls as TLSConfig).clientCertPair?.key)).toBe(KEY);
  });

  it('turns TLS on with an API key (Temporal Cloud), unless TEMPORAL_TLS=false', () => {
    expect(connectionCredentialsFromEnv({ TEMPORAL_API_KEY: API_KEY })).toEqual({ tls: true, apiKey: API_KEY });
    // tls: false spelled out, or the SDK would turn TLS back on for the key.
    expect(connectionCredentialsFromEnv({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS: 'false' })).toEqual({ tls: false, apiKey: API_KEY });
    expect(connectionCredentialsFromEnv({ TEMPORAL_TLS: 'true' })).toEqual({ tls: true });
  });

  it('never puts a secret in the summary', () => {
    const f = pemFiles();
    const creds = connectionCredentialsFromEnv({ TEMPORAL_API_KEY: API_KEY, TEMPORAL_TLS_CERT: f.cert, TEMPORAL_TLS_KEY: f.key });
    const summary = describeCredentials(creds);
    expect(summary).toBe('TLS (client certificate), API key');
    expect(summary).not.toContain('SECRET');
  });

  it('describes a whole connection (address, namespace, task queue, credential kinds) without a secret', () => {
    const env = {
      TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'acme.a1b2c',
      HARNESS_TASK_QUEUE: 'support',
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_CLIENT_CERT_DATA: CERT,
      TEMPORAL_TLS_CLIENT_KEY_DATA: KEY,
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: CERT,
    };
    const line = describeConnection(connectionSettingsFromEnv({}, env), connectionCredentialsFromEnv(env));
    expect(line).toBe('acme.a1b2c.tmprl.cloud:7233 (namespace acme.a1b2c, task queue support; TLS (client certificate, custom CA), API key)');
    expect(line).not.toMatch(/SECRET|BEGIN|MIIcert/);
    expect(describeConnection(connectionSettingsFromEnv({}, {}), connectionCredentialsFromEnv({}))).toBe(
      'localhost:7233 (namespace default, task queue harness; plaintext)',
    );
  });

  it('names the variable and the path when a certificate file does not exist', () => {
    const f = pemFiles();
    const missing = join(tempDir(), 'nope.pem');
    const e = errorOf(() => connectionCredentialsFromEnv({ TEMPORAL_TLS_CLIENT_CERT_PATH: missing, TEMPORAL_TLS_CLIENT_KEY_PATH: f.key }));
    expect(e.code).toBe('TLS_FILE_NOT_FOUND');
    expect(e.message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH');
    expect(e.message).toContain(missing);
    expect(e.message).toContain('ENOENT');
    expect(e.message).not.toContain('SECRET');
  });

  it('refuses a certificate without its key (and the reverse) without showing either', () => {
    const a = errorOf(() => connectionCredentialsFromEnv({ TEMPORAL_TLS_CLIENT_CERT_DATA: CERT }));
    expect(a.code).toBe('TLS_INCOMPLETE');
    expect(a.message).toMatch(/certificate is set but its key is not/);
    const b = errorOf(() => connectionCredentialsFromEnv({ TEMPORAL_TLS_CLIENT_KEY_DATA: KEY, TEMPORAL_API_KEY: API_KEY }));
    expect(b.code).toBe('TLS_INCOMPLETE');
    expect(b.message).not.toContain('SECRET');
  });

  it('refuses a TEMPORAL_TLS that is not a boolean', () => {
    expect(errorOf(() => connectionCredentialsFromEnv({ TEMPORAL_TLS: 'maybe' })).code).toBe('INVALID_TLS_FLAG');
  });
});
