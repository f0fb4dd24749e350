/** `harness worker`'s sizing knobs: flags over HARNESS_* variables, clear errors, an honest summary. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { describeWorkerLimits, metricsPort, workerTuning } from '../../src/cli/worker-options.js';

function refused(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe('INVALID_WORKER_OPTION');
    return e as CliError;
  }
  throw new Error('expected INVALID_WORKER_OPTION');
}

describe('workerTuning', () => {
  it('sets nothing when nothing is given, so the library defaults hold', () => {
    expect(workerTuning({}, {})).toEqual({});
  });

  it('reads the HARNESS_* variables, and flags win over them', () => {
    const env = {
      HARNESS_MAX_CONCURRENT_ACTIVITIES: '20',
      HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS: '8',
      HARNESS_MAX_CACHED_WORKFLOWS: '0',
      HARNESS_SHUTDOWN_GRACE_TIME: '2m',
    };
    expect(workerTuning({}, env)).toEqual({
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 8,
      maxCachedWorkflows: 0,
      shutdownGraceTime: 120_000,
    });
    expect(workerTuning({ maxCachedWorkflows: '500', shutdownGrace: '45s' }, env)).toMatchObject({ maxCachedWorkflows: 500, shutdownGraceTime: 45_000 });
    expect(workerTuning({ shutdownGrace: '0' }, {})).toEqual({ shutdownGraceTime: 0 });
  });

  it('names the flag or variable at fault and what it takes', () => {
    expect(refused(() => workerTuning({ maxConcurrentActivities: '0' }, {})).message).toBe(
      '--max-concurrent-activities must be a whole number of at least 1, got "0".',
    );
    expect(refused(() => workerTuning({}, { HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS: '1' })).message).toMatch(/^HARNESS_MAX_CONCURRENT_WORKFLOW_TASKS must be a whole number of at least 2/);
    expect(refused(() => workerTuning({}, { HARNESS_MAX_CACHED_WORKFLOWS: 'lots' })).message).toMatch(/^HARNESS_MAX_CACHED_WORKFLOWS .* got "lots"/);
    expect(refused(() => workerTuning({ shutdownGrace: '30' }, {})).message).toBe(
      '--shutdown-grace must be a duration such as "30s", "2m", "1h" or "7d", got "30". 0 cancels in-flight calls at once.',
    );
    expect(refused(() => workerTuning({}, { HARNESS_SHUTDOWN_GRACE_TIME: 'soon' })).message).toMatch(/^HARNESS_SHUTDOWN_GRACE_TIME/);
  });
});

describe('metricsPort', () => {
  it('is absent unless the flag or HARNESS_METRICS_PORT gives one; the flag wins', () => {
    expect(metricsPort({}, {})).toBeUndefined();
    expect(metricsPort({}, { HARNESS_METRICS_PORT: ' ' })).toBeUndefined();
    expect(metricsPort({}, { HARNESS_METRICS_PORT: '9464' })).toBe(9464);
    expect(metricsPort({ metricsPort: '9100' }, { HARNESS_METRICS_PORT: '9464' })).toBe(9100);
  });

  it('refuses what is not a TCP port, naming the flag or variable', () => {
    expect(refused(() => metricsPort({ metricsPort: '70000' }, {})).message).toBe('--metrics-port must be a whole number from 1 to 65535, got "70000".');
    expect(refused(() => metricsPort({}, { HARNESS_METRICS_PORT: 'prom' })).message).toMatch(/^HARNESS_METRICS_PORT .* got "prom"/);
  });
});

describe('describeWorkerLimits', () => {
  it('reports the compiled slot counts, cache size and grace time', () => {
    const fixed = (numSlots: number) => ({ type: 'fixed-size', numSlots });
    expect(
      describeWorkerLimits({
        maxCachedWorkflows: 500,
        shutdownGraceTimeMs: 30_000,
        tuner: { activityTaskSlotSupplier: fixed(100), workflowTaskSlotSupplier: fixed(40) },
      }),
    ).toBe('100 activities, 40 workflow tasks at once, 500 cached workflows, shutdown grace 30s');
    expect(describeWorkerLimits({ maxCachedWorkflows: 0, shutdownGraceTimeMs: 0 })).toBe('? activities, ? workflow tasks at once, 0 cached workflows, shutdown grace 0s');
  });
});
