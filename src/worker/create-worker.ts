/** Creates a worker that runs agent runs for one workspace. */
import { Client } from '@temporalio/client';
import { closeConnection, connectClosable } from '../client/closable-connection.js';
import { HarnessClient, type HarnessClientOptions } from '../client/harness-client.js';
import { harnessClientInterceptors } from '../client/trace-context.js';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { planWithoutModel } from '../activities/plan-run.js';
import { planInputOf } from '../workflows/run/plan-input.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../common/defaults.js';
import {
  connectionCredentialsFromEnv,
  connectionSettingsFromEnv,
  type ConnectionCredentials,
  type ConnectionSettings,
} from '../client/connection.js';
import { dataConverterFromEnv, encodesFailures } from '../codec/data-converter.js';
import { connectMcpServers } from '../mcp/attach.js';
import { loadWorkspace, type Workspace } from '../workspace/load.js';
import { bundleHarnessWorkflows } from './bundle.js';
import { checkBundleEncodesFailures } from './bundle-check.js';
import { activityMetrics } from './telemetry/activity-metrics.js';
import { startRunGauges } from './telemetry/run-gauges.js';
import { bundleTraces, createWorkerTracing, DISCARDING_SINKS, tracingEnabled, untracedBundle, type WorkerTracing } from './telemetry/tracing.js';

/** Options of {@link createHarnessWorker}; every one has a default from the environment or the SDK. */
export interface HarnessWorkerOptions extends Partial<ConnectionSettings> {
  /** A loaded workspace, or the path of its file. @default `HARNESS_WORKSPACE` or `./harness.yaml` */
  workspace?: Workspace | string;
  /**
   * A pre-built workflow bundle (see `bundleHarnessWorkflows`); bundled on start otherwise. With
   * encryption on it must be built with `{ encodeFailures: true }` (checked).
   */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * How payloads are encoded, for the worker and for the client its activities use (both must
   * agree with the clients that start and decide runs).
   * @default from the environment (`dataConverterFromEnv`): encrypting payloads and failure
   *   messages with AES-256-GCM when `HARNESS_ENCRYPTION_KEY` or `HARNESS_ENCRYPTION_KEYS` is set;
   *   payloads over `HARNESS_PAYLOAD_THRESHOLD` in the payload store (a local directory by default).
   */
  dataConverter?: DataConverter;
  /**
   * TLS and API key for both connections the worker opens (Temporal Cloud, a cluster with mTLS).
   * @default read from `TEMPORAL_API_KEY`, `TEMPORAL_TLS*` (see `connectionCredentialsFromEnv`).
   */
  credentials?: ConnectionCredentials;
  /**
   * Tuning passed to `Worker.create` (concurrency, sticky timeouts…); see docs/production.md for
   * the knobs that matter and measured figures. Its `maxCachedWorkflows` overrides the harness's
   * default (see `DEFAULT_MAX_CACHED_WORKFLOWS`), its `shutdownGraceTime` the harness's
   * {@link DEFAULT_SHUTDOWN_GRACE_TIME} (the SDK's own default, 0, cancels in-flight model and tool
   * calls the moment shutdown starts).
   */
  /**
   * Record the worker's own metrics besides the workflows' (model and tool latency per attempt, and
   * the `harness_runs` gauge of open runs by state, counted in visibility every 15 s). They go to the
   * process's Temporal `Runtime` meter: install the runtime with a metrics exporter first, e.g.
   * `Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: '0.0.0.0:9464' } } } })`
   * (`harness worker --metrics-port 9464` does both). See docs/observability.md.
   * @default false
   */
  metrics?: boolean;
  /**
   * Export traces (OTLP/HTTP). The worker then needs a workflow bundle built with `{ tracing: true }` (checked).
   * @default on when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (see `tracingEnabled`)
   */
  tracing?: boolean;
  workerOptions?: Partial<
    Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'workflowBundle' | 'workflowsPath' | 'activities' | 'dataConverter'>
  >;
}

export { DEFAULT_MAX_CACHED_WORKFLOWS };

/**
 * How long in-flight activities get to finish after `worker.shutdown()` (SIGTERM in the CLI)
 * before they are cancelled and retried on another worker. Keep your orchestrator's kill timeout
 * (Docker's `stop_grace_period`, Kubernetes' `terminationGracePeriodSeconds`) above it.
 */
export const DEFAULT_SHUTDOWN_GRACE_TIME = '30s';

/**
 * What {@link createHarnessWorker} returns: the SDK worker (run it with `worker.run()`), the loaded
 * workspace and the connection settings it uses; call `close()` once `worker.run()` has resolved.
 */
export interface HarnessWorker {
  worker: Worker;
  workspace: Workspace;
  settings: ConnectionSettings;
  /**
   * A {@link HarnessClient} on this worker's own connection, for an app (or `harness serve
   * --worker`) that starts runs in the worker's process: its runs start eagerly — the server hands
   * the first workflow task straight to this worker in the reply to the start, skipping a dispatch
   * (`RunHandle.eagerlyStarted` says when it did) — and falls back to an ordinary start when the
   * worker has no free slot. Same task queue, namespace and payload encoding as the worker; agents
   * checked against the workspace's. Its `close()` leaves the connection to this worker's `close()`,
   * after which the client no longer works.
   * @example
   * const hw = await createHarnessWorker();
   * const harness = hw.client();
   * const running = hw.worker.run();
   * const run = await harness.startRun({ agentId: 'support', input: 'Where is order A-1001?' });
   */
  client(options?: Pick<HarnessClientOptions, 'knownAgents' | 'eagerStart'>): HarnessClient;
  /**
   * Closes the connections the worker opened (and its memory store). Call after `worker.run()`
   * resolves, or instead of running it (a worker never run is started and stopped first).
   */
  close(): Promise<void>;
}

/**
 * Loads the workspace (refusing to start on a bad one), connects, and creates the worker.
 * @throws {WorkspaceError} when the workspace file is invalid, an MCP server cannot be reached, or
 *   an agent names an MCP tool its server does not list.
 * @throws {CodecError} `INVALID_ENCRYPTION_KEY` when an encryption key variable is malformed.
 * @throws {ConnectionConfigError} when a TLS setting is unusable (e.g. a certificate path that does not exist).
 * @example
 * const { worker, close } = await createHarnessWorker({ workspace: 'harness.yaml' });
 * await worker.run(); await close();
 */
export async function createHarnessWorker(options: HarnessWorkerOptions = {}): Promise<HarnessWorker> {
  const ownsWorkspace = typeof options.workspace !== 'object';
  const loaded = typeof options.workspace === 'object' ? options.workspace : await loadWorkspace(options.workspace);
  // MCP servers are asked for their tools now, so a tool an agent names but its server lacks stops the worker here.
  const mcp = await connectMcpServers(loaded, { log: (level, message) => Runtime.instance().logger[level](message) });
  const { workspace } = mcp;
  const settings = connectionSettingsFromEnv(options);
  const dataConverter = options.dataConverter ?? dataConverterFromEnv();
  const credentials = options.credentials ?? connectionCredentialsFromEnv();
  const nativeConnection = await NativeConnection.connect({ address: settings.address, ...credentials }).catch(async (e: unknown) => {
    await mcp.close();
    throw e;
  });
  const connection = await connectClosable({ address: settings.address, ...credentials }).catch(async (e: unknown) => {
    await nativeConnection.close();
    await mcp.close();
    throw e;
  });
  // Activities read runs by query (transcript, tool context); the worker encodes those answers, so
  // this client must decode with the same converter.
  const client = new Client({ connection, namespace: settings.namespace, ...(dataConverter && { dataConverter }) });
  const encodeFailures = encodesFailures(dataConverter);
  const tracing = options.tracing ?? tracingEnabled();
  let bundleHasTracing = tracing;
  try {
    if (options.workflowBundle && encodeFailures) await checkBundleEncodesFailures(options.workflowBundle);
    if (options.workflowBundle) bundleHasTracing = await bundleTraces(options.workflowBundle);
    if (tracing && !bundleHasTracing) throw untracedBundle();
  } catch (err) {
    await closeConnection(connection);
    await nativeConnection.close();
    throw err;
  }
  const workflowBundle = options.workflowBundle ?? (await bundleHarnessWorkflows({ encodeFailures, tracing }));
  const telemetry: WorkerTracing | undefined = tracing ? createWorkerTracing() : undefined;
  const gauges = options.metrics ? startRunGauges(client, Runtime.instance().metricMeter, settings.taskQueue) : undefined;
  const stopTelemetry = async () => {
    gauges?.stop();
    await telemetry?.shutdown();
  };
  const interceptors = mergeActivityInterceptors(options.workerOptions?.interceptors, [
    ...(telemetry?.interceptors.activity ?? []),
    ...(options.metrics ? [activityMetrics(workspace)] : []),
  ]);
  // A tracing bundle's workflows export spans through this sink: give them one even when not tracing.
  const sinks = telemetry?.sinks ?? (bundleHasTracing ? DISCARDING_SINKS : undefined);
  try {
    const worker = await Worker.create({
      maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
      shutdownGraceTime: DEFAULT_SHUTDOWN_GRACE_TIME,
      ...options.workerOptions,
      ...(interceptors && { interceptors }),
      ...(sinks && { sinks: { ...options.workerOptions?.sinks, ...sinks } }),
      connection: nativeConnection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      workflowBundle,
      // Codecs run in the worker's main thread, outside the workflow sandbox.
      ...(dataConverter && { dataConverter }),
      activities: createActivities({ workspace, client }),
    });
    return {
      worker,
      workspace,
      settings,
      client: (clientOptions = {}) =>
        new HarnessClient(new Client({ connection: nativeConnection, namespace: settings.namespace, interceptors: harnessClientInterceptors(), ...(dataConverter && { dataConverter }) }), {
          ...settings,
          knownAgents: clientOptions.knownAgents ?? [...workspace.agents.keys()],
          ...(clientOptions.eagerStart !== undefined && { eagerStart: clientOptions.eagerStart }),
          ownsConnection: false,
          // Plans with the workspace this worker's `planRun` activity uses, so runs started here
          // skip that local activity in their first workflow task.
          planner: (input) => planWithoutModel(workspace, planInputOf(input)),
        }),
      close: async () => {
        // A worker that never ran still holds the connection (closing it would throw): run it to a
        // stop at once, so an app that gives up before running it can still close cleanly.
        if (worker.getState() === 'INITIALIZED') await worker.runUntil(Promise.resolve());
        await stopTelemetry();
        await closeConnection(connection);
        await nativeConnection.close();
        await mcp.close();
        // A workspace the caller passed in is the caller's to close.
        if (ownsWorkspace) await workspace.memory?.close();
      },
    };
  } catch (err) {
    await stopTelemetry();
    await closeConnection(connection);
    await nativeConnection.close();
    await mcp.close();
    throw err;
  }
}

/** The caller's worker interceptors with ours added to its activity interceptors. */
function mergeActivityInterceptors(
  given: WorkerOptions['interceptors'],
  ours: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']>,
): WorkerOptions['interceptors'] {
  if (ours.length === 0) return given;
  return { ...given, activity: [...ours, ...(given?.activity ?? [])] };
}
