/**
 * What every benchmark shares: one dev server started here (persisted to SQLite with the same
 * pragmas as `npm test`), two workflow bundles — the product's (`bundleHarnessWorkflows`) and the
 * baselines' own (bench/workflows/baseline.ts), so a baseline workflow never pays for the harness's
 * modules — the bench workspace, a driver client, and in-process and child-process workers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { Context } from '@temporalio/activity';
import { createActivities } from '../../src/activities/index.js';
import { dataConverterFromEnv } from '../../src/codec/data-converter.js';
import { HarnessClient } from '../../src/client/index.js';
import { startCluster } from '../../src/cluster/index.js';
import { DEV_SERVER_DYNAMIC_CONFIG, startDevServer, type DevServer } from '../../src/devserver/index.js';
import type { CallToolInput } from '../../src/activities/call-tool.js';
import { loadWorkspace, type Workspace } from '../../src/workspace/index.js';
import { createBaselineActivities } from '../activities.js';
import { spawnChildWorker, type ChildWorker } from './child-worker.js';
import { childPids } from './proc.js';
import { mark } from './probe.js';
import { writeBenchWorkspace } from './workspace.js';
import { bundleHarnessWorkflows } from '../../src/worker/index.js';
import { sourceBundleConfig } from '../../src/worker/bundle.js';

export type Mode = 'quick' | 'full';

const BASELINE_WORKFLOWS = fileURLToPath(new URL('../workflows/baseline.ts', import.meta.url));
const BASELINE_ZOD_WORKFLOWS = fileURLToPath(new URL('../workflows/baseline-zod.ts', import.meta.url));

/** Which workflow bundle a worker loads (`baseline-zod`: the baseline plus zod, see its file). */
export type BundleKind = 'harness' | 'baseline' | 'baseline-zod';

/** The task queue the baseline worker polls next to a harness queue. */
export const baselineQueue = (taskQueue: string) => `${taskQueue}-baseline`;

/**
 * Clients on the in-process workers' own connection (as `HarnessWorker.client()` gives an app):
 * runs they start on those workers' task queues start eagerly (first workflow task in the start reply).
 */
export interface LocalClients {
  /** agentRun on `taskQueue`. */
  harness: HarnessClient;
  temporal: Client;
}

export interface BenchContext {
  readonly mode: Mode;
  readonly dir: string;
  readonly server: DevServer;
  /**
   * Every process the server's CPU is counted over: the dev server's one, or the cluster's four
   * services plus PostgreSQL and its backends (read at call time).
   */
  serverPids(): number[];
  /** The dev server's SQLite file. */
  readonly dbFile: string;
  readonly bundlePaths: Record<BundleKind, string>;
  readonly workspaceFile: string;
  readonly workspace: Workspace;
  /** Model calls of the `reader` agent's conversation (history benchmark). */
  readonly readerTurns: number;
  /** The driver's client (its own connection, as an app's would be). */
  readonly temporal: Client;
  harness(taskQueue: string): HarnessClient;
  /**
   * Runs `body` while two in-process workers poll: the harness bundle on `taskQueue`, the baseline
   * bundle on `baselineQueue(taskQueue)`. Both have the harness's activities and the baselines'
   * (the harness's `callTool` is wrapped only to record when it is entered).
   */
  withWorker<T>(taskQueue: string, body: (local: LocalClients) => Promise<T>, options?: Partial<WorkerOptions>): Promise<T>;
  /** A worker in its own process (see bench/worker-child.ts); the harness bundle unless told. */
  spawnWorker(taskQueue: string, options?: { bundle?: BundleKind; maxCachedWorkflows?: number; cpuProfileDir?: string }): Promise<ChildWorker>;
  close(): Promise<void>;
}

export interface BenchContextOptions {
  /** Keep the dev server's state in memory instead of an SQLite file. @default false */
  inMemory?: boolean;
  /** Extra `temporal server start-dev` arguments (e.g. dynamic config). */
  serverArgs?: string[];
  /**
   * Run against the production-shaped cluster (src/cluster: PostgreSQL, 4 history shards, four
   * service processes) instead of the dev server. `serverArgs` do not apply; its dynamic config does.
   * @default false
   */
  cluster?: boolean;
}

export async function startBenchContext(mode: Mode, log: (line: string) => void, options: BenchContextOptions = {}): Promise<BenchContext> {
  const dir = mkdtempSync(join(tmpdir(), 'harness-bench-'));
  // The bench's payload store (and its live files), shared with the processes it spawns: not the user's.
  process.env.HARNESS_PAYLOAD_DIR ??= join(dir, 'payloads');
  const dbFile = join(dir, 'temporal.db');
  const readerTurns = mode === 'full' ? 100 : 30;
  const workspaceFile = writeBenchWorkspace(dir, readerTurns);
  const t0 = Date.now();
  const bundle = (workflowsPath: string, preload: boolean) =>
    bundleWorkflowCode({
      workflowsPath,
      logger: quietLogger,
      // As bundleHarnessWorkflows: the workflow modules evaluated once per worker thread, not per run.
      ...(preload && { preloadModules: [workflowsPath] }),
      // As bundleHarnessWorkflows: `./x.js` imports find the `.ts`, compiled to ES2022.
      webpackConfigHook: sourceBundleConfig,
    });
  const [{ server, serverPids }, harnessBundle, baselineBundle, baselineZodBundle, workspace] = await Promise.all([
    options.cluster ? startClusterAsServer(log) : startDevServer({ ...(!options.inMemory && { dbFile }), logLevel: 'error', extraArgs: options.serverArgs ?? [] }).then(asServer),
    bundleHarnessWorkflows(),
    bundle(BASELINE_WORKFLOWS, true),
    // Not preloaded: what one heavy library costs a bundle whose modules every new run evaluates.
    bundle(BASELINE_ZOD_WORKFLOWS, false),
    loadWorkspace(workspaceFile),
  ]);
  const bundlePaths: Record<BundleKind, string> = {
    harness: join(dir, 'harness-bundle.js'),
    baseline: join(dir, 'baseline-bundle.js'),
    'baseline-zod': join(dir, 'baseline-zod-bundle.js'),
  };
  writeFileSync(bundlePaths.harness, harnessBundle.code);
  writeFileSync(bundlePaths.baseline, baselineBundle.code);
  writeFileSync(bundlePaths['baseline-zod'], baselineZodBundle.code);
  const size = (code: string) => `${(codeBytes(code) / 1e3).toFixed(0)} KB`;
  log(
    `${options.cluster ? 'cluster' : 'dev server'} ${server.address} (pid ${server.pid}) and workflow bundles (code without the inline source map: harness ${size(harnessBundle.code)}, ` +
      `baseline ${size(baselineBundle.code)}, baseline+zod ${size(baselineZodBundle.code)}) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  const connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection });
  const harnessClients = new Map<string, HarnessClient>();

  return {
    mode,
    dir,
    server,
    serverPids,
    dbFile,
    bundlePaths,
    workspaceFile,
    workspace,
    readerTurns,
    temporal,
    harness: (taskQueue) => {
      let client = harnessClients.get(taskQueue);
      if (!client) harnessClients.set(taskQueue, (client = new HarnessClient(temporal, { taskQueue })));
      return client;
    },
    withWorker: async (taskQueue, body, options = {}) => {
      const nativeConnection = await NativeConnection.connect({ address: server.address });
      // The activities' own client, as createHarnessWorker gives them (queries go through it).
      const activityConnection = await Connection.connect({ address: server.address });
      // With the data converter `harness dev` gives its worker (payload store from the environment):
      // the model calls' live items also ride that store to viewers in other processes (src/live/).
      const activityDataConverter = dataConverterFromEnv();
      const activityClient = new Client({ connection: activityConnection, ...(activityDataConverter && { dataConverter: activityDataConverter }) });
      const harnessActivities = createActivities({ workspace, client: activityClient });
      const activities = {
        ...harnessActivities,
        ...createBaselineActivities(workspace),
        callTool: (input: CallToolInput) => {
          mark('activity', Context.current().info.workflowExecution?.workflowId);
          return harnessActivities.callTool(input);
        },
      };
      const workers = await Promise.all(
        (['harness', 'baseline'] as const).map((kind) =>
          Worker.create({
            ...options,
            connection: nativeConnection,
            taskQueue: kind === 'harness' ? taskQueue : baselineQueue(taskQueue),
            workflowBundle: { codePath: bundlePaths[kind] },
            activities,
          }),
        ),
      );
      try {
        // The baseline worker runs until the harness worker's body is done.
        const [harness, baseline] = workers as [Worker, Worker];
        const local = new Client({ connection: nativeConnection });
        return await baseline.runUntil(harness.runUntil(body({ temporal: local, harness: new HarnessClient(local, { taskQueue, ownsConnection: false }) })));
      } finally {
        await activityConnection.close();
        await nativeConnection.close();
      }
    },
    spawnWorker: (taskQueue, { cpuProfileDir, bundle = 'harness', ...options } = {}) =>
      spawnChildWorker({ address: server.address, taskQueue, workspaceFile, bundle, bundlePath: bundlePaths[bundle], ...options }, cpuProfileDir),
    close: async () => {
      await connection.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error };

/** A bundle's code without its inline source map: what every workflow evaluates. */
export function codeBytes(code: string): number {
  const map = code.lastIndexOf('\n//# sourceMappingURL=');
  return Buffer.byteLength(map < 0 ? code : code.slice(0, map));
}

function asServer(server: DevServer): { server: DevServer; serverPids: () => number[] } {
  return { server, serverPids: () => [server.pid] };
}

/** The cluster behind the dev server's interface: `pid` is history's, `stop` stops it all. */
async function startClusterAsServer(log: (line: string) => void): Promise<{ server: DevServer; serverPids: () => number[] }> {
  const cluster = await startCluster({ logLevel: 'error', log: (line) => log(`[cluster] ${line}`) });
  const server: DevServer = {
    address: cluster.address,
    namespace: cluster.namespace,
    pid: cluster.services.history.pid!,
    binary: cluster.binaries.server,
    // The cluster's dynamic config file carries the same list (src/cluster/config.ts).
    dynamicConfig: DEV_SERVER_DYNAMIC_CONFIG,
    stop: () => cluster.stop(),
  };
  const serverPids = () => {
    const postmaster = cluster.postgres.pid();
    const pids = Object.values(cluster.services).flatMap((s) => (s.pid === undefined ? [] : [s.pid]));
    return postmaster === undefined ? pids : [...pids, postmaster, ...childPids(postmaster)];
  };
  return { server, serverPids };
}
