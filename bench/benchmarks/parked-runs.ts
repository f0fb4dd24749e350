/**
 * 3. Parked runs: N runs waiting for approval at once, served by a worker in its own process.
 * Worker RSS (and where it is: both threads' heaps, native) idle, parked and after, its peaks, the
 * server's RSS, the time to park them, approve them all and see each complete as approved.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WorkflowUpdateRPCTimeoutOrCancelledError, type Client } from '@temporalio/client';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import type { BenchContext } from '../lib/context.js';
import type { WorkerStats } from '../lib/child-worker.js';
import { processesCpuMs, processRssBytes } from '../lib/proc.js';
import { bytes, mapLimit, sleep, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

/** The cache size the SDK derives from the heap limit on this box (before the harness set 500). */
const SDK_DEFAULT_CACHE = 2310;

/**
 * BENCH_PARKED_CONFIGS: run these rows instead, e.g. `agentRun,agentRun:2310,agentRun:100`
 * (`agentRun`, `baseline` or `baseline-zod`, then `:N` for a set cache size; none = the worker's default).
 */
const only = (process.env.BENCH_PARKED_CONFIGS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function parseConfig(spec: string, runs: number): Config {
  const [name, cache] = spec.split(':');
  const maxCachedWorkflows = cache === undefined ? undefined : Number(cache);
  if (!['agentRun', 'baseline', 'baseline-zod'].includes(name ?? '') || (maxCachedWorkflows !== undefined && !Number.isSafeInteger(maxCachedWorkflows))) {
    throw new Error(`BENCH_PARKED_CONFIGS: "${spec}" is not agentRun, baseline or baseline-zod with an optional :cache size (e.g. agentRun:100)`);
  }
  return {
    workflow: name === 'agentRun' ? 'agentRun' : 'baseline',
    ...(name === 'baseline-zod' && { bundle: 'baseline-zod' as const }),
    runs,
    ...(maxCachedWorkflows !== undefined && { maxCachedWorkflows }),
  };
}

/** BENCH_PARKED_SNAPSHOTS=dir: write the workflow thread's heap snapshots (idle, parked) there. */
const SNAPSHOTS = process.env.BENCH_PARKED_SNAPSHOTS;

/** What `lookup_order` answers (bench/tools.ts): a completed run's result quotes it. */
const TOOL_ANSWER = 'shipped on 2024-05-02';

/** Client calls in flight at once while starting and approving (an app's worth of concurrency). */
const IN_FLIGHT = 50;

interface Config {
  workflow: 'agentRun' | 'baseline';
  /** The baseline's bundle: minimal, or with zod imported (bench/workflows/baseline-zod.ts). */
  bundle?: 'baseline' | 'baseline-zod';
  runs: number;
  /** Omitted: the SDK default. */
  maxCachedWorkflows?: number;
}

export const parkedRuns: Benchmark = {
  name: 'parked-runs',
  title: '3. Parked runs (worker memory while N runs wait for approval)',
  async run(ctx, log) {
    // BENCH_PARKED_RUNS overrides the count, e.g. to park more runs than a small cache holds in quick mode.
    const runs = Number(process.env.BENCH_PARKED_RUNS) || (ctx.mode === 'full' ? 5000 : 500);
    // agentRun's worker caps its cache at DEFAULT_MAX_CACHED_WORKFLOWS (500); the baselines' keep the
    // SDK's default (derived from the heap limit: ~2,300 here). The last row gives agentRun that too.
    const all: Config[] = [
      { workflow: 'agentRun', runs },
      { workflow: 'baseline', runs },
      { workflow: 'baseline', bundle: 'baseline-zod', runs },
      // Full mode only: agentRun with the cache the SDK would pick, to show what the cap saves.
      ...(ctx.mode === 'full' ? [{ workflow: 'agentRun' as const, runs, maxCachedWorkflows: SDK_DEFAULT_CACHE }] : []),
    ];
    const configs = only.length ? only.map((spec) => parseConfig(spec, runs)) : all;
    const rows: (string | number)[][] = [];
    const memoryRows: (string | number)[][] = [];
    const results: unknown[] = [];
    for (const config of configs) {
      const name = config.bundle === 'baseline-zod' ? 'baseline+zod' : config.workflow;
      const label = `${name.replace('+', '-')}-${config.maxCachedWorkflows ?? 'default'}`;
      const taskQueue = `bench-parked-${nonce}-${label}`;
      const worker = await ctx.spawnWorker(taskQueue, {
        bundle: config.workflow === 'agentRun' ? 'harness' : (config.bundle ?? 'baseline'),
        ...(config.maxCachedWorkflows !== undefined && { maxCachedWorkflows: config.maxCachedWorkflows }),
      });
      // Peak RSS between the GC'd readings: what the machine must really hold.
      const peaks = new RssPeaks(worker.pid, ctx.serverPids);
      try {
        await sleep(1000);
        const idle = await worker.stats(true);
        if (SNAPSHOTS) await worker.heapSnapshot(join(SNAPSHOTS, `${label}-idle.heapsnapshot`));
        const serverIdle = serverRss(ctx);
        const serverCpu0 = processesCpuMs(ctx.serverPids());

        const t0 = performance.now();
        const ids = Array.from({ length: config.runs }, (_, i) => `parked-${nonce}-${label}-${i}`);
        peaks.phase('parking');
        await mapLimit(ids, IN_FLIGHT, (id) => start(ctx, config.workflow, taskQueue, id));
        const started = performance.now();
        const approvalId = await waitParked(ctx, config.workflow, taskQueue, ids, log);
        const parkedAt = performance.now();
        await sleep(1000);
        const parked = await worker.stats(true);
        if (SNAPSHOTS) await worker.heapSnapshot(join(SNAPSHOTS, `${label}-parked.heapsnapshot`));
        const serverParked = serverRss(ctx);

        peaks.phase('approving');
        const t1 = performance.now();
        let resent = 0;
        await mapLimit(ids, IN_FLIGHT, async (id) => {
          resent += await approve(ctx, id, approvalId);
        });
        const decided = performance.now();
        await waitForCount(ctx.temporal, `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed"`, config.runs, log);
        const done = performance.now();
        peaks.stop();
        const after = await worker.stats(true);
        const serverAfter = serverRss(ctx);
        const serverCpuMs = processesCpuMs(ctx.serverPids()) - serverCpu0;
        const verified = await verifyCompleted(ctx, ids);

        const cached = Math.max(parked.numCachedWorkflows, 1);
        const result = {
          workflow: name,
          runs: config.runs,
          maxCachedWorkflows: worker.maxCachedWorkflows,
          cacheSetting: config.maxCachedWorkflows === undefined ? 'worker default' : 'set',
          startMs: started - t0,
          startToAllParkedMs: parkedAt - t0,
          approveAllMs: decided - t1,
          approveToAllCompletedMs: done - t1,
          startedPerSecond: config.runs / ((started - t0) / 1000),
          parkedPerSecond: config.runs / ((parkedAt - t0) / 1000),
          completedPerSecond: config.runs / ((done - t1) / 1000),
          worker: { idle, parked, after } satisfies Record<string, WorkerStats>,
          workerPeakRss: peaks.worker,
          server: { idleRss: serverIdle, parkedRss: serverParked, afterRss: serverAfter, peakRss: peaks.server },
          rssPerParkedRunBytes: (parked.rss - idle.rss) / config.runs,
          rssPerCachedRunBytes: (parked.rss - idle.rss) / cached,
          workflowHeapPerCachedRunBytes: (parked.workflowHeapUsed - idle.workflowHeapUsed) / cached,
          workerCpuMs: after.cpuMs - idle.cpuMs,
          serverCpuMs,
          verified,
          decisionsResentAfterRpcTimeout: resent,
        };
        results.push(result);
        rows.push([
          name,
          config.runs,
          `${worker.maxCachedWorkflows}${config.maxCachedWorkflows === undefined ? ' (default)' : ''}`,
          bytes(idle.rss),
          bytes(parked.rss),
          bytes(after.rss),
          `${bytes(peaks.worker.parking)} / ${bytes(peaks.worker.approving)}`,
          parked.numCachedWorkflows,
          bytes(result.rssPerCachedRunBytes),
          `${(result.startToAllParkedMs / 1000).toFixed(1)} s`,
          `${(result.approveToAllCompletedMs / 1000).toFixed(1)} s`,
          `${result.startedPerSecond.toFixed(0)} / ${result.parkedPerSecond.toFixed(1)} / ${result.completedPerSecond.toFixed(1)}`,
          `${bytes(serverIdle)} → ${bytes(serverParked)} → ${bytes(serverAfter)} (peak ${bytes(Math.max(peaks.server.parking, peaks.server.approving))})`,
          `${verified.completed}/${config.runs}${verified.problems.length ? ` (${verified.problems.length} not: ${verified.problems.slice(0, 3).join('; ')})` : ''}`,
          resent,
        ]);
        for (const [reading, s] of Object.entries({ idle, parked, after })) {
          memoryRows.push([
            name,
            `${worker.maxCachedWorkflows}`,
            config.runs,
            reading,
            s.numCachedWorkflows,
            bytes(s.rss),
            bytes(s.rssAnon),
            bytes(s.rssFile),
            `${bytes(s.heapUsed)} / ${bytes(s.heapTotal)}`,
            bytes(s.external),
            `${bytes(s.workflowHeapUsed)} / ${bytes(s.workflowHeapTotal)}`,
            bytes(s.rssAnon - s.heapTotal - s.workflowHeapTotal - s.external),
          ]);
        }
        log(`  ${name}: ${config.runs} runs, cache ${worker.maxCachedWorkflows}: done, ${verified.completed} verified`);
      } finally {
        peaks.stop();
        await worker.stop();
      }
    }
    return {
      tables: [
        {
          title: `worker in its own process; starts and decisions (by update) ${IN_FLIGHT} in flight; memory after a full GC in both threads unless "peak"`,
          text: table(
            ['workflow', 'runs', 'maxCachedWorkflows', 'RSS idle', 'RSS parked', 'RSS after', 'RSS peak parking / approving', 'cached', 'RSS / cached run', 'start → all parked', 'approve → all done', 'runs/s started / parked / completed', 'server RSS idle → parked → after', 'completed, verified', 'decisions re-sent'],
            rows,
          ),
        },
        {
          title: 'where the worker\'s memory is (after a full GC in both threads; heap = used / reserved)',
          text: table(
            ['workflow', 'cache', 'runs', 'reading', 'cached', 'RSS', 'anonymous', 'files (code)', 'main-thread heap', 'external', 'workflow-thread heap', 'rest of anonymous (native: SDK core, malloc, stacks)'],
            memoryRows,
          ),
        },
      ],
      notes: [
        'baseline+zod: the baseline whose bundle also imports zod and builds one small schema at module level (bench/workflows/baseline-zod.ts); every new or replayed workflow evaluates its bundle\'s modules (reuseV8Context), so this is what one heavy library in the workflow bundle costs.',
        'A parked run costs the worker nothing but its cache entry: once evicted (small cache), a run waits in the server only, and a decision replays its history on whichever worker takes it.',
        'agentRun\'s parked count comes from visibility (HarnessRunState), the baseline\'s from its status query (it sets no search attribute); completions from visibility (ExecutionStatus), polled every 250 ms; "verified": every run listed Completed and its result carries the approved tool\'s output.',
        '"decisions re-sent": update calls that timed out before the workflow accepted them (the worker replaying evicted runs, 50 at a time) and were sent again under the same update id (deduplicated by the server).',
        '"runs/s started": start calls answered; "parked": runs waiting for approval over the time since the first start; "completed": runs completed over the time since the first decision was sent.',
        'Workflow-thread heap read through the inspector (bench/lib/thread-heap.ts); "rest of anonymous" = anonymous RSS − both heaps\' reserved size − external: the SDK\'s Rust core (its workflow state machines and histories per cached run), malloc arenas, thread stacks.',
      ],
      data: { inFlight: IN_FLIGHT, configs: results },
    };
  },
};

/**
 * Sends the approval by update; when the update call times out before the workflow accepted it (a
 * worker busy replaying evicted runs), sends it again under the same update id, which the server
 * deduplicates. Returns how many times it had to re-send.
 */
async function approve(ctx: BenchContext, id: string, approvalId: string): Promise<number> {
  for (let resent = 0; ; resent++) {
    try {
      await ctx.temporal.workflow.getHandle(id).executeUpdate(decideApprovalUpdate, {
        updateId: `approve-${id}`,
        args: [{ approvalId, decision: 'approve', approver: 'bench' }],
      });
      return resent;
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || resent >= 20) throw err;
    }
  }
}

const serverRss = (ctx: BenchContext) => ctx.serverPids().reduce((sum, pid) => sum + (processRssBytes(pid) ?? 0), 0);

/** Samples the worker's and the server's RSS every second and keeps the highest per phase. */
class RssPeaks {
  readonly worker = { parking: 0, approving: 0 };
  readonly server = { parking: 0, approving: 0 };
  private current: 'parking' | 'approving' | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly workerPid: number,
    private readonly serverPids: () => number[],
  ) {
    this.timer = setInterval(() => this.sample(), 1000);
  }

  phase(name: 'parking' | 'approving'): void {
    this.current = name;
  }

  stop(): void {
    this.current = undefined;
    clearInterval(this.timer);
  }

  private sample(): void {
    if (!this.current) return;
    this.worker[this.current] = Math.max(this.worker[this.current], processRssBytes(this.workerPid) ?? 0);
    const server = this.serverPids().reduce((sum, pid) => sum + (processRssBytes(pid) ?? 0), 0);
    this.server[this.current] = Math.max(this.server[this.current], server);
  }
}

/**
 * Checks every run finished as approved: listed Completed in visibility, and its result carries the
 * tool's answer (the scripted model's last turn quotes it), so no run was rejected, failed or lost.
 */
async function verifyCompleted(ctx: BenchContext, ids: readonly string[]): Promise<{ completed: number; problems: string[] }> {
  const problems: string[] = [];
  let completed = 0;
  await mapLimit(ids, IN_FLIGHT, async (id) => {
    const handle = ctx.temporal.workflow.getHandle(id);
    const { status } = await handle.describe();
    if (status.name !== 'COMPLETED') return void problems.push(`${id}: ${status.name}`);
    const result: unknown = await handle.result();
    if (!JSON.stringify(result).includes(TOOL_ANSWER)) return void problems.push(`${id}: result without the tool's answer`);
    completed += 1;
  });
  return { completed, problems };
}

function start(ctx: BenchContext, workflow: Config['workflow'], taskQueue: string, id: string): Promise<unknown> {
  if (workflow === 'agentRun') return ctx.harness(taskQueue).startRun({ agentId: AGENTS.gated, input: ORDER_QUESTION, runId: id });
  return ctx.temporal.workflow.start(BASELINE_AGENT_WORKFLOW, {
    workflowId: id,
    taskQueue,
    args: [{ agentId: AGENTS.plain, input: ORDER_QUESTION, approval: true }],
  });
}

/** Waits until every run waits for its approval; returns the approval id (the same in every run). */
async function waitParked(ctx: BenchContext, workflow: Config['workflow'], taskQueue: string, ids: string[], log: (line: string) => void): Promise<string> {
  const kind = workflow === 'agentRun' ? 'harness' : 'baseline';
  if (workflow === 'agentRun') {
    await waitForCount(ctx.temporal, `TaskQueue = "${taskQueue}" AND HarnessRunState = "waiting_for_approval"`, ids.length, log);
  } else {
    await mapLimit(ids, 10, (id) => waitForPending(ctx.temporal.workflow.getHandle(id), kind, 10 * 60_000, 100));
  }
  // The scripted model names its tool call after the conversation length: the same id in every run.
  return waitForPending(ctx.temporal.workflow.getHandle(ids[0]!), kind);
}

async function waitForCount(client: Client, query: string, expected: number, log: (line: string) => void, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const { count } = await client.workflow.count(query);
    if (count >= expected) return;
    if (Date.now() > deadline) throw new Error(`only ${count} of ${expected} runs matched ${query} after ${timeoutMs} ms`);
    if (Date.now() - lastLog > 10_000) {
      log(`  ${count}/${expected}: ${query}`);
      lastLog = Date.now();
    }
    await sleep(250);
  }
}
