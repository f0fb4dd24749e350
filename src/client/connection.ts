/**
 * Where the Temporal server is and how to authenticate to it, from the environment, following
 * Temporal's client environment configuration (https://docs.temporal.io/references/client-environment-configuration):
 * `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS`,
 * `TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA`, `TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA`,
 * `TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA`, `TEMPORAL_TLS_SERVER_NAME`. The shorter names of the
 * `temporal` CLI and Web UI (`TEMPORAL_TLS_CERT`, `TEMPORAL_TLS_KEY`, `TEMPORAL_TLS_CA`) are
 * accepted as aliases of the `…_PATH` ones.
 *
 * Secrets (the API key, the private key) live only in {@link ConnectionCredentials}, never in
 * {@link ConnectionSettings}, which callers print; {@link describeCredentials} is the safe summary.
 */
import fs from 'node:fs';
import type { TLSConfig } from '@temporalio/client';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../common/defaults.js';
import { ConnectionConfigError } from './errors.js';

/** Where a client or worker connects: the non-secret part of the connection, safe to print. */
export interface ConnectionSettings {
  /** host:port of the Temporal frontend. @default `TEMPORAL_ADDRESS` or `localhost:7233` */
  address: string;
  /** @default `TEMPORAL_NAMESPACE` or `default` */
  namespace: string;
  /** @default `HARNESS_TASK_QUEUE` or `harness` */
  taskQueue: string;
}

/**
 * The connection settings from `overrides`, else the environment (`TEMPORAL_ADDRESS`,
 * `TEMPORAL_NAMESPACE`, `HARNESS_TASK_QUEUE`), else the local defaults.
 * @example
 * connectionSettingsFromEnv({ taskQueue: 'support' }); // { address: 'localhost:7233', namespace: 'default', taskQueue: 'support' }
 */
export function connectionSettingsFromEnv(
  overrides: Partial<ConnectionSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  return {
    address: overrides.address ?? env.TEMPORAL_ADDRESS ?? DEFAULT_ADDRESS,
    namespace: overrides.namespace ?? env.TEMPORAL_NAMESPACE ?? DEFAULT_NAMESPACE,
    taskQueue: overrides.taskQueue ?? env.HARNESS_TASK_QUEUE ?? DEFAULT_TASK_QUEUE,
  };
}

/**
 * How to authenticate: TLS (with an optional client certificate for mTLS) and/or an API key
 * (Temporal Cloud). Accepted by `Connection.connect` and `NativeConnection.connect` as is.
 */
export interface ConnectionCredentials {
  /** `true` for TLS with system roots, a config for mTLS / a private CA, absent for plaintext. */
  tls?: TLSConfig | boolean;
  /** Sent as a bearer token; turns TLS on unless `TEMPORAL_TLS=false` (then `tls` is `false`). */
  apiKey?: string;
}

/** Temporal's env names for each PEM, with the short aliases the CLI and Web UI use. */
const PEM_SOURCES = {
  cert: { path: ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CERT'], data: 'TEMPORAL_TLS_CLIENT_CERT_DATA' },
  key: { path: ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_KEY'], data: 'TEMPORAL_TLS_CLIENT_KEY_DATA' },
  ca: { path: ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_CA'], data: 'TEMPORAL_TLS_SERVER_CA_CERT_DATA' },
} as const;

/**
 * Reads TLS and API key settings from the environment. Files are read here, once, so a wrong
 * path fails at start with the variable's name rather than deep inside the SDK.
 * @throws {ConnectionConfigError} `TLS_FILE_NOT_FOUND` (a `…_PATH` names a missing file),
 *   `TLS_INCOMPLETE` (a client certificate without its key, or the reverse), `INVALID_TLS_FLAG`.
 * @example
 * const credentials = connectionCredentialsFromEnv();
 * const connection = await Connection.connect({ address, ...credentials });
 */
export function connectionCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): ConnectionCredentials {
  const cert = readPem(env, PEM_SOURCES.cert);
  const key = readPem(env, PEM_SOURCES.key);
  const ca = readPem(env, PEM_SOURCES.ca);
  if (!!cert !== !!key) {
    const [has, lacks] = cert ? ['certificate', 'key'] : ['key', 'certificate'];
    throw new ConnectionConfigError(
      'TLS_INCOMPLETE',
      `A TLS client ${has} is set but its ${lacks} is not: set both TEMPORAL_TLS_CLIENT_CERT_PATH and ` +
        'TEMPORAL_TLS_CLIENT_KEY_PATH (or their _DATA forms) for mTLS, or neither.',
    );
  }
  const serverName = nonEmpty(env.TEMPORAL_TLS_SERVER_NAME);
  const apiKey = nonEmpty(env.TEMPORAL_API_KEY);
  const flag = tlsFlag(env.TEMPORAL_TLS);

  const config: TLSConfig = {
    ...(cert && key && { clientCertPair: { crt: cert, key } }),
    ...(ca && { serverRootCACertificate: ca }),
    ...(serverName && { serverNameOverride: serverName }),
  };
  const configured = Object.keys(config).length > 0;
  // As in Temporal's env config: TLS settings or an API key imply TLS; TEMPORAL_TLS overrides.
  const tlsOn = flag ?? (configured || apiKey !== undefined);
  return {
    // An explicit `false`: the SDK turns TLS on by itself whenever an API key is set and `tls` is absent.
    ...(tlsOn ? { tls: configured ? config : true } : flag === false && { tls: false }),
    ...(apiKey !== undefined && { apiKey }),
  };
}

/**
 * A one-line summary of the credentials, safe to log: which mechanisms are on, never the values.
 * @example describeCredentials(creds) // "TLS (client certificate, custom CA), API key"
 */
export function describeCredentials(credentials: ConnectionCredentials): string {
  const parts: string[] = [];
  const { tls } = credentials;
  if (tls) {
    const details =
      typeof tls === 'object'
        ? [tls.clientCertPair && 'client certificate', tls.serverRootCACertificate && 'custom CA', tls.serverNameOverride && `server name ${tls.serverNameOverride}`].filter(Boolean)
        : [];
    parts.push(details.length ? `TLS (${details.join(', ')})` : 'TLS');
  }
  if (credentials.apiKey !== undefined) parts.push('API key');
  return parts.length ? parts.join(', ') : 'plaintext';
}

/**
 * Where a process connects and how, safe to log: address, namespace, task queue and
 * {@link describeCredentials} (never a key or certificate).
 * @example describeConnection(settings, creds) // "temporal.internal:7233 (namespace default, task queue harness; TLS, API key)"
 */
export function describeConnection(settings: ConnectionSettings, credentials: ConnectionCredentials): string {
  return `${settings.address} (namespace ${settings.namespace}, task queue ${settings.taskQueue}; ${describeCredentials(credentials)})`;
}

function readPem(env: NodeJS.ProcessEnv, source: { path: readonly string[]; data: string }): Buffer | undefined {
  const data = nonEmpty(env[source.data]);
  if (data !== undefined) return Buffer.from(data);
  for (const name of source.path) {
    const file = nonEmpty(env[name]);
    if (file === undefined) continue;
    try {
      return fs.readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ConnectionConfigError(
        'TLS_FILE_NOT_FOUND',
        `${name} is ${file}, which cannot be read (${code ?? (e as Error).message}). ` +
          `Point it at a PEM file, or put the PEM itself in ${source.data}.`,
        { cause: e },
      );
    }
  }
  return undefined;
}

function tlsFlag(value: string | undefined): boolean | undefined {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  throw new ConnectionConfigError('INVALID_TLS_FLAG', `TEMPORAL_TLS must be true or false, got ${JSON.stringify(value)}.`);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
