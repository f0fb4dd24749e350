/**
 * A production-shaped Temporal cluster on one machine: PostgreSQL (persistence and SQL
 * visibility, schemas set up and upgraded with `temporal-sql-tool`), {@link CLUSTER_HISTORY_SHARDS}
 * history shards, and the frontend, history, matching and worker services as four separate
 * `temporal-server` processes, with the namespace and the harness search attributes registered
 * through the server's APIs. `npm run cluster` and the cluster tests both start it from here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  CLUSTER_SERVICES,
  renderDynamicConfig,
  renderServerConfig,
  schemaSetupArgs,
  type ClusterService,
  type PostgresEndpoint,
  type ServicePorts,
} from './config.js';
import { ClusterStartError } from './errors.js';
import { setUpNamespace } from './namespace-setup.js';
import { allowTraverse, CLUSTER_PG_USER, startClusterPostgres, type ClusterPostgres } from './postgres.js';
import { ensureServerBinaries, type ServerBinaries } from './server-binaries.js';
import { ServiceProcess } from './service-process.js';

/** Options of {@link startCluster}; all optional. */
export interface ClusterOptions {
  /**
   * Keep the cluster's data (PostgreSQL, config, logs) in this directory and reuse it on the next
   * start (schemas are then upgraded, not created). Default: a temp directory deleted by `stop()`.
   */
  dataDir?: string;
  /** Frontend gRPC port. Default: a free port. */
  port?: number;
  /** Namespace to create. Default `'default'`. */
  namespace?: string;
  /** Server log level (each service logs to `<dataDir>/logs/<service>.log`). Default `'warn'`. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Progress lines (a first-time build, each step of the start). */
  log?: (line: string) => void;
  /** How long the services and the namespace may take to be ready. Default 300 000 ms. */
  readyTimeoutMs?: number;
}

/** A running cluster. */
export interface LocalCluster {
  /** Frontend address for clients and workers, e.g. `127.0.0.1:7233`. */
  readonly address: string;
  readonly namespace: string;
  /** The cluster's directory (config in `config/`, logs in `logs/`, PostgreSQL in `postgres/`). */
  readonly dir: string;
  readonly postgres: ClusterPostgres;
  /** The `temporal-server` and `temporal-sql-tool` binaries it runs. */
  readonly binaries: ServerBinaries;
  /** Each service process, to stop, kill and start again. */
  readonly services: Readonly<Record<ClusterService, ServiceProcess>>;
  /**
   * Restart one service (`signal`, then spawn again) and wait until it serves.
   * @returns seconds from the signal until the new process serves.
   */
  restartService(name: ClusterService, signal?: NodeJS.Signals, timeoutMs?: number): Promise<number>;
  /** Stop every service (SIGTERM), then PostgreSQL; deletes a temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

const IP = '127.0.0.1';

/**
 * Start the cluster and wait until it is usable.
 *
 * @throws {ClusterStartError} with a stable `code` (Go or PostgreSQL missing, a build, schema setup
 *   or service that failed, not ready in time) and a message saying what to do.
 * @example
 * const cluster = await startCluster({ log: console.log });
 * const client = await HarnessClient.connect({ address: cluster.address });
 * await cluster.stop();
 */
export async function startCluster(options: ClusterOptions = {}): Promise<LocalCluster> {
  const log = options.log ?? (() => {});
  const namespace = options.namespace ?? 'default';
  const deadline = Date.now() + (options.readyTimeoutMs ?? 300_000);
  const binaries = await ensureServerBinaries({ log });
  const temporary = options.dataDir === undefined;
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'harness-cluster-')) : resolve(options.dataDir!);
  for (const sub of ['config', 'logs']) mkdirSync(join(dir, sub), { recursive: true });
  allowTraverse(dir); // PostgreSQL runs as another user under root.

  const [pgPort, ...picked] = await freePorts(1 + 2 * CLUSTER_SERVICES.length + 1);
  const ports = {} as Record<ClusterService, ServicePorts>;
  CLUSTER_SERVICES.forEach((name, i) => (ports[name] = { grpcPort: picked[2 * i]!, membershipPort: picked[2 * i + 1]! }));
  if (options.port !== undefined) ports.frontend.grpcPort = options.port;
  ports.frontend.httpPort = picked.at(-1)!;

  log(`starting PostgreSQL in ${join(dir, 'postgres')}`);
  const postgres = await startClusterPostgres(join(dir, 'postgres'), pgPort!);
  stopOnExit(postgres, temporary ? dir : undefined);
  const services = {} as Record<ClusterService, ServiceProcess>;
  const stop = once(async () => {
    for (const name of [...CLUSTER_SERVICES].reverse()) await services[name]?.stop('SIGTERM');
    for (const service of Object.values(services)) service.close();
    await postgres.stop();
    if (temporary) rmSync(dir, { recursive: true, force: true });
  });

  try {
    const pg: PostgresEndpoint = { host: postgres.host, port: postgres.port, user: CLUSTER_PG_USER, password: 'temporal' };
    log(postgres.fresh ? 'creating the schemas' : 'upgrading the schemas');
    await setUpSchemas(binaries.sqlTool, pg, postgres.fresh);

    const dynamicConfigFile = join(dir, 'config', 'dynamicconfig.yaml');
    writeFileSync(dynamicConfigFile, renderDynamicConfig());
    writeFileSync(
      join(dir, 'config', 'cluster.yaml'),
      renderServerConfig({ postgres: pg, ports, ip: IP, dynamicConfigFile, logLevel: options.logLevel ?? 'warn' }),
    );
    for (const name of CLUSTER_SERVICES) {
      services[name] = new ServiceProcess({ name, server: binaries.server, root: dir, ip: IP, ports: ports[name] });
    }
    // Every process writes the cluster metadata at start if the database has none; two doing it at
    // once on a new database makes one fail ("SaveClusterMetadata encountered version mismatch")
    // and exit. So the first service starts alone, and the others once it serves.
    const [first, ...rest] = CLUSTER_SERVICES;
    services[first].spawn();
    log(`started ${first} (pid ${services[first].pid}); waiting for it to serve`);
    await services[first].waitUntilServing(deadline - Date.now(), log);
    for (const name of rest) services[name].spawn();
    log(`started ${rest.map((n) => `${n} (pid ${services[n].pid})`).join(', ')}; waiting for them to serve`);
    for (const name of rest) await services[name].waitUntilServing(deadline - Date.now(), log);
    const address = `${IP}:${ports.frontend.grpcPort}`;
    log(`registering namespace "${namespace}" and the harness search attributes`);
    await setUpNamespace(address, namespace, deadline);
    return {
      address,
      namespace,
      dir,
      postgres,
      binaries,
      services,
      async restartService(name, signal = 'SIGTERM', timeoutMs = 120_000) {
        const started = Date.now();
        await services[name].stop(signal);
        services[name].spawn();
        await services[name].waitUntilServing(timeoutMs);
        return (Date.now() - started) / 1000;
      },
      stop,
    };
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
}

const execFileAsync = promisify(execFile);

async function setUpSchemas(sqlTool: string, pg: PostgresEndpoint, fresh: boolean): Promise<void> {
  for (const args of schemaSetupArgs(pg, { fresh })) {
    try {
      await execFileAsync(sqlTool, args);
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new ClusterStartError(
        'SCHEMA_SETUP_FAILED',
        `temporal-sql-tool ${args.filter((a, i) => args[i - 1] !== '--password').join(' ')} failed:\n${(e.stderr || e.stdout || e.message).trim()}`,
        { cause: err },
      );
    }
  }
}

/** If this Node process exits without `stop()`, take the services and PostgreSQL down with it. */
function stopOnExit(postgres: ClusterPostgres, temporaryDir: string | undefined): void {
  // 'exit' handlers must be synchronous: no graceful stop, only signals.
  process.once('exit', () => {
    for (const child of ServiceProcess.live) child.kill('SIGKILL');
    postgres.stopNow();
    // PostgreSQL may still be writing as it dies: retry the removal a few times.
    if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true, maxRetries: 5 });
  });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/**
 * The membership table stores ports as a PostgreSQL `smallint` (schema v1.x of server 1.29): a
 * membership port above 32767 makes the service die at start ("out of range for type smallint").
 * The OS hands out free ports from 32768 up, so ports are picked from below that instead.
 */
const PORT_RANGE = { from: 20_000, to: 32_767 } as const;

/** `count` distinct ports of {@link PORT_RANGE} that nothing listens on (all held at once while checked). */
async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let attempt = 0; servers.length < count; attempt++) {
      if (attempt > 200) throw new ClusterStartError('CLUSTER_NOT_READY', `Found no ${count} free ports between ${PORT_RANGE.from} and ${PORT_RANGE.to} on ${IP}.`);
      const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from + 1));
      const server = net.createServer();
      const bound = await new Promise<boolean>((ok) => {
        server.once('error', () => ok(false));
        server.listen(port, IP, () => ok(true));
      });
      if (bound) servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  }
}
