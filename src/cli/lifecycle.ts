/**
 * Process lifecycle of the long-running commands (`worker`, `dev`, `demo`): a quiet SDK runtime,
 * Ctrl-C / SIGTERM handling we own (so the order of shutdown is ours: worker first, then server),
 * and a worker run in the background.
 */
import type { HarnessWorker } from '../worker/create-worker.js';
import { err } from './output.js';

/**
 * Installs the Temporal runtime with WARN-level logs (`HARNESS_LOG_LEVEL` to change) and without
 * its own signal handlers: we shut the worker down ourselves, before stopping a dev server.
 */
export async function installRuntime(options: { metricsPort?: number } = {}): Promise<void> {
  const { DefaultLogger, Runtime } = await import('@temporalio/worker');
  const level = (process.env.HARNESS_LOG_LEVEL ?? 'WARN').toUpperCase() as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  // One Prometheus endpoint for the SDK's metrics and ours (both go through the runtime's meter).
  const metrics = options.metricsPort === undefined ? undefined : { prometheus: { bindAddress: `0.0.0.0:${options.metricsPort}` } };
  Runtime.install({ logger: new DefaultLogger(level), shutdownSignals: [], ...(metrics && { telemetryOptions: { metrics } }) });
}

export interface ShutdownSignal {
  /** Resolves with the first SIGINT/SIGTERM. */
  readonly received: Promise<NodeJS.Signals>;
  readonly requested: boolean;
  /** Removes the handlers. */
  dispose(): void;
}

/**
 * Catches SIGINT/SIGTERM so the command can shut down in order. A second signal exits at once
 * (the dev-server launcher still kills its child on exit).
 */
export function onShutdownSignal(): ShutdownSignal {
  let resolve!: (s: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  let requested = false;
  const handler = (signal: NodeJS.Signals) => {
    if (requested) {
      err(`${signal} again: exiting now.`);
      process.exit(130);
    }
    requested = true;
    resolve(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    received,
    get requested() {
      return requested;
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** A worker polling in the background. */
export interface BackgroundWorker {
  /** Settles when the worker stops (rejects if it crashed). */
  readonly done: Promise<void>;
  /** Graceful shutdown: stop polling, let in-flight tasks finish, close connections. */
  stop(): Promise<void>;
}

export function runInBackground(hw: HarnessWorker): BackgroundWorker {
  const done = hw.worker.run();
  done.catch(() => {}); // Observed by whoever awaits `done` or `stop()`.
  let stopping: Promise<void> | undefined;
  return {
    done,
    stop() {
      stopping ??= (async () => {
        if (hw.worker.getState() === 'RUNNING') hw.worker.shutdown();
        try {
          await done;
        } finally {
          await hw.close();
        }
      })();
      return stopping;
    },
  };
}

/** Waits for a shutdown signal or for the worker to stop on its own (a crash rethrows). */
export async function runUntilSignal(worker: BackgroundWorker, signal: ShutdownSignal): Promise<NodeJS.Signals | undefined> {
  return Promise.race([signal.received, worker.done.then(() => undefined)]);
}
