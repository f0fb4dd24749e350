/**
 * Counts what a workflow activation costs inside the SDK's sandbox, for workers in `debugMode`
 * (the sandbox then runs on this process's main thread, in the same reusable V8 context as on a
 * workflow thread): every entry of the SDK into the sandbox (`vm.Script.prototype.runInContext`,
 * by workflow type and entry point: `activate`, `tryUnblockConditions`, `concludeActivation`, …)
 * with its wall time, and every promise the sandbox makes (a V8 promise hook). A measuring tool
 * for bench/benchmarks/activation-cost.ts, never for a worker that serves anything else.
 *
 * `dropTimeout` runs the entries without the worker's `isolateExecutionTimeout`: Node then starts
 * no watchdog thread per entry, and the times are the work itself (see BENCHMARKS.md §0d).
 */
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Entries and promises of one workflow type. */
export interface SandboxTally {
  /** Entry point → calls and wall ms (`activate` also counts its job kinds, e.g. `activate:resolveActivity`). */
  entries: Record<string, { calls: number; ms: number }>;
  promises: number;
}

interface SandboxGlobals {
  __temporal_args?: [unknown, string, unknown[]];
  __TEMPORAL_ACTIVATOR__?: { info?: { workflowType?: string } };
}

let recording = false;
let dropTimeout = false;
let tallies = new Map<string, SandboxTally>();
let restore: (() => void) | undefined;
let stopPromiseHook: (() => void) | undefined;

const tallyOf = (type: string): SandboxTally => {
  let tally = tallies.get(type);
  if (!tally) tallies.set(type, (tally = { entries: {}, promises: 0 }));
  return tally;
};

/** Job kinds of an activation, e.g. `resolveActivity` or `doUpdate+queryWorkflow`. */
function jobKinds(args: unknown[]): string {
  const jobs = (args[0] as { jobs?: Record<string, unknown>[] } | undefined)?.jobs ?? [];
  const kinds = new Set(jobs.flatMap((job) => Object.keys(job).filter((k) => k !== 'variant' && job[k] != null)));
  return [...kinds].sort().join('+');
}

/** Wraps `runInContext` until {@link uninstallSandboxCounters}. */
export function installSandboxCounters(): void {
  if (restore) return;
  const original = vm.Script.prototype.runInContext;
  restore = () => {
    vm.Script.prototype.runInContext = original;
  };
  vm.Script.prototype.runInContext = function (this: vm.Script, context: vm.Context, options?: vm.RunningScriptOptions) {
    if (!recording) return original.call(this, context, options);
    const sandbox = context as SandboxGlobals;
    const call = sandbox.__temporal_args;
    // Read before the call: `dispose` clears the activator, and `activate` takes the start job off its list.
    const type = sandbox.__TEMPORAL_ACTIVATOR__?.info?.workflowType;
    const names = call ? (call[1] === 'activate' ? ['activate', `activate:${jobKinds(call[2])}`] : [call[1]]) : [];
    const opts = dropTimeout && options?.timeout !== undefined ? { ...options, timeout: undefined } : options;
    const t0 = performance.now();
    const result: unknown = original.call(this, context, opts);
    const ms = performance.now() - t0;
    const workflowType = type ?? sandbox.__TEMPORAL_ACTIVATOR__?.info?.workflowType;
    if (workflowType) {
      const entries = tallyOf(workflowType).entries;
      for (const name of names) {
        const entry = (entries[name] ??= { calls: 0, ms: 0 });
        entry.calls += 1;
        entry.ms += ms;
      }
    }
    return result;
  };
}

/** Puts `runInContext` back (the rest of the process runs unobserved). */
export function uninstallSandboxCounters(): void {
  stopCounting();
  restore?.();
  restore = undefined;
}

/** Counts the sandbox's promises by workflow type, until {@link stopCounting}. */
function countPromises(): () => void {
  const stop = v8.promiseHooks.createHook({
    init(promise: Promise<unknown>) {
      // A sandbox promise has the sandbox's Promise; its realm knows the workflow it belongs to.
      if (promise.constructor === Promise) return;
      const realmFunction = promise.constructor.constructor as FunctionConstructor;
      const activator = realmFunction('return globalThis.__TEMPORAL_ACTIVATOR__')() as SandboxGlobals['__TEMPORAL_ACTIVATOR__'];
      const type = activator?.info?.workflowType;
      if (type) tallyOf(type).promises += 1;
    },
  });
  return () => stop();
}

/**
 * Starts a fresh tally. `withoutTimeout` drops the entries' timeout (no watchdog thread);
 * `promises` counts the sandbox's promises too (the hook's own work then adds to the entries' time,
 * so time and promises are best counted in separate passes).
 */
export function startCounting({ withoutTimeout = false, promises = false }: { withoutTimeout?: boolean; promises?: boolean } = {}): void {
  tallies = new Map();
  dropTimeout = withoutTimeout;
  if (promises) stopPromiseHook = countPromises();
  recording = true;
}

/** Stops counting and returns the tally by workflow type. */
export function stopCounting(): Map<string, SandboxTally> {
  recording = false;
  dropTimeout = false;
  stopPromiseHook?.();
  stopPromiseHook = undefined;
  return tallies;
}
