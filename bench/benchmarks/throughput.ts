/**
 * 6. Throughput: runs (model → tool → model, no approval) completed per second with 1 and 2
 * worker processes, a fixed number of runs in flight, and where the CPU goes: dev server, worker
 * processes, this driver, everything else on the machine (from /proc).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { nonce, type Benchmark } from '../lib/bench.js';
import { spawnChildWorker, type ChildWorker } from '../lib/child-worker.js';
import type { BenchContext } from '../lib/context.js';
import { bundleOf, commitOf } from '../lib/control-ref.js';
import { summarizeProfiles, type ProfileSummary } from '../lib/cpu-profile.js';
import { machineBusyShare, machineCpu, processesCpuMs } from '../lib/proc.js';
import { ms, pct, percentile, ratio, sleep, summarize, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

interface Config {
  /** `baseline+zod`: the baseline whose bundle also imports zod (bench/workflows/baseline-zod.ts). */
  workflow: 'agentRun' | 'baseline' | 'baseline+zod';
  workers: number;
  inFlight: number;
  /**
   * Who starts the runs: this driver (its own connection), or the worker process itself on the
   * worker's connection with eager workflow start (an app embedding client and worker). Either
   * way the driver waits for the result.
   */
  start: 'driver' | 'eager';
  /** agentRun served by the `BENCH_THROUGHPUT_REF` checkout's worker and bundle (`agentRun@ref`). */
  ref?: boolean;
}

/**
 * BENCH_THROUGHPUT_REF=<dir>: a checkout of another commit (node_modules in place) whose worker
 * (its bench/worker-child.ts and src/) serves the `agentRun:ref` configurations, with that commit's
 * workflow bundle, on this run's server, alternated with the others round by round
 * (`agentRun:eager,agentRun:eager:ref`).
 */
const REF_DIR = process.env.BENCH_THROUGHPUT_REF || undefined;

/**
 * `BENCH_THROUGHPUT_CONFIGS=agentRun,agentRun:eager,baseline,baseline:eager` (workflow[:eager][:2w][:ref])
 * runs only those, in that order (an entry may repeat), in `BENCH_THROUGHPUT_ROUNDS` rounds.
 */
function configsFromEnv(list: string, inFlights: number[]): Config[] {
  return inFlights.flatMap((inFlight) =>
    list.split(',').map((entry): Config => {
      const [workflow, ...flags] = entry.trim().split(':');
      if (workflow !== 'agentRun' && workflow !== 'baseline' && workflow !== 'baseline+zod') throw new Error(`BENCH_THROUGHPUT_CONFIGS: unknown workflow "${workflow}"`);
      const ref = flags.includes('ref');
      if (ref && (workflow !== 'agentRun' || !REF_DIR)) throw new Error(`BENCH_THROUGHPUT_CONFIGS: "${entry}": :ref is for agentRun, with BENCH_THROUGHPUT_REF=<checkout of another commit>`);
      return { workflow, workers: flags.includes('2w') ? 2 : 1, inFlight, start: flags.includes('eager') ? 'eager' : 'driver', ...(ref && { ref }) };
    }),
  );
}

/**
 * BENCH_THROUGHPUT_ROUNDS=<n>: how many times the paired configurations run, alternating their order
 * round by round (A B C D, D C B A, …) so a box whose load drifts favours none of them.
 * @default 3
 */
const ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 3);

/**
 * The configurations that run once, after the rounds: two workers (no bare twin to compare with),
 * and baseline+zod (compared with the first round's bare workflow).
 */
const SINGLES = (inFlight: number): Config[] => [
  { workflow: 'agentRun', workers: 2, inFlight, start: 'driver' },
  { workflow: 'baseline+zod', workers: 1, inFlight, start: 'driver' },
];

/** The paired configurations: each agentRun next to the bare workflow started the same way. */
const PAIRED = (inFlight: number): Config[] => [
  { workflow: 'baseline', workers: 1, inFlight, start: 'driver' },
  { workflow: 'agentRun', workers: 1, inFlight, start: 'driver' },
  { workflow: 'baseline', workers: 1, inFlight, start: 'eager' },
  { workflow: 'agentRun', workers: 1, inFlight, start: 'eager' },
];

/** `configs` `rounds` times, every other round in reverse order. */
function roundsOf<T>(configs: readonly T[], rounds: number): { round: number; config: T }[] {
  return Array.from({ length: rounds }, (_, round) => (round % 2 === 0 ? configs : [...configs].reverse()).map((config) => ({ round, config }))).flat();
}

type Measured = Awaited<ReturnType<typeof measure>>;

export const throughput: Benchmark = {
  name: 'throughput',
  title: '6. Throughput (runs completed per second) and where the CPU goes',
  async run(ctx, log) {
    const full = ctx.mode === 'full';
    const windowMs = full ? 30_000 : 6_000;
    const warmupMs = full ? 5_000 : 2_000;
    const inFlights = full ? [20, 100] : [50];
    if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_THROUGHPUT_ROUNDS: "${process.env.BENCH_THROUGHPUT_ROUNDS}" is not a whole number ≥ 1`);
    const plan = inFlights.flatMap((inFlight) => [
      ...roundsOf(process.env.BENCH_THROUGHPUT_CONFIGS ? configsFromEnv(process.env.BENCH_THROUGHPUT_CONFIGS, [inFlight]) : PAIRED(inFlight), ROUNDS),
      ...(process.env.BENCH_THROUGHPUT_CONFIGS ? [] : SINGLES(inFlight).map((config) => ({ round: 0, config }))),
    ]);
    const rows: (string | number)[][] = [];
    const results: (Config & Measured & { round: number })[] = [];
    // One-worker configurations of the first round run under V8's CPU profiler: where each worker's time goes.
    const profileRoot = fileURLToPath(new URL(`../results/profiles/throughput-${ctx.mode}/`, import.meta.url));
    rmSync(profileRoot, { recursive: true, force: true });
    const profiles: { workflow: string; runs: number; summary: ProfileSummary }[] = [];
    const refBundle = plan.some(({ config }) => config.ref) && REF_DIR ? bundleOf(REF_DIR, join(ctx.dir, 'ref-harness-bundle.js')) : undefined;
    if (refBundle) log(`  agentRun@ref: the worker and workflow bundle of ${REF_DIR} (commit ${commitOf(REF_DIR!)})`);
    const profiledLabels = new Set<string>();
    for (const [n, { round, config }] of plan.entries()) {
      const profiled = config.workers === 1 && config.inFlight === inFlights[0] && !profiledLabels.has(label(config));
      if (profiled) profiledLabels.add(label(config));
      const profileDir = `${profileRoot}${n}-${config.workflow.replace('+', '-')}${config.ref ? '-ref' : ''}${config.start === 'eager' ? '-eager' : ''}/`;
      const r = await measure(ctx, config, n, warmupMs, windowMs, profiled ? profileDir : undefined, refBundle);
      if (profiled) {
        for (const summary of summarizeProfiles(profileDir, [...Object.values(ctx.bundlePaths), ...(refBundle ? [refBundle] : [])])) {
          profiles.push({ workflow: label(config), runs: r.totalCompleted, summary });
        }
      }
      results.push({ ...config, ...r, round });
      const cpu = r.cpuShareOfOneCore;
      rows.push([
        label(config),
        round + 1,
        config.workers,
        config.inFlight,
        r.completed,
        r.runsPerSecond.toFixed(1),
        ms(r.latency.p50),
        ms(r.latency.p95),
        pct(cpu.server),
        pct(cpu.workers),
        pct(cpu.driver),
        pct(cpu.other),
        pct(r.machineBusy),
        ms(r.cpuMsPerRun.server),
        ms(r.cpuMsPerRun.workers),
        bottleneck(r.cpuMsPerRun, r.machineBusy),
      ]);
      log(`  ${label(config)}, round ${round + 1}, ${config.workers} worker(s), ${config.inFlight} in flight: ${r.runsPerSecond.toFixed(1)} runs/s${profiled ? ' (profiled)' : ''}`);
    }
    const paired = pairedRatios(results);
    return {
      tables: [
        {
          title: `${windowMs / 1000} s measured after ${warmupMs / 1000} s warm-up per window; CPU as a share of ONE core (the machine has 2: 200% = all of it)`,
          text: table(
            ['workflow', 'round', 'workers', 'in flight', 'completed', 'runs/s', 'run p50 ms', 'run p95 ms', 'server CPU', 'workers CPU', 'driver CPU', 'other CPU', 'machine busy', 'server CPU ms/run', 'workers CPU ms/run', 'bottleneck'],
            rows,
          ),
        },
        ...(paired.length
          ? [
              {
                title: `Against the bare workflow started the same way, round by round (${ROUNDS} rounds; median, and the range over the rounds)`,
                text: table(
                  ['workflow', 'vs', 'in flight', 'runs/s', 'runs/s × bare', 'CPU ms/run (server + workers + driver)', 'CPU per run × bare', 'workers CPU per run × bare'],
                  paired.map((p) => [
                    p.label,
                    p.base,
                    p.inFlight,
                    spread(p.runsPerSecond, (v) => v.toFixed(1)),
                    spread(p.runsRatio, ratio),
                    spread(p.cpuPerRun, ms),
                    spread(p.cpuRatio, ratio),
                    spread(p.workersRatio, ratio),
                  ]),
                ),
              },
            ]
          : []),
        ...(profiles.length
          ? [
              {
                title: 'CPU profiles of the one-worker processes, first round (V8 --cpu-prof over the whole measurement, warm-up included; busy = not idle)',
                text: table(
                  ['workflow', 'thread', 'busy ms / run', 'where the time went (share of busy; "sandbox: X" = workflow code from bundled module X)'],
                  profiles
                    .filter((p) => p.summary.busyMs / p.runs > 1)
                    .map((p) => [
                      p.workflow,
                      p.summary.thread === 'main' ? 'main (activities, gRPC)' : p.summary.thread,
                      ms(p.summary.busyMs / p.runs),
                      p.summary.top.map((t) => `${t.category} ${pct(t.share)}`).join(', '),
                    ]),
                ),
              },
            ]
          : []),
      ],
      notes: [
        'An agentRun run: start → planRun (a local activity inside the first workflow task) → callModel (the new messages in its input, no query) → callTool (no query: the run has no context, state or files) → callModel (the two messages added since in its input) → result: 4 workflow tasks, 3 activity tasks, no query (a worker that lacks earlier messages — another worker, a restart — asks the run for those once). A baseline run: 4 workflow tasks, 3 activity tasks, no query (bench/workflows/baseline.ts, its own bundle); baseline+zod: the same with zod imported in its bundle.',
        'Rounds: the paired configurations run in turn, every other round in reverse order, each with a fresh worker process; a ratio compares two windows of the same round. The first round\'s one-worker windows run under the profiler (both sides of each pair alike).',
        '"other CPU": everything else on the machine during the window (other engineers\' tests on a shared box included).',
        '"eager start": the runs are started from the worker process itself, on its connection, with eager workflow start (HarnessWorker.client() for agentRun, requestEagerStart for the baseline); the driver still waits for each result. The JSON records how many starts the server granted eagerly (eagerStarts of totalCompleted). Such a worker process also pays the starting client\'s CPU.',
        'CPU ms per run is the figure that survives a shared machine: 2 dedicated cores (2,000 CPU-ms/s) would complete at most 2000 / (server + workers + driver ms per run) runs per second.',
        ...(refBundle ? [`agentRun@ref = the worker and bundle of ${REF_DIR} (commit ${commitOf(REF_DIR!)}), started like agentRun: same driver, same server.`] : []),
      ],
      data: { windowMs, warmupMs, rounds: ROUNDS, configs: results, paired, workerProfile: profiles },
    };
  },
};

interface PairedRatios {
  label: string;
  base: string;
  inFlight: number;
  /** Per round. */
  runsPerSecond: number[];
  runsRatio: number[];
  cpuPerRun: number[];
  cpuRatio: number[];
  workersRatio: number[];
}

/**
 * Every non-baseline one-worker configuration against the `baseline` of the same round, start and
 * number in flight: its figures and ratios per round.
 */
function pairedRatios(results: readonly (Config & Measured & { round: number })[]): PairedRatios[] {
  const total = (r: Measured) => r.cpuMsPerRun.server + r.cpuMsPerRun.workers + r.cpuMsPerRun.driver;
  const out = new Map<string, PairedRatios>();
  for (const r of results) {
    if (r.workflow === 'baseline' || r.workers !== 1) continue;
    const base = results.find((b) => b.workflow === 'baseline' && b.workers === 1 && b.round === r.round && b.start === r.start && b.inFlight === r.inFlight);
    if (!base) continue;
    const key = `${label(r)} ${r.inFlight}`;
    let p = out.get(key);
    if (!p) out.set(key, (p = { label: label(r), base: label(base), inFlight: r.inFlight, runsPerSecond: [], runsRatio: [], cpuPerRun: [], cpuRatio: [], workersRatio: [] }));
    p.runsPerSecond.push(r.runsPerSecond);
    p.runsRatio.push(r.runsPerSecond / base.runsPerSecond);
    p.cpuPerRun.push(total(r));
    p.cpuRatio.push(total(r) / total(base));
    p.workersRatio.push(r.cpuMsPerRun.workers / base.cpuMsPerRun.workers);
  }
  return [...out.values()];
}

/** "median (min–max)" of per-round values. */
function spread(values: readonly number[], format: (v: number) => string): string {
  if (values.length === 1) return format(values[0]!);
  return `${format(percentile(values, 50))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

/** The table's name for a configuration: the workflow, and how its runs start when eagerly. */
function label(config: Config): string {
  const workflow = config.ref ? `${config.workflow}@ref` : config.workflow;
  return config.start === 'eager' ? `${workflow}, eager start` : workflow;
}

/** Which process needs the most CPU per run, and whether the machine's cores were the limit. */
function bottleneck(perRun: { server: number; workers: number; driver: number }, machineBusy: number): string {
  const ours = [
    ['dev server', perRun.server],
    ['worker(s)', perRun.workers],
    ['driver', perRun.driver],
  ] as const;
  const top = [...ours].sort((a, b) => b[1] - a[1])[0]!;
  return machineBusy > 0.9 ? `machine CPU; most per run: ${top[0]}` : `${top[0]} (machine not saturated)`;
}

/** @param n the configuration's place in the list (its task queue's, so a repeated configuration gets a fresh one). */
async function measure(ctx: BenchContext, config: Config, n: number, warmupMs: number, windowMs: number, cpuProfileDir?: string, refBundle?: string) {
  const taskQueue = `bench-tput-${nonce}-${n}-${config.workflow.replace('+', '-')}${config.ref ? '-ref' : ''}-${config.workers}-${config.inFlight}-${config.start}`;
  const workers: ChildWorker[] = [];
  const bundle = config.workflow === 'agentRun' ? 'harness' : config.workflow === 'baseline' ? 'baseline' : 'baseline-zod';
  for (let i = 0; i < config.workers; i++) {
    workers.push(
      config.ref
        ? // The ref checkout's own bench/worker-child.ts (so its src/) with its own bundle.
          await spawnChildWorker({ address: ctx.server.address, workspaceFile: ctx.workspaceFile, taskQueue, bundle, bundlePath: refBundle! }, cpuProfileDir, REF_DIR)
        : await ctx.spawnWorker(taskQueue, { bundle, ...(cpuProfileDir && { cpuProfileDir }) }),
    );
  }
  try {
    const client = ctx.harness(taskQueue);
    const t0 = performance.now();
    const windowStart = t0 + warmupMs;
    const windowEnd = windowStart + windowMs;
    const latencies: number[] = [];
    let completed = 0;
    let totalCompleted = 0;
    let counter = 0;
    let eagerStarts = 0;
    const lane = async () => {
      while (performance.now() < windowEnd) {
        const started = performance.now();
        const runId = `tput-${taskQueue}-${counter++}`;
        if (config.start === 'eager') {
          // Started in a worker's process (round robin), on its connection; the driver waits as before.
          const { eagerlyStarted } = await workers[counter % workers.length]!.start({ runId, agentId: AGENTS.plain, input: ORDER_QUESTION });
          if (eagerlyStarted) eagerStarts += 1;
          await ctx.temporal.workflow.getHandle(runId).result();
        } else if (config.workflow === 'agentRun') {
          await (await client.startRun({ agentId: AGENTS.plain, input: ORDER_QUESTION, runId })).result();
        } else {
          await ctx.temporal.workflow.execute(BASELINE_AGENT_WORKFLOW, { workflowId: runId, taskQueue, args: [{ agentId: AGENTS.plain, input: ORDER_QUESTION }] });
        }
        const finished = performance.now();
        totalCompleted += 1;
        if (finished >= windowStart && finished < windowEnd) {
          completed += 1;
          latencies.push(finished - started);
        }
      }
    };
    const lanes = Array.from({ length: config.inFlight }, lane);
    await sleep(warmupMs);
    const before = await snapshot(ctx, workers);
    await sleep(windowMs);
    const after = await snapshot(ctx, workers);
    await Promise.all(lanes);
    const span = after.at - before.at;
    const share = (a: number, b: number) => (b - a) / span;
    const machineBusy = machineBusyShare(before.machine, after.machine);
    const server = share(before.server, after.server);
    const workersCpu = share(before.workers, after.workers);
    const driver = share(before.driver, after.driver);
    // Machine busy is a share of all cores; convert to "cores" to subtract our processes.
    const cores = os.cpus().length;
    const other = Math.max(0, machineBusy * cores - server - workersCpu - driver);
    const perRun = (share: number) => (completed ? (share * span) / completed : Number.NaN);
    return {
      completed,
      totalCompleted,
      eagerStarts,
      runsPerSecond: completed / (windowMs / 1000),
      cpuMsPerRun: { server: perRun(server), workers: perRun(workersCpu), driver: perRun(driver) },
      latency: summarize(latencies),
      cpuShareOfOneCore: { server, workers: workersCpu, driver, other },
      machineBusy,
      cores,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

async function snapshot(ctx: BenchContext, workers: ChildWorker[]) {
  const stats = await Promise.all(workers.map((w) => w.stats()));
  const cpu = process.cpuUsage();
  return {
    at: performance.now(),
    server: processesCpuMs(ctx.serverPids()),
    workers: stats.reduce((sum, s) => sum + s.cpuMs, 0),
    driver: (cpu.user + cpu.system) / 1000,
    machine: machineCpu(),
  };
}
