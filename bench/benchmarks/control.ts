/**
 * 0. What Temporal itself costs here: the bare model → tool → model workflow in TypeScript
 * (bench/workflows/baseline.ts) and in Go (bench/go-control), and agentRun, interleaved round by
 * round, each served by its own worker process (so each worker's CPU is its own). On the dev server
 * as the harness starts it (DEV_SERVER_DYNAMIC_CONFIG) and, for the plain scenario, on a second dev
 * server left on Temporal's defaults, which shows where the ~40 ms per task came from.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { HarnessClient } from '../../src/client/index.js';
import { DEV_SERVER_DYNAMIC_CONFIG, describeDynamicConfig, startDevServer, type DevServer, type DynamicConfigValue } from '../../src/devserver/index.js';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import { spawnChildWorker } from '../lib/child-worker.js';
import type { BenchContext } from '../lib/context.js';
import { bundleOf, commitOf, profileTables } from '../lib/control-ref.js';
import { ensureGoControl, GO_BARE_WORKFLOW, spawnGoWorker } from '../lib/go-control.js';
import { dispatchLatencies, fetchHistory } from '../lib/history.js';
import { processCpuMs, threadCpu, threadCpuDeltaMs, type ThreadCpu } from '../lib/proc.js';
import { ms, percentile, ratio, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

const EventType = proto.temporal.api.enums.v1.EventType;

type Scenario = 'model→tool→model' | '… with one approval';

/**
 * One way to run the scenario. `eager`: the run is started from the worker's own process, on the
 * worker's connection, asking for eager workflow start (the server hands the first workflow task
 * back in the start reply), as an app embedding client and worker does; otherwise the driver starts
 * it from this process. `local`: the bare workflow's model and tool calls as local activities.
 * `localTool`: only the tool call as a local activity (agentRun: a tool declared local, agents
 * `local-tool` / `local-gated`). `base`: the variant its per-round ratio is taken against (same
 * start path). `ref`: served by the worker and workflow bundle of the `BENCH_CONTROL_REF` checkout
 * instead of this one.
 */
interface VariantSpec {
  kind: 'ts' | 'go' | 'harness';
  eager: boolean;
  local?: boolean;
  localTool?: boolean;
  ref?: boolean;
  base: Variant;
}
type Variant =
  | 'TS bare'
  | 'Go bare'
  | 'agentRun'
  | 'agentRun@ref'
  | 'TS bare, eager start'
  | 'Go bare, eager start'
  | 'agentRun, eager start'
  | 'TS bare, eager start + local activities'
  | 'agentRun, eager start + local model and tool'
  | 'TS bare, local tool'
  | 'agentRun, local tool';
const SPECS: Record<Variant, VariantSpec> = {
  'TS bare': { kind: 'ts', eager: false, base: 'TS bare' },
  'Go bare': { kind: 'go', eager: false, base: 'TS bare' },
  agentRun: { kind: 'harness', eager: false, base: 'TS bare' },
  'agentRun@ref': { kind: 'harness', eager: false, ref: true, base: 'TS bare' },
  'TS bare, eager start': { kind: 'ts', eager: true, base: 'TS bare, eager start' },
  'Go bare, eager start': { kind: 'go', eager: true, base: 'TS bare, eager start' },
  'agentRun, eager start': { kind: 'harness', eager: true, base: 'TS bare, eager start' },
  'TS bare, eager start + local activities': { kind: 'ts', eager: true, local: true, base: 'TS bare, eager start' },
  'agentRun, eager start + local model and tool': { kind: 'harness', eager: true, local: true, base: 'TS bare, eager start + local activities' },
  'TS bare, local tool': { kind: 'ts', eager: false, localTool: true, base: 'TS bare, local tool' },
  'agentRun, local tool': { kind: 'harness', eager: false, localTool: true, base: 'TS bare, local tool' },
};
/**
 * BENCH_CONTROL_REF=<dir>: a checkout of another commit (node_modules in place) whose worker
 * (its bench/worker-child.ts and src/) serves `agentRun@ref`, driver-started, with that commit's
 * own workflow bundle, in the same rounds: a before/after of a harness change measured
 * interleaved, on the same server, in the same machine state.
 */
const REF_DIR = process.env.BENCH_CONTROL_REF || undefined;
/** BENCH_CONTROL_PROFILE=1: the TS workers of the tuned lane run under V8's CPU profiler. */
const PROFILE = process.env.BENCH_CONTROL_PROFILE === '1';
/** Every variant, in table order; `agentRun@ref` only with a `BENCH_CONTROL_REF` checkout. */
const ALL_VARIANTS = (Object.keys(SPECS) as Variant[]).filter((v) => REF_DIR || !SPECS[v].ref);
/** `BENCH_CONTROL_VARIANTS=a,b` (names as in the table) runs only those, plus the bases they need. */
const VARIANTS: Variant[] = selectVariants(process.env.BENCH_CONTROL_VARIANTS);
const DEFAULTS = "Temporal's defaults";
const TRANSFER_RATE = 'history.transferProcessorMaxPollRPS';
const EAGER = 'system.enableActivityEagerExecution';
/** The tool-call activity's type name per variant (to find "tool started" in a history). */
const TOOL_ACTIVITY = new Set(['baselineCallTool', 'CallTool', 'callTool']);

interface Measured {
  server: string;
  scenario: Scenario;
  variant: Variant;
  totals: number[];
  /** agentRun's or Go's time over TS bare's, per round (paired: same round, same machine state). */
  pairedRatios: number[];
  dispatch: number[];
  tasksPerRun: number;
  cpuMsPerRun: number;
  /** The worker's CPU per round (from just before its run to just before its next: one run and what follows it). */
  cpuPerRound: number[];
  /** That over the base variant's worker CPU in the same round. */
  cpuRatios: number[];
  /** Decision sent (update) → the tool's activity task started (server event time), approval only. */
  toolStart: number[];
  /** Of the histories read, how many runs the server started eagerly (`eagerExecutionAccepted`). */
  eagerStarts: number;
  historiesRead: number;
}

interface Lane {
  server: DevServer;
  client: Client;
  /** Clients starting the driver-started agentRun variants (`agentRun`, `agentRun@ref`) on their queues. */
  harness: Partial<Record<Variant, HarnessClient>>;
  queues: Record<Variant, string>;
  pids: Record<Variant, number>;
  /** Starts a run from the variant's worker process (eager variants). */
  startInWorker: Record<Variant, (id: string, input: { agentId: string; input: string; approval: boolean; local: boolean }) => Promise<void>>;
  stop(): Promise<void>;
}

export const control: Benchmark = {
  name: 'control',
  title: '0. What Temporal costs here: bare workflow in TS and Go vs agentRun, tuned vs default server',
  async run(ctx, log) {
    const rounds = ctx.mode === 'full' ? 100 : 20;
    const defaultRounds = ctx.mode === 'full' ? 30 : 8;
    const warmup = 3;
    const goBinary = await ensureGoControl(log);
    const results: Measured[] = [];

    const refBundle = REF_DIR ? bundleOf(REF_DIR, join(ctx.dir, 'ref-harness-bundle.js')) : undefined;
    if (REF_DIR) log(`  agentRun@ref: the worker and workflow bundle of ${REF_DIR} (commit ${commitOf(REF_DIR)})`);
    const profileRoot = PROFILE ? fileURLToPath(new URL(`../results/profiles/control-${ctx.mode}/`, import.meta.url)) : undefined;
    if (profileRoot) rmSync(profileRoot, { recursive: true, force: true });
    const tuned = await openLane(ctx, ctx.server, goBinary, 'tuned', refBundle, profileRoot);
    try {
      for (const scenario of ['model→tool→model', '… with one approval'] as const) {
        results.push(...(await measure(tuned, 'tuned', scenario, rounds, warmup)));
        log(`  tuned server, ${scenario}: done`);
      }
    } finally {
      await tuned.stop();
    }
    if (profileRoot) writeFileSync(join(profileRoot, 'measured-from-us.txt'), String(measuredFromUs)); // for other tools
    const profiles = profileRoot ? profileTables(profileRoot, measuredFromUs, [ctx.bundlePaths.baseline, ctx.bundlePaths.harness, ...(refBundle ? [refBundle] : [])]) : [];

    // Other servers, plain scenario only: Temporal's defaults always; with --full or
    // BENCH_CONTROL_SWEEP=1 also the transfer-queue rate alone at 10 and 200 per second, and the
    // tuned config without eager activities (what each part of it buys).
    const sweep = ctx.mode === 'full' || process.env.BENCH_CONTROL_SWEEP === '1';
    const others: { label: string; config: Record<string, DynamicConfigValue> }[] = [
      { label: DEFAULTS, config: {} },
      ...(sweep
        ? [
            { label: 'transfer 10/s only', config: { [TRANSFER_RATE]: 10 } },
            { label: 'transfer 200/s only', config: { [TRANSFER_RATE]: 200 } },
            { label: 'tuned, eager off', config: { ...DEV_SERVER_DYNAMIC_CONFIG, [EAGER]: false } },
          ]
        : []),
    ];
    for (const [n, other] of others.entries()) {
      const server = await startDevServer({ dbFile: join(ctx.dir, `temporal-other-${n}.db`), logLevel: 'error', dynamicConfig: other.config });
      const lane = await openLane(ctx, server, goBinary, `other${n}`, refBundle);
      try {
        results.push(...(await measure(lane, other.label, 'model→tool→model', defaultRounds, warmup)));
        log(`  ${other.label}, model→tool→model: done`);
      } finally {
        await lane.stop();
        await server.stop();
      }
    }

    const spread = (v: number[]) => `${ms(percentile(v, 25))}–${ms(percentile(v, 75))}`;
    const rows = results.map((r) => [
      r.server,
      r.scenario,
      r.variant,
      r.totals.length,
      ms(percentile(r.totals, 50)),
      spread(r.totals),
      SPECS[r.variant].base === r.variant ? '1×' : `${ratio(percentile(r.pairedRatios, 50))} (${percentile(r.pairedRatios, 25).toFixed(2)}–${percentile(r.pairedRatios, 75).toFixed(2)}) vs ${SPECS[r.variant].base}`,
      `${r.eagerStarts}/${r.historiesRead}`,
      r.tasksPerRun.toFixed(0),
      ms(percentile(r.dispatch, 50)),
      SPECS[r.variant].base === r.variant ? ms(r.cpuMsPerRun) : `${ms(r.cpuMsPerRun)} (${spreadRatio(r.cpuRatios)})`,
      r.toolStart.length ? ms(percentile(r.toolStart, 50)) : '',
    ]);
    const find = (server: string, scenario: Scenario, variant: Variant) => results.find((r) => r.server === server && r.scenario === scenario && r.variant === variant)!;
    const serverRows = others.filter((o) => o.label !== DEFAULTS).map((o) => `${o.label} = ${describeDynamicConfig(o.config)}`).join('; ');
    // Per-round ratios against each variant's base (agentRun@ref's base is TS bare too).
    const cpuOverBase = (v: Variant) => (VARIANTS.includes(v) ? spreadRatio(find('tuned', 'model→tool→model', v).cpuRatios) : undefined);
    const cpuRatio = cpuOverBase('agentRun');
    const refCpu = cpuOverBase('agentRun@ref');
    const eagerCpu = cpuOverBase('agentRun, eager start');
    const localCpu = cpuOverBase('agentRun, eager start + local model and tool');
    // Over the driver-started variants: an eager start's first task and a local activity have no dispatch to measure.
    const dispatched = VARIANTS.filter((v) => !SPECS[v].eager);
    const dispatchTuned = percentile(dispatched.flatMap((v) => find('tuned', 'model→tool→model', v).dispatch), 50);
    const dispatchDefault = percentile(dispatched.flatMap((v) => find(DEFAULTS, 'model→tool→model', v).dispatch), 50);
    return {
      tables: [
        {
          title: `interleaved, ${rounds} rounds per scenario on the tuned server (${defaultRounds} on each other server) after ${warmup} warm-up rounds; one worker process per variant; ms`,
          text: table(
            ['server', 'scenario', 'variant', 'n', 'p50', 'p25–p75', '× base p50 (p25–p75 of per-round ratios)', 'eager starts', 'tasks/run', 'dispatch p50', 'worker CPU/run (× base: p50, p25–p75 of per-round ratios)', 'update → tool started p50'],
            rows,
          ),
        },
        ...profiles,
      ],
      notes: [
        `tuned = DEV_SERVER_DYNAMIC_CONFIG (${describeDynamicConfig(ctx.server.dynamicConfig)}); ${DEFAULTS} = no dynamic config${serverRows ? `; ${serverRows}` : ''}.`,
        `per-task dispatch back to back, p50 over the driver-started variants: ${ms(dispatchTuned)} ms tuned, ${ms(dispatchDefault)} ms on Temporal's defaults (target ≤ 2 ms).`,
        ...(cpuRatio === undefined
          ? []
          : [
              `worker CPU per run, agentRun / TS bare, p50 (p25–p75) of per-round ratios: ${cpuRatio}${eagerCpu === undefined ? '' : `; both eagerly started: ${eagerCpu}`}${localCpu === undefined ? '' : `; all calls local: ${localCpu}`} (target ≤ 1.3×)${refCpu === undefined ? '' : `; agentRun@ref / TS bare: ${refCpu}`}.`,
            ]),
        ...(REF_DIR ? [`agentRun@ref = the worker and bundle of ${REF_DIR} (commit ${commitOf(REF_DIR)}), started by the driver like agentRun: same client, same server, same rounds.`, ...againstRef(results)] : []),
        ...(PROFILE ? ["The tuned lane's TS workers ran under V8's CPU profiler (slower): compare its CPU figures with each other, not with unprofiled runs."] : []),
        ...(VARIANTS.some((v) => SPECS[v].localTool)
          ? [
              '"local tool" variants: the tool call as a local activity, the model calls as activities (agentRun: the same tool declared `tools.perTool.<name>.local: true`); their ratios are against "TS bare, local tool". "update → tool started" has no figure for them: there is no activity task, the tool starts inside the workflow task that handles the update.',
            ]
          : []),
        ...(VARIANTS.some((v) => SPECS[v].eager)
          ? [
              '"eager start" variants: the run is started from its worker\'s own process on the worker\'s connection with eager workflow start (HarnessWorker.client() for agentRun, requestEagerStart for TS, EnableEagerStart for Go); "eager starts" counts the histories read whose WorkflowExecutionStarted says eagerExecutionAccepted. Their ratios are against "TS bare, eager start". "+ local activities": the bare workflow\'s model and tool calls as local activities (markers in history, no activity task). "agentRun, eager start + local model and tool": the same for agentRun (the model declared `models.<id>.local: true`, the tool `tools.perTool.<name>.local: true`), its ratio against "TS bare, eager start + local activities".',
            ]
          : []),
        '"dispatch": scheduled → started per workflow or activity task in the histories (an eagerly dispatched activity starts in the same instant it is scheduled); "tasks/run" counts those tasks.',
        '"worker CPU/run": CPU time of the variant\'s worker process over the scenario, divided by its runs, summed over its threads from the scheduler\'s counters (/proc/<pid>/task/*/sched, ns; /proc\'s 10 ms ticks where the kernel lacks them); in brackets its ratio to the base variant\'s worker, round by round (each worker read just before each of its runs); the Go worker is a static Go binary, the TS workers are Node processes (createHarnessWorker for agentRun, a plain Worker for TS bare).',
        '"update → tool started": the driver\'s clock before executeUpdate to the tool activity\'s ActivityTaskStarted event time (same machine clock), i.e. until the server hands the tool\'s task to the worker.',
      ],
      data: { rounds, defaultRounds, warmup, results },
    };
  },
};

/**
 * @param refBundle the `BENCH_CONTROL_REF` checkout's harness bundle (for `agentRun@ref`).
 * @param profileRoot profile the lane's TS workers (node --cpu-prof), one folder per variant there.
 */
async function openLane(ctx: BenchContext, server: DevServer, goBinary: string, tag: string, refBundle?: string, profileRoot?: string): Promise<Lane> {
  const base = `bench-control-${tag}-${nonce}`;
  const queues = Object.fromEntries(VARIANTS.map((v, n) => [v, `${base}-${SPECS[v].kind}-${n}`])) as Record<Variant, string>;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const common = { address: server.address, workspaceFile: ctx.workspaceFile };
  const profileDir = (v: Variant) => profileRoot && join(profileRoot, v.replace(/[^\w@]+/g, '-'));
  // One worker process per variant, so each variant's worker CPU is its own.
  const workers = await Promise.all(
    VARIANTS.map(async (v) => {
      const spec: VariantSpec = SPECS[v];
      if (spec.kind === 'go') {
        const go = await spawnGoWorker(goBinary, server.address, queues[v]);
        return { pid: go.pid, stop: go.stop, start: (id: string, input: { agentId: string; input: string; approval: boolean }) => go.start(id, input) };
      }
      const bundle = spec.kind === 'ts' ? 'baseline' : 'harness';
      // agentRun@ref: the ref checkout's own bench/worker-child.ts (so its src/) with its own bundle.
      const bundlePath = spec.ref ? refBundle! : ctx.bundlePaths[bundle];
      const child = await spawnChildWorker({ ...common, taskQueue: queues[v], bundle, bundlePath }, profileDir(v), spec.ref ? REF_DIR : undefined);
      return {
        pid: child.pid,
        stop: child.stop,
        start: async (id: string, input: { agentId: string; input: string; approval: boolean; local: boolean }) => {
          const { eagerlyStarted } = await child.start({ runId: id, ...input });
          // Not fatal (the server may refuse when the worker has no free slot), but worth knowing.
          if (!eagerlyStarted) console.warn(`control: ${id} (${v}) was not started eagerly`);
        },
      };
    }),
  );
  const byVariant = <T>(pick: (w: (typeof workers)[number]) => T) => Object.fromEntries(VARIANTS.map((v, n) => [v, pick(workers[n]!)])) as Record<Variant, T>;
  return {
    server,
    client,
    harness: Object.fromEntries(VARIANTS.filter((v) => SPECS[v].kind === 'harness' && !SPECS[v].eager).map((v) => [v, new HarnessClient(client, { taskQueue: queues[v] })])),
    queues,
    pids: byVariant((w) => w.pid),
    startInWorker: byVariant((w) => w.start),
    stop: async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await connection.close();
    },
  };
}

/**
 * The variants a `BENCH_CONTROL_VARIANTS` list names, with the bases their ratios need, in table
 * order; with `BENCH_CONTROL_REF` always `agentRun@ref` and `agentRun` (the after/before ratio).
 */
function selectVariants(list: string | undefined): Variant[] {
  if (!list) return ALL_VARIANTS;
  const wanted = new Set<Variant>(splitVariantList(list));
  for (const v of wanted) {
    if (SPECS[v].ref && !REF_DIR) throw new Error(`BENCH_CONTROL_VARIANTS: "${v}" needs BENCH_CONTROL_REF=<checkout of another commit>`);
  }
  if (REF_DIR) wanted.add('agentRun@ref').add('agentRun');
  // A Set's iteration visits what is added meanwhile: the bases' bases too ("… + local activities" → "TS bare, eager start").
  for (const v of wanted) wanted.add(SPECS[v].base);
  return ALL_VARIANTS.filter((v) => wanted.has(v));
}

/**
 * Splits a comma-separated variant list. Names contain commas themselves ("agentRun, eager
 * start"), so each item is the longest known name the rest of the list starts with.
 */
function splitVariantList(list: string): Variant[] {
  const names = (Object.keys(SPECS) as Variant[]).sort((a, b) => b.length - a.length);
  const out: Variant[] = [];
  let rest = list.trim();
  while (rest) {
    const name = names.find((n) => rest === n || (rest.startsWith(n) && /^\s*,/.test(rest.slice(n.length))));
    if (!name) throw new Error(`BENCH_CONTROL_VARIANTS: unknown variant "${rest.split(',')[0]!.trim()}"; known: ${ALL_VARIANTS.join('; ')}`);
    out.push(name);
    rest = rest.slice(name.length).replace(/^\s*,\s*/, '');
  }
  return out;
}

/** `1.23× (1.10–1.35)`: the median of paired per-round ratios and their p25–p75. */
function spreadRatio(ratios: number[]): string {
  return `${ratio(percentile(ratios, 50))} (${percentile(ratios, 25).toFixed(2)}–${percentile(ratios, 75).toFixed(2)})`;
}

/** agentRun's time over agentRun@ref's, per round (paired), per server and scenario. */
function againstRef(results: Measured[]): string[] {
  return results
    .filter((r) => r.variant === 'agentRun')
    .map((r) => {
      const ref = results.find((x) => x.variant === 'agentRun@ref' && x.server === r.server && x.scenario === r.scenario)!;
      const paired = r.totals.map((t, n) => t / ref.totals[n]!);
      return `agentRun / agentRun@ref, ${r.server}, ${r.scenario}: p50 of per-round ratios ${ratio(percentile(paired, 50))} (p25–p75 ${percentile(paired, 25).toFixed(2)}–${percentile(paired, 75).toFixed(2)}); worker CPU/run ${ms(r.cpuMsPerRun)} vs ${ms(ref.cpuMsPerRun)} ms, per round ${spreadRatio(r.cpuPerRound.map((c, n) => c / ref.cpuPerRound[n]!))}.`;
    });
}

async function measure(lane: Lane, server: string, scenario: Scenario, rounds: number, warmup: number): Promise<Measured[]> {
  const approval = scenario !== 'model→tool→model';
  const totals = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const toolStarts = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const ids = new Map<Variant, string[]>(VARIANTS.map((v) => [v, []]));
  // Each worker's CPU just before each of its measured runs, then once after the last round: per
  // thread to the scheduler's precision, or /proc's ticks where the kernel has no such counter.
  const cpuReadings = new Map<Variant, (ThreadCpu | number)[]>(VARIANTS.map((v) => [v, []]));
  const readCpu = (v: Variant) => cpuReadings.get(v)!.push(threadCpu(lane.pids[v]) ?? processCpuMs(lane.pids[v]) ?? Number.NaN);
  let counter = 0;
  for (let i = 0; i < warmup + rounds; i++) {
    if (i === warmup) measuredFromUs ||= Number(process.hrtime.bigint() / 1000n);
    // Rotate the order every round: no variant always runs first.
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(k + i) % VARIANTS.length]!;
      const id = `ctl-${nonce}-${server === 'tuned' ? 't' : 'd'}-${approval ? 'a' : 'p'}-${counter++}`;
      if (i >= warmup) readCpu(variant);
      const sample = await runOnce(lane, variant, approval, id);
      if (i < warmup) continue;
      totals.get(variant)!.push(sample.total);
      ids.get(variant)!.push(id);
      if (sample.decidedAt !== undefined) toolStarts.get(variant)!.push(sample.decidedAt);
    }
  }
  VARIANTS.forEach(readCpu);
  const cpuPerRound = new Map(VARIANTS.map((v) => [v, cpuReadings.get(v)!.slice(1).map((after, n) => cpuDelta(cpuReadings.get(v)![n]!, after))]));
  const out: Measured[] = [];
  for (const variant of VARIANTS) {
    const variantIds = ids.get(variant)!;
    // Histories of every measured run would cost as much as the runs: the last 10 tell the dispatch.
    const histories = await Promise.all(variantIds.slice(-10).map((id) => fetchHistory(lane.client, id)));
    const dispatch = histories.flatMap((h) => {
      const d = dispatchLatencies(h);
      return [...d.workflowTasks, ...d.activityTasks];
    });
    const eagerStarts = histories.filter((h) => eagerlyStarted(h)).length;
    const toolStart: number[] = [];
    if (approval) {
      const decided = toolStarts.get(variant)!;
      const all = await Promise.all(variantIds.map((id) => fetchHistory(lane.client, id)));
      all.forEach((h, n) => {
        const started = toolStartedAt(h);
        if (started !== undefined) toolStart.push(started - decided[n]!);
      });
    }
    const list = totals.get(variant)!;
    const base = totals.get(SPECS[variant].base)!;
    out.push({
      server,
      scenario,
      variant,
      totals: list,
      pairedRatios: list.map((t, n) => t / base[n]!),
      dispatch,
      tasksPerRun: dispatch.length / Math.max(histories.length, 1),
      cpuMsPerRun: cpuPerRound.get(variant)!.reduce((a, b) => a + b, 0) / rounds,
      cpuPerRound: cpuPerRound.get(variant)!,
      cpuRatios: cpuPerRound.get(variant)!.map((c, n) => c / cpuPerRound.get(SPECS[variant].base)![n]!),
      toolStart,
      eagerStarts,
      historiesRead: histories.length,
    });
  }
  return out;
}

/** CPU ms between two readings of one worker (per-thread readings, or tick totals). */
function cpuDelta(before: ThreadCpu | number, after: ThreadCpu | number): number {
  return typeof before === 'number' || typeof after === 'number' ? Number(after) - Number(before) : threadCpuDeltaMs(before, after);
}

/** When the first scenario's measured rounds began (µs, monotonic): profiles are read from there. */
let measuredFromUs = 0;

/** The wall clock in ms with sub-ms precision (comparable with the server's event times here). */
const epochNow = () => performance.timeOrigin + performance.now();

async function runOnce(lane: Lane, variant: Variant, approval: boolean, id: string): Promise<{ total: number; decidedAt?: number }> {
  const spec: VariantSpec = SPECS[variant];
  const agentId = agentFor(spec, approval);
  const t0 = performance.now();
  if (spec.eager) {
    await lane.startInWorker[variant](id, { agentId, input: ORDER_QUESTION, approval, local: spec.local === true });
  } else if (spec.kind === 'harness') {
    await lane.harness[variant]!.startRun({ agentId, input: ORDER_QUESTION, runId: id });
  } else {
    await lane.client.workflow.start(spec.kind === 'go' ? GO_BARE_WORKFLOW : BASELINE_AGENT_WORKFLOW, {
      workflowId: id,
      taskQueue: lane.queues[variant],
      args: [{ agentId, input: ORDER_QUESTION, approval, ...(spec.localTool && { localTool: true }) }],
    });
  }
  const handle: WorkflowHandle = lane.client.workflow.getHandle(id);
  if (!approval) {
    await handle.result();
    return { total: performance.now() - t0 };
  }
  const approvalId = await waitForPending(handle, spec.kind === 'harness' ? 'harness' : 'baseline');
  const decidedAt = epochNow();
  await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
  await handle.result();
  return { total: performance.now() - t0, decidedAt };
}

/** The bench agent a variant runs (the bare workflows take the plain one's name for their activities). */
function agentFor(spec: VariantSpec, approval: boolean): string {
  if (spec.kind !== 'harness') return AGENTS.plain;
  if (spec.local) return approval ? AGENTS.allLocalGated : AGENTS.allLocal;
  if (spec.localTool) return approval ? AGENTS.localGated : AGENTS.localTool;
  return approval ? AGENTS.gated : AGENTS.plain;
}

/** Whether the server started the run eagerly (its first workflow task went back in the start reply). */
function eagerlyStarted(history: Awaited<ReturnType<typeof fetchHistory>>): boolean {
  const started = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  return started?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted === true;
}

/** Event time (epoch ms) of the tool-call activity's ActivityTaskStarted. */
function toolStartedAt(history: Awaited<ReturnType<typeof fetchHistory>>): number | undefined {
  const toolScheduled = new Set<string>();
  for (const e of history.events ?? []) {
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED && TOOL_ACTIVITY.has(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')) {
      toolScheduled.add(String(e.eventId));
    }
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && toolScheduled.has(String(e.activityTaskStartedEventAttributes?.scheduledEventId))) {
      return Number(e.eventTime?.seconds ?? 0) * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
    }
  }
  return undefined;
}
