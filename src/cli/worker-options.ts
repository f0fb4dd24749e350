/**
 * The sizing knobs `harness worker` exposes, from flags or the environment (flags win), and the
 * one-line summary of what the worker actually runs with. Pure: no SDK import.
 */
import { formatDuration, parseDuration } from '../common/durations.js';
import { isHarnessError } from '../common/errors.js';
import { CliError } from './errors.js';

export interface WorkerFlags {
  maxConcurrentActivities?: string;
  maxConcurrentWorkflowTasks?: string;
  maxCachedWorkflows?: string;
  shutdownGrace?: string;
  metricsPort?: string;
}

/** The variables each knob reads when its flag is absent (a container sets these). */
export const WORKER_ENV = {
  maxConcurrentActivities: 'HARNESS_MAX_CONCURRENT_ACTIVITIES',
  maxConcurrentWorkflowTasks: 'HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS',
  maxCachedWorkflows: 'HARNESS_MAX_CACHED_WORKFLOWS',
  shutdownGrace: 'HARNESS_SHUTDOWN_GRACE_TIME',
  metricsPort: 'HARNESS_METRICS_PORT',
} as const;

const FLAGS: Record<keyof WorkerFlags, string> = {
  maxConcurrentActivities: '--max-concurrent-activities',
  maxConcurrentWorkflowTasks: '--max-concurrent-workflow-tasks',
  maxCachedWorkflows: '--max-cached-workflows',
  shutdownGrace: '--shutdown-grace',
  metricsPort: '--metrics-port',
};

/**
 * The port of the worker's Prometheus endpoint, from `--metrics-port` or `HARNESS_METRICS_PORT`;
 * absent = no endpoint.
 * @throws {CliError} `INVALID_WORKER_OPTION` when it is not a port number.
 */
export function metricsPort(flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const flag = flags.metricsPort;
  const value = flag ?? (env[WORKER_ENV.metricsPort]?.trim() || undefined);
  if (value === undefined) return undefined;
  return integer({ value, source: flag !== undefined ? FLAGS.metricsPort : WORKER_ENV.metricsPort }, 1, 65_535);
}

/** What goes into `createHarnessWorker({ workerOptions })`; absent knobs keep the library's defaults. */
export interface WorkerTuning {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  shutdownGraceTime?: number;
}

/**
 * Reads the knobs from flags, else from `HARNESS_*` variables.
 * @throws {CliError} `INVALID_WORKER_OPTION` naming the flag or variable and what it takes.
 */
export function workerTuning(flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  const pick = (key: keyof WorkerFlags): { value: string; source: string } | undefined => {
    const flag = flags[key];
    if (flag !== undefined) return { value: flag, source: FLAGS[key] };
    const fromEnv = env[WORKER_ENV[key]];
    return fromEnv === undefined || fromEnv.trim() === '' ? undefined : { value: fromEnv, source: WORKER_ENV[key] };
  };
  const activities = pick('maxConcurrentActivities');
  const workflowTasks = pick('maxConcurrentWorkflowTasks');
  const cache = pick('maxCachedWorkflows');
  const grace = pick('shutdownGrace');
  const tuning: WorkerTuning = {
    ...(activities && { maxConcurrentActivityTaskExecutions: integer(activities, 1) }),
    // The SDK needs 2 or more when workflows are cached (one slot for the sticky queue, one for the shared queue).
    ...(workflowTasks && { maxConcurrentWorkflowTaskExecutions: integer(workflowTasks, 2) }),
    ...(cache && { maxCachedWorkflows: integer(cache, 0) }),
    ...(grace && { shutdownGraceTime: durationMs(grace) }),
  };
  return tuning;
}

/** The effective limits of a created worker (its compiled options), for the start-up log. */
export function describeWorkerLimits(options: {
  maxCachedWorkflows: number;
  shutdownGraceTimeMs: number;
  tuner?: { activityTaskSlotSupplier?: SlotSupplier; workflowTaskSlotSupplier?: SlotSupplier };
}): string {
  return [
    `${slots(options.tuner?.activityTaskSlotSupplier)} activities`,
    `${slots(options.tuner?.workflowTaskSlotSupplier)} workflow tasks at once`,
    `${options.maxCachedWorkflows} cached workflows`,
    `shutdown grace ${formatDuration(options.shutdownGraceTimeMs)}`,
  ].join(', ');
}

type SlotSupplier = { type: string; numSlots?: number; minimumSlots?: number; maximumSlots?: number };

function slots(s: SlotSupplier | undefined): string {
  // Compiled SDK options, not a public contract: say "?" rather than fail a worker's start.
  if (!s) return '?';
  if (s.type === 'fixed-size' && s.numSlots !== undefined) return String(s.numSlots);
  if (s.type === 'resource-based') return `${s.minimumSlots ?? '?'}-${s.maximumSlots ?? '?'} (resource-based)`;
  return s.type;
}

function integer({ value, source }: { value: string; source: string }, min: number, max?: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new CliError('INVALID_WORKER_OPTION', `${source} must be a whole number ${range}, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function durationMs({ value, source }: { value: string; source: string }): number {
  try {
    return parseDuration(value, { what: source });
  } catch (e) {
    if (!isHarnessError(e, 'INVALID_DURATION')) throw e;
    throw new CliError('INVALID_WORKER_OPTION', `${e.message} 0 cancels in-flight calls at once.`, { cause: e });
  }
}
