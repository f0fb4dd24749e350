/** `harness worker`: run agent runs for the workspace until Ctrl-C. */
import type { Command } from 'commander';
import { describeCredentials } from '../../client/connection.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../../common/defaults.js';
import { connectionCredentialsFromEnv } from '../../client/connection.js';
import { contextFrom, loadContextWorkspace, probeAddress } from '../context.js';
import { installRuntime, onShutdownSignal, runInBackground, runUntilSignal } from '../lifecycle.js';
import { printableEndpoint, tracesEndpoint } from '../../worker/telemetry/env.js';
import { c, cErr, err, out } from '../output.js';
import { describeWorkerLimits, metricsPort, WORKER_ENV, workerTuning, type WorkerFlags } from '../worker-options.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('run a worker for the workspace (until Ctrl-C)')
    .description(
      'Loads the workspace file (refusing to start if it has any problem), connects to Temporal and ' +
        'runs the agent runs of its task queue. Ctrl-C or SIGTERM shuts it down gracefully: it stops ' +
        'polling and gives in-flight model and tool calls the shutdown grace time to finish; calls still ' +
        'running then are cancelled and retried on another worker. Start more workers on the same task ' +
        'queue to share the load.',
    )
    .option('--max-concurrent-activities <n>', `model and tool calls at once (default: $${WORKER_ENV.maxConcurrentActivities} or 100)`)
    .option('--max-concurrent-workflow-tasks <n>', `workflow tasks at once, at least 2 (default: $${WORKER_ENV.maxConcurrentWorkflowTasks} or 40)`)
    .option('--max-cached-workflows <n>', `runs kept in memory between steps; 0 = none (default: $${WORKER_ENV.maxCachedWorkflows} or ${DEFAULT_MAX_CACHED_WORKFLOWS})`)
    .option('--shutdown-grace <duration>', `time in-flight calls get to finish on shutdown, e.g. 30s, 2m (default: $${WORKER_ENV.shutdownGrace} or 30s)`)
    .option('--metrics-port <port>', `serve Prometheus metrics on this port at /metrics (default: $${WORKER_ENV.metricsPort} or none)`)
    .addHelpText(
      'after',
      `
Examples:
  $ harness worker
  $ harness worker --workspace examples/harness.yaml --task-queue support
  $ TEMPORAL_ADDRESS=temporal.internal:7233 harness worker
  $ harness worker --max-concurrent-activities 20 --max-cached-workflows 100 --shutdown-grace 2m
  $ harness worker --metrics-port 9464
  $ OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 harness worker

Sizing and production notes: docs/production.md; traces and metrics: docs/observability.md`,
    )
    .action(async (opts: WorkerFlags, command: Command) => {
      const ctx = await contextFrom(command);
      const workerOptions = workerTuning(opts);
      const port = metricsPort(opts);
      const credentials = connectionCredentialsFromEnv();
      const workspace = await loadContextWorkspace(ctx);
      const { address, namespace, taskQueue } = ctx.settings;
      await probeAddress(address);
      await installRuntime({ metricsPort: port });
      const signal = onShutdownSignal();
      try {
        const { createHarnessWorker } = await import('../../worker/create-worker.js');
        err(cErr.dim('bundling workflow code…'));
        const hw = await createHarnessWorker({ workspace, ...ctx.settings, credentials, workerOptions, metrics: port !== undefined });
        const worker = runInBackground(hw);
        // Names the credential kinds only (describeCredentials never prints a key or certificate).
        out(
          `worker polling task queue ${c.bold(taskQueue)} on ${address} (namespace ${namespace}; ${describeCredentials(credentials)}); ` +
            `agents: ${[...workspace.agents.keys()].join(', ')}; workspace ${workspace.file}`,
          `limits: ${describeWorkerLimits(hw.worker.options)}`,
          ...(port !== undefined ? [`metrics: http://0.0.0.0:${port}/metrics`] : []),
          ...(tracesEndpoint() ? [`traces: OTLP/HTTP to ${printableEndpoint(tracesEndpoint()!)}`] : []),
        );
        // A crash falls through to stop(), which closes the connections and rethrows it.
        const stopSignal = signal.requested || (await runUntilSignal(worker, signal).catch(() => undefined));
        if (stopSignal) out('shutting down: no new work; waiting for in-flight calls to finish…');
        await worker.stop();
        out('worker stopped');
      } finally {
        signal.dispose();
      }
    });
}
