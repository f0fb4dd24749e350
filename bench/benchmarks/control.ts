/**
 * 0. What Temporal itself costs here: the bare model → tool → model workflow in TypeScript
 * (bench/workflows/baseline.ts) and in Go (bench/go-control), and agentRun, interleaved round by
 * round, each served by its own worker process (so each worker's CPU is its own). On the dev server
 * as the harness starts it (DEV_SERVER_DYNAMIC_CONFIG) and, for the plain scenario, on a second dev
 * server left on Temporal's defaults, which shows where the ~40 ms per task came from.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
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
import { ensureGoControl, GO_BARE_WORKFLOW, spawnGoWorker } from '../lib/go-control.js';
import { topFunctions } from '../lib/cpu-profile.js';
import { dispatchLatencies, fetchHistory } from '../lib/history.js';
import { processCpuMs } from '../lib/proc.js';
import { ms, percentile, ratio, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

const EventType = proto.temporal.api.enums.v1.EventType;

/** `agentRun@ref`: agentRun served by the worker of another checkout (`BENCH_CONTROL_REF`). */
type Variant = 'TS bare' | 'Go bare' | 'agentRun' | 'agentRun@ref';
type Scenario = 'model→tool→model' | '… with one approval';
/**
 * BENCH_CONTROL_REF=<dir>: a checkout of another commit (node_modules in place) whose worker serves
 * an extra agentRun variant in the same rounds, with its own workflow bundle: a before/after of a
 * harness change measured interleaved, on the same server, in the same machine state.
 */
const REF_DIR = process.env.BENCH_CONTROL_REF;
/** BENCH_CONTROL_PROFILE=1: the TS workers of the tuned lane run under V8's CPU profiler. */
const PROFILE = process.env.BENCH_CONTROL_PROFILE === '1';
const VARIANTS: Variant[] = ['TS bare', 'Go bare', 'agentRun', ...(REF_DIR ? (['agentRun@ref'] as const) : [])];
const isAgentRun = (v: Variant) => v === 'agentRun' || v === 'agentRun@ref';
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
  /** Decision sent (update) → the tool's activity task started (server event time), approval only. */
  toolStart: number[];
}

interface Lane {
  server: DevServer;
  client: Client;
  harness: Partial<Record<Variant, HarnessClient>>;
  queues: Record<Variant, string>;
  pids: Partial<Record<Variant, number>>;
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
      r.variant === 'TS bare' ? '1×' : `${ratio(percentile(r.pairedRatios, 50))} (${percentile(r.pairedRatios, 25).toFixed(2)}–${percentile(r.pairedRatios, 75).toFixed(2)})`,
      r.tasksPerRun.toFixed(0),
      ms(percentile(r.dispatch, 50)),
      ms(r.cpuMsPerRun),
      r.toolStart.length ? ms(percentile(r.toolStart, 50)) : '',
    ]);
    const find = (server: string, scenario: Scenario, variant: Variant) => results.find((r) => r.server === server && r.scenario === scenario && r.variant === variant)!;
    const serverRows = others.filter((o) => o.label !== DEFAULTS).map((o) => `${o.label} = ${describeDynamicConfig(o.config)}`).join('; ');
    const cpuRatio = find('tuned', 'model→tool→model', 'agentRun').cpuMsPerRun / find('tuned', 'model→tool→model', 'TS bare').cpuMsPerRun;
    const refCpu = REF_DIR && find('tuned', 'model→tool→model', 'agentRun@ref').cpuMsPerRun / find('tuned', 'model→tool→model', 'TS bare').cpuMsPerRun;
    const dispatchTuned = percentile(VARIANTS.flatMap((v) => find('tuned', 'model→tool→model', v).dispatch), 50);
    const dispatchDefault = percentile(VARIANTS.flatMap((v) => find(DEFAULTS, 'model→tool→model', v).dispatch), 50);
    return {
      tables: [
        {
          title: `interleaved, ${rounds} rounds per scenario on the tuned server (${defaultRounds} on each other server) after ${warmup} warm-up rounds; one worker process per variant; ms`,
          text: table(
            ['server', 'scenario', 'variant', 'n', 'p50', 'p25–p75', '× TS bare p50 (p25–p75 of per-round ratios)', 'tasks/run', 'dispatch p50', 'worker CPU/run', 'update → tool started p50'],
            rows,
          ),
        },
        ...profiles,
      ],
      notes: [
        `tuned = DEV_SERVER_DYNAMIC_CONFIG (${describeDynamicConfig(ctx.server.dynamicConfig)}); ${DEFAULTS} = no dynamic config${serverRows ? `; ${serverRows}` : ''}.`,
        `per-task dispatch back to back, p50 over the three variants: ${ms(dispatchTuned)} ms tuned, ${ms(dispatchDefault)} ms on Temporal's defaults (target ≤ 2 ms).`,
        `worker CPU per run, agentRun / TS bare: ${ratio(cpuRatio)} (target ≤ 1.3×)${refCpu ? `; agentRun@ref / TS bare: ${ratio(refCpu)}` : ''}.`,
        ...(REF_DIR ? [`agentRun@ref = the worker and bundle of ${REF_DIR} (commit ${commitOf(REF_DIR)}), same client, same server, same rounds.`, ...againstRef(results)] : []),
        ...(PROFILE ? ['The tuned lane\'s TS workers ran under V8\'s CPU profiler (slower): compare its CPU figures with each other, not with unprofiled runs.'] : []),
        '"dispatch": scheduled → started per workflow or activity task in the histories (an eagerly dispatched activity starts in the same instant it is scheduled); "tasks/run" counts those tasks.',
        '"worker CPU/run": CPU time (user + system, /proc) of the variant\'s worker process over the scenario, divided by its runs; the Go worker is a static Go binary, the TS workers are Node processes (createHarnessWorker for agentRun, a plain Worker for TS bare).',
        '"update → tool started": the driver\'s clock before executeUpdate to the tool activity\'s ActivityTaskStarted event time (same machine clock), i.e. until the server hands the tool\'s task to the worker.',
      ],
      data: { rounds, defaultRounds, warmup, results },
    };
  },
};

async function openLane(ctx: BenchContext, server: DevServer, goBinary: string, tag: string, refBundle?: string, profileRoot?: string): Promise<Lane> {
  const base = `bench-control-${tag}-${nonce}`;
  const queues: Record<Variant, string> = { 'TS bare': `${base}-ts`, 'Go bare': `${base}-go`, agentRun: `${base}-harness`, 'agentRun@ref': `${base}-ref` };
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const common = { address: server.address, workspaceFile: ctx.workspaceFile };
  const profile = (v: Variant) => profileRoot && join(profileRoot, v.replace(/[^\w@]+/g, '-'));
  const [ts, harness, go, ref] = await Promise.all([
    spawnChildWorker({ ...common, taskQueue: queues['TS bare'], bundle: 'baseline', bundlePath: ctx.bundlePaths.baseline }, profile('TS bare')),
    spawnChildWorker({ ...common, taskQueue: queues.agentRun, bundle: 'harness', bundlePath: ctx.bundlePaths.harness }, profile('agentRun')),
    spawnGoWorker(goBinary, server.address, queues['Go bare']),
    REF_DIR && refBundle ? spawnChildWorker({ ...common, taskQueue: queues['agentRun@ref'], bundle: 'harness', bundlePath: refBundle }, profile('agentRun@ref'), REF_DIR) : undefined,
  ]);
  return {
    server,
    client,
    harness: {
      agentRun: new HarnessClient(client, { taskQueue: queues.agentRun }),
      ...(ref && { 'agentRun@ref': new HarnessClient(client, { taskQueue: queues['agentRun@ref'] }) }),
    },
    queues,
    pids: { 'TS bare': ts.pid, 'Go bare': go.pid, agentRun: harness.pid, ...(ref && { 'agentRun@ref': ref.pid }) },
    stop: async () => {
      await Promise.all([ts.stop(), harness.stop(), go.stop(), ref?.stop()]);
      await connection.close();
    },
  };
}

/** agentRun's time over agentRun@ref's, per round (paired), per server and scenario. */
function againstRef(results: Measured[]): string[] {
  return results
    .filter((r) => r.variant === 'agentRun')
    .map((r) => {
      const ref = results.find((x) => x.variant === 'agentRun@ref' && x.server === r.server && x.scenario === r.scenario)!;
      const paired = r.totals.map((t, n) => t / ref.totals[n]!);
      return `agentRun / agentRun@ref, ${r.server}, ${r.scenario}: p50 of per-round ratios ${ratio(percentile(paired, 50))} (p25–p75 ${percentile(paired, 25).toFixed(2)}–${percentile(paired, 75).toFixed(2)}); worker CPU/run ${ms(r.cpuMsPerRun)} vs ${ms(ref.cpuMsPerRun)} ms.`;
    });
}

/** Builds `dir`'s own harness workflow bundle (with `dir`'s sources and tsx) into `out`. */
function bundleOf(dir: string, out: string): string {
  const script = `const { bundleHarnessWorkflows } = await import(${JSON.stringify(join(dir, 'src/worker/bundle.ts'))}); const { writeFileSync } = await import('node:fs'); writeFileSync(${JSON.stringify(out)}, (await bundleHarnessWorkflows()).code);`;
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

function commitOf(dir: string): string {
  try {
    return execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd: dir, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Top self-time functions of each profiled worker (all its threads), as tables. */
function profileTables(root: string, sinceUs: number, bundles: string[]): { title: string; text: string }[] {
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return [];
  }
  return dirs.filter((d) => !d.endsWith('.txt')).sort().map((variant) => {
    const { busyMs, top } = topFunctions(join(root, variant), bundles, 20, sinceUs);
    return {
      title: `CPU profile of the ${variant} worker, tuned lane, from the first measured round on (start-up and first warm-ups left out): busy ${ms(busyMs)} ms; top 20 functions by self time`,
      text: table(['function', 'owner', 'self ms', 'share'], top.map((f) => [f.fn, f.category, ms(f.ms), `${(f.share * 100).toFixed(1)}%`])),
    };
  });
}

async function measure(lane: Lane, server: string, scenario: Scenario, rounds: number, warmup: number): Promise<Measured[]> {
  const approval = scenario !== 'model→tool→model';
  const totals = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const toolStarts = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const ids = new Map<Variant, string[]>(VARIANTS.map((v) => [v, []]));
  const cpuBefore = new Map<Variant, number>();
  const pid = (v: Variant) => lane.pids[v]!;
  let counter = 0;
  for (let i = 0; i < warmup + rounds; i++) {
    if (i === warmup) {
      for (const v of VARIANTS) cpuBefore.set(v, processCpuMs(pid(v)) ?? Number.NaN);
      measuredFromUs ||= Number(process.hrtime.bigint() / 1000n);
    }
    // Rotate the order every round: no variant always runs first.
    for (let k = 0; k < VARIANTS.length; k++) {
      const variant = VARIANTS[(k + i) % VARIANTS.length]!;
      const id = `ctl-${nonce}-${server === 'tuned' ? 't' : 'd'}-${approval ? 'a' : 'p'}-${counter++}`;
      const sample = await runOnce(lane, variant, approval, id);
      if (i < warmup) continue;
      totals.get(variant)!.push(sample.total);
      ids.get(variant)!.push(id);
      if (sample.decidedAt !== undefined) toolStarts.get(variant)!.push(sample.decidedAt);
    }
  }
  const cpuAfter = new Map(VARIANTS.map((v) => [v, processCpuMs(pid(v)) ?? Number.NaN]));
  const out: Measured[] = [];
  for (const variant of VARIANTS) {
    const variantIds = ids.get(variant)!;
    // Histories of every measured run would cost as much as the runs: the last 10 tell the dispatch.
    const histories = await Promise.all(variantIds.slice(-10).map((id) => fetchHistory(lane.client, id)));
    const dispatch = histories.flatMap((h) => {
      const d = dispatchLatencies(h);
      return [...d.workflowTasks, ...d.activityTasks];
    });
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
    const base = totals.get('TS bare')!;
    out.push({
      server,
      scenario,
      variant,
      totals: list,
      pairedRatios: list.map((t, n) => t / base[n]!),
      dispatch,
      tasksPerRun: dispatch.length / Math.max(histories.length, 1),
      cpuMsPerRun: (cpuAfter.get(variant)! - cpuBefore.get(variant)!) / rounds,
      toolStart,
    });
  }
  return out;
}

/** When the first scenario's measured rounds began (µs, monotonic): profiles are read from there. */
let measuredFromUs = 0;

/** The wall clock in ms with sub-ms precision (comparable with the server's event times here). */
const epochNow = () => performance.timeOrigin + performance.now();

async function runOnce(lane: Lane, variant: Variant, approval: boolean, id: string): Promise<{ total: number; decidedAt?: number }> {
  const t0 = performance.now();
  let handle: WorkflowHandle;
  if (isAgentRun(variant)) {
    await lane.harness[variant]!.startRun({ agentId: approval ? AGENTS.gated : AGENTS.plain, input: ORDER_QUESTION, runId: id });
    handle = lane.client.workflow.getHandle(id);
  } else {
    handle = await lane.client.workflow.start(variant === 'Go bare' ? GO_BARE_WORKFLOW : BASELINE_AGENT_WORKFLOW, {
      workflowId: id,
      taskQueue: lane.queues[variant],
      args: [{ agentId: AGENTS.plain, input: ORDER_QUESTION, approval }],
    });
  }
  if (!approval) {
    await handle.result();
    return { total: performance.now() - t0 };
  }
  const approvalId = await waitForPending(handle, isAgentRun(variant) ? 'harness' : 'baseline');
  const decidedAt = epochNow();
  await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
  await handle.result();
  return { total: performance.now() - t0, decidedAt };
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
