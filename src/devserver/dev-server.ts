/**
 * The one Temporal dev-server launcher shared by the demo, the tests and the benchmarks.
 *
 * It runs `temporal server start-dev` as a child process on free local ports, registers the
 * harness's search attributes, and resolves only once the server really serves our namespace
 * (polling, never sleeping a fixed time: start-up takes well under a second on a fast machine and
 * many seconds on a loaded 2-core CI box).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { HARNESS_SEARCH_ATTRIBUTES } from '../workflows/shared/search-attributes.js';
import { DEV_SERVER_DYNAMIC_CONFIG, dynamicConfigArgs, type DynamicConfigValue } from './dynamic-config.js';
import { ensureTemporalBinary } from './temporal-binary.js';
import { DEFAULT_NAMESPACE } from '../common/defaults.js';
import { DevServerStartError } from './errors.js';

/** Log levels accepted by `temporal --log-level`. */
export type DevServerLogLevel = 'debug' | 'info' | 'warn' | 'error' | 'never';

/** Options for {@link startDevServer}. All are optional. */
export interface DevServerOptions {
  /** Front-end gRPC port. Default: a free port. */
  port?: number;
  /** Web UI port (only used with `ui: true`). Default: a free port. */
  uiPort?: number;
  /** Serve the Web UI. Default `false` (`--headless`): tests and benchmarks do not need it. */
  ui?: boolean;
  /**
   * Persist state to this SQLite file (created with its directory if missing). Default: in memory,
   * lost when the server stops.
   */
  dbFile?: string;
  /** Namespace to create and wait for. Default `'default'`. */
  namespace?: string;
  /** Address to bind. Default `'127.0.0.1'` (never exposed beyond this machine). */
  ip?: string;
  /** Server log level. Default `'warn'`. */
  logLevel?: DevServerLogLevel;
  /**
   * Dynamic config passed as `--dynamic-config-value` (replaces the default map, it is not merged:
   * spread {@link DEV_SERVER_DYNAMIC_CONFIG} to add to it; `{}` runs on Temporal's own defaults).
   * @default DEV_SERVER_DYNAMIC_CONFIG (fast task dispatch on the dev server's single shard)
   */
  dynamicConfig?: Readonly<Record<string, DynamicConfigValue>>;
  /**
   * Extra `start-dev` arguments appended verbatim, after the dynamic config, e.g.
   * `['--dynamic-config-value', 'K=1']` (a key given twice: the last one wins).
   */
  extraArgs?: string[];
  /** Receives the server's output lines (and the binary build's progress, if one is needed). */
  log?: (line: string) => void;
  /** How long to wait for the server to be ready. Default 120 000 ms. */
  readyTimeoutMs?: number;
  /** Path of the `temporal` binary. Default: {@link ensureTemporalBinary}'s choice. */
  binary?: string;
}

/** A running dev server, ready to accept clients and workers. */
export interface DevServer {
  /** gRPC address for `Connection.connect({ address })` / `NativeConnection.connect`, e.g. `127.0.0.1:7233`. */
  readonly address: string;
  /** The namespace that was created and checked. */
  readonly namespace: string;
  /** Web UI URL, e.g. `http://127.0.0.1:8233`, when started with `ui: true`. */
  readonly uiUrl?: string;
  /** Process id of the server. */
  readonly pid: number;
  /** The `temporal` binary that runs it. */
  readonly binary: string;
  /** The dynamic config it was started with (before any `extraArgs`), for logs. */
  readonly dynamicConfig: Readonly<Record<string, DynamicConfigValue>>;
  /**
   * Stop the server: SIGTERM, then SIGKILL if it has not exited after 10 s. Resolves once the
   * process has exited (its ports are then free). Safe to call more than once.
   */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_LINES = 40;
/** A free port picked by us can be taken by someone else before the server binds it: retry. */
const PORT_RACE_ATTEMPTS = 3;

/** `start-dev --search-attribute` spells types like `Keyword`, the SDK like `KEYWORD`. */
const CLI_ATTRIBUTE_TYPES: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** Children still running, killed if this process exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous, so there is no waiting for a graceful shutdown: SIGKILL
    // is certain, and SQLite (even with synchronous=OFF) loses no committed data on a process kill.
    process.on('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/** Pick `count` distinct free TCP ports by binding port 0 (all held at once, so they differ). */
async function freePorts(ip: string, count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, ip, resolve);
      });
    }
    return servers.map((server) => (server.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** One TCP connect attempt; true if something accepts on ip:port. */
function canConnect(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The exact `start-dev` argv for resolved options (exported for tests and for documentation). */
export function devServerArgs(o: {
  ip: string;
  port: number;
  uiPort?: number;
  namespace: string;
  logLevel: DevServerLogLevel;
  dbFile?: string;
  dynamicConfig?: Readonly<Record<string, DynamicConfigValue>>;
  extraArgs?: string[];
}): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port)];
  args.push(...(o.uiPort === undefined ? ['--headless'] : ['--ui-port', String(o.uiPort)]));
  args.push('--namespace', o.namespace, '--log-level', o.logLevel);
  for (const key of HARNESS_SEARCH_ATTRIBUTES) {
    args.push('--search-attribute', `${key.name}=${CLI_ATTRIBUTE_TYPES[key.type]}`);
  }
  if (o.dbFile !== undefined) {
    // WAL + no fsync: much faster writes, and still durable across process crashes (only an OS
    // crash could lose the last transactions), which is all a dev server needs.
    args.push(
      '--db-filename',
      o.dbFile,
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=OFF',
    );
  }
  args.push(...dynamicConfigArgs(o.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG));
  args.push(...(o.extraArgs ?? []));
  return args;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * Start a Temporal dev server and wait until it is ready: the namespace answers
 * `DescribeNamespace` and all {@link HARNESS_SEARCH_ATTRIBUTES} are registered on it.
 *
 * @throws {DevServerStartError} if the process exits early or is not ready in time; the message
 *   includes the server's last output lines.
 * @throws {TemporalBinaryNotFoundError} if no `temporal` binary is available.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = options.binary ?? (await ensureTemporalBinary(options.log ? { log: options.log } : {}));
  const portsArePicked = options.port === undefined || (options.ui === true && options.uiPort === undefined);
  const attempts = portsArePicked ? PORT_RACE_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(binary, options);
    } catch (err) {
      if (err instanceof DevServerStartError && err.portInUse && attempt < attempts) {
        options.log?.(`port taken before the dev server could bind it; retrying with new ports (${attempt})`);
        continue;
      }
      throw err;
    }
  }
}

async function startOnce(binary: string, options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const ui = options.ui ?? false;
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const [pickedPort, pickedUiPort] = await freePorts(ip, 2);
  const port = options.port ?? pickedPort!;
  const uiPort = ui ? (options.uiPort ?? pickedUiPort!) : undefined;
  const dbFile = options.dbFile === undefined ? undefined : path.resolve(options.dbFile);
  const dynamicConfig = options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG;
  if (dbFile !== undefined) await mkdir(path.dirname(dbFile), { recursive: true });

  const args = devServerArgs({
    ip,
    port,
    uiPort,
    namespace,
    logLevel: options.logLevel ?? 'warn',
    dbFile,
    dynamicConfig,
    extraArgs: options.extraArgs,
  });
  const address = `${ip}:${port}`;
  const uiUrl = uiPort === undefined ? undefined : `http://${ip}:${uiPort}`;

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);

  // Always drain both pipes (a full pipe would block the server) and keep the tail for errors.
  const tail: string[] = [];
  const onLine = (line: string): void => {
    tail.push(line);
    if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    options.log?.(line);
  };
  if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
  if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);

  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      // Spawn failures (ENOENT, EACCES) emit 'error' and no 'exit'.
      exitInfo ??= { code: null, signal: null, error };
      liveChildren.delete(child);
      resolve(exitInfo);
    });
    child.once('exit', (code, signal) => {
      exitInfo ??= { code, signal };
      liveChildren.delete(child);
      // 'exit' can come before the last output lines are read, and those lines are what explains
      // a failure: wait for the pipes to close, but not forever (a grandchild could hold them).
      const settle = (): void => resolve(exitInfo!);
      child.once('close', settle);
      setTimeout(settle, 500).unref();
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo !== undefined || child.pid === undefined) return;
      child.kill('SIGTERM');
      const killTimer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killTimer);
    })();
    return stopping;
  };

  const describeOutput = (): string =>
    tail.length === 0 ? '(the server printed nothing)' : tail.map((line) => `    ${line}`).join('\n');
  const exitError = (info: ExitInfo): DevServerStartError => {
    const how = info.error
      ? `could not be run (${info.error.message})`
      : `exited early (${info.signal ? `signal ${info.signal}` : `exit code ${info.code}`})`;
    const output = describeOutput();
    return new DevServerStartError(
      'DEV_SERVER_START_FAILED',
      `Temporal dev server ${how}.\n  command: ${binary} ${args.join(' ')}\n  last output:\n${output}\n` +
        'Check that the binary is a working Temporal CLI (set TEMPORAL_CLI to override it, ' +
        'or unset it to use the harness-built one) and that the ports and db file are usable.',
      { portInUse: /address already in use/i.test(output), cause: info.error },
    );
  };

  try {
    await waitUntilReady({ ip, port, namespace, uiUrl, deadline: Date.now() + readyTimeoutMs, exited });
  } catch (err) {
    await stop();
    if (err instanceof ReadyTimeout) {
      throw new DevServerStartError(
      'DEV_SERVER_START_FAILED',
        `Temporal dev server at ${address} was not ready after ${readyTimeoutMs} ms ` +
          `(last check: ${err.lastProblem}).\n  command: ${binary} ${args.join(' ')}\n` +
          `  last output:\n${describeOutput()}\n` +
          'On a slow or busy machine, raise readyTimeoutMs.',
      );
    }
    if (exitInfo !== undefined) throw exitError(exitInfo);
    throw err;
  }

  return { address, namespace, uiUrl, pid: child.pid!, binary, dynamicConfig, stop };
}

class ReadyTimeout extends Error {
  constructor(readonly lastProblem: string) {
    super(lastProblem);
  }
}

class ServerExited extends Error {}

/**
 * Poll with a short backoff until the server is really usable. Each probe is raced against the
 * process exiting, so a crash is reported at once rather than after the timeout.
 */
async function waitUntilReady(o: {
  ip: string;
  port: number;
  namespace: string;
  uiUrl?: string;
  deadline: number;
  exited: Promise<ExitInfo>;
}): Promise<void> {
  const exitedSignal = o.exited.then(() => {
    throw new ServerExited('exited');
  });
  exitedSignal.catch(() => {}); // Only observed through the races below.
  const wanted = HARNESS_SEARCH_ATTRIBUTES.map((key) => key.name);
  let delay = 25;
  let lastProblem = 'not started';

  const probe = async (): Promise<string | undefined> => {
    // A plain TCP connect first: gRPC channels back off ~1 s after a refused connection, which
    // would make polling slow while the port is not open yet.
    if (!(await canConnect(o.ip, o.port))) return 'gRPC port not accepting connections yet';
    const remaining = Math.max(100, o.deadline - Date.now());
    const connection = Connection.lazy({ address: `${o.ip}:${o.port}`, connectTimeout: Math.min(5_000, remaining) });
    try {
      await connection.ensureConnected();
      await connection.workflowService.describeNamespace({ namespace: o.namespace });
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: o.namespace });
      const missing = wanted.filter((name) => !(customAttributes && name in customAttributes));
      if (missing.length > 0) return `search attributes not registered yet: ${missing.join(', ')}`;
    } finally {
      await connection.close();
    }
    if (o.uiUrl !== undefined) {
      // Any HTTP answer means the UI server is up; its status is not our concern here.
      await fetch(o.uiUrl, { signal: AbortSignal.timeout(Math.min(5_000, remaining)) });
    }
    return undefined;
  };

  for (;;) {
    if (Date.now() >= o.deadline) throw new ReadyTimeout(lastProblem);
    // A probe that hangs (e.g. a server accepting TCP but not answering) must not outlive the deadline.
    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadlinePassed = new Promise<string>((resolve) => {
      deadlineTimer = setTimeout(() => resolve(`${lastProblem}; then a check was still pending`), o.deadline - Date.now());
    });
    try {
      const problem = await Promise.race([probe(), exitedSignal, deadlinePassed]);
      if (problem === undefined) return;
      lastProblem = problem;
    } catch (err) {
      if (err instanceof ServerExited) throw err;
      lastProblem = err instanceof Error ? err.message : String(err);
    } finally {
      clearTimeout(deadlineTimer);
    }
    const wait = Math.min(delay, Math.max(0, o.deadline - Date.now()));
    await Promise.race([sleep(wait), exitedSignal]);
    delay = Math.min(delay * 2, 500);
  }
}
