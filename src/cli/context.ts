/**
 * What every command needs from the global options: where Temporal is, which task queue and
 * workspace to use, and a client. Heavy modules (the SDK, LangChain) load lazily, so `--help`
 * and simple commands start fast.
 */
import net from 'node:net';
import { InvalidArgumentError, type Command } from 'commander';
import type { DataConverter } from '@temporalio/common';
import type { HarnessClient } from '../client/harness-client.js';
import { connectionCredentialsFromEnv, connectionSettingsFromEnv, type ConnectionCredentials, type ConnectionSettings } from '../client/connection.js';
import type { Workspace } from '../workspace/load.js';
import { CliError, hintFor } from './errors.js';
import type { Target } from './output.js';

export interface GlobalOptions {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  workspace?: string;
}

export interface CliContext {
  settings: ConnectionSettings;
  /** Absolute path of the workspace file (from --workspace, HARNESS_WORKSPACE or ./harness.yaml). */
  workspacePath: string;
  /** The global options as given (to tell an explicit --workspace from the default). */
  options: GlobalOptions;
  /**
   * Credentials to connect with instead of `TEMPORAL_TLS*` / `TEMPORAL_API_KEY`: `{}` for a local
   * dev server we started, which speaks plaintext whatever the environment says.
   */
  credentials?: ConnectionCredentials;
}

/** Settings for the command being run; shared with error reporting, which names the address. */
export const current: { ctx?: CliContext } = {};

export async function contextFrom(command: Command): Promise<CliContext> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const { resolveWorkspacePath } = await import('../workspace/load.js');
  const settings = connectionSettingsFromEnv({
    ...(options.address !== undefined && { address: options.address }),
    ...(options.namespace !== undefined && { namespace: options.namespace }),
    ...(options.taskQueue !== undefined && { taskQueue: options.taskQueue }),
  });
  const ctx = { settings, workspacePath: resolveWorkspacePath(options.workspace), options };
  current.ctx = ctx;
  // Like the key check below: an unreadable TLS file fails every command at once, naming the
  // variable (a ConnectionConfigError).
  connectionCredentialsFromEnv();
  // A malformed encryption key fails every command at once, clearly, before anything connects
  // (the worker and dev commands build their converters deeper down): a CodecError. keys.js is light to load.
  const { keyringFromEnv } = await import('../codec/keys.js');
  keyringFromEnv();
  return ctx;
}

/**
 * Fails in milliseconds, naming the address, when nothing listens there. Without this a refused
 * connection surfaces only after the SDK's 10 s connect deadline.
 */
export async function probeAddress(address: string, timeoutMs = 3_000): Promise<void> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address);
  if (!match) return; // Not host:port; let the SDK report it.
  const [, host, port] = match;
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: host!, port: Number(port) });
    const fail = (detail: string) => {
      socket.destroy();
      reject(new CliError('TEMPORAL_UNAVAILABLE', `Cannot reach the Temporal server at ${address} (${detail}). ${hintFor('TEMPORAL_UNAVAILABLE', { address })}`));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer in ${timeoutMs} ms`));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (e: NodeJS.ErrnoException) =>
      fail(e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? 'host not found' : e.message),
    );
  });
}

/**
 * Connects a harness client for the context's settings (probing the address first), encrypting
 * payloads when `HARNESS_ENCRYPTION_KEY`/`HARNESS_ENCRYPTION_KEYS` is set.
 */
export async function connect(ctx: CliContext, knownAgents?: readonly string[]): Promise<HarnessClient> {
  await probeAddress(ctx.settings.address);
  const { HarnessClient } = await import('../client/harness-client.js');
  return HarnessClient.connect({
    ...ctx.settings,
    ...(ctx.credentials && { credentials: ctx.credentials }),
    ...(knownAgents && { knownAgents }),
  });
}

/**
 * The encrypting data converter the environment configures (undefined when no key is set).
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` with the variable at fault (never the key).
 */
export async function encryptionFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<DataConverter | undefined> {
  const { dataConverterFromEnv } = await import('../codec/data-converter.js');
  return dataConverterFromEnv(env);
}

/** Runs `body` with a connected client and always closes the connection. */
export async function withClient<T>(
  ctx: CliContext,
  body: (client: HarnessClient) => Promise<T>,
  knownAgents?: readonly string[],
): Promise<T> {
  const client = await connect(ctx, knownAgents);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/**
 * Where printed decide commands point: the context's address and namespace, and how to call the
 * Temporal CLI (`temporal`, or its full path when it is not on PATH).
 */
export async function printTarget(ctx: CliContext): Promise<Target> {
  const { temporalCommand } = await import('../devserver/temporal-binary.js');
  return { address: ctx.settings.address, namespace: ctx.settings.namespace, temporal: await temporalCommand() };
}

/** Loads the workspace file; throws `WorkspaceError` (the caller decides whether that is fatal). */
export async function loadContextWorkspace(ctx: CliContext): Promise<Workspace> {
  const { loadWorkspace } = await import('../workspace/load.js');
  return loadWorkspace(ctx.workspacePath);
}

/** Parses a positive integer option value (for commander's option parsers). */
export function positiveInt(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer.`);
    return n;
  };
}

/** Parses a JSON object given on the command line, with an error that shows how to write one. */
export function parseJsonObject(flag: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new CliError(
      'INVALID_JSON',
      `${flag} is not valid JSON (${(e as Error).message}). Quote it for the shell, e.g. ${flag} '{"amount": 10}'.`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new CliError('INVALID_JSON', `${flag} must be a JSON object such as '{"amount": 10}', got ${value}`);
  }
  return parsed as Record<string, unknown>;
}
