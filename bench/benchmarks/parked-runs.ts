/**
 * 3. Parked runs: N runs waiting for approval at once, served by a worker in its own process.
 * Worker RSS before and after parking, then the time to approve them all and see them complete.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import type { BenchContext } from '../lib/context.js';
import type { WorkerStats } from '../lib/child-worker.js';
import { processesCpuMs } from '../lib/proc.js';
import { bytes, mapLimit, sleep, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

/** The cache size the SDK derives from the heap limit on this box (before the harness set 500). */
const SDK_DEFAULT_CACHE = 2310;

/**
 * BENCH_PARKED_CONFIGS: run only these rows, e.g. `agentRun,agentRun:2310` (workflow or bundle
 * name, `:cache` for a set cache size; the full-mode row is then available in quick mode too).
 */
const only = (process.env.BENCH_PARKED_CONFIGS ?? '').split(',').map((s) => s.trim()).filter(Boolean);

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
      ...(ctx.mode === 'full' || only.length ? [{ workflow: 'agentRun' as const, runs, maxCachedWorkflows: SDK_DEFAULT_CACHE }] : []),
    ];
    const configs = all.filter((c) => !only.length || only.includes(`${c.bundle ?? c.workflow}${c.maxCachedWorkflows ? `:${c.maxCachedWorkflows}` : ''}`));
    const rows: (string | number)[][] = [];
    const results: unknown[] = [];
    for (const config of configs) {
      const name = config.bundle === 'baseline-zod' ? 'baseline+zod' : config.workflow;
      const label = `${name.replace('+', '-')}-${config.maxCachedWorkflows ?? 'default'}`;
      const taskQueue = `bench-parked-${nonce}-${label}`;
      const worker = await ctx.spawnWorker(taskQueue, {
        bundle: config.workflow === 'agentRun' ? 'harness' : (config.bundle ?? 'baseline'),
        ...(config.maxCachedWorkflows !== undefined && { maxCachedWorkflows: config.maxCachedWorkflows }),
      });
      try {
        await sleep(1000);
        const idle = await worker.stats(true);
        const serverCpu0 = processesCpuMs(ctx.serverPids());

        const t0 = performance.now();
        const ids = Array.from({ length: config.runs }, (_, i) => `parked-${nonce}-${label}-${i}`);
        await mapLimit(ids, IN_FLIGHT, (id) => start(ctx, config.workflow, taskQueue, id));
        const started = performance.now();
        const approvalId = await waitParked(ctx, config.workflow, taskQueue, ids, log);
        const parkedAt = performance.now();
        await sleep(1000);
        const parked = await worker.stats(true);

        const t1 = performance.now();
        await mapLimit(ids, IN_FLIGHT, (id) =>
          ctx.temporal.workflow.getHandle(id).executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] }),
        );
        const decided = performance.now();
        await waitForCount(ctx.temporal, `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Completed"`, config.runs, log);
        const done = performance.now();
        const after = await worker.stats(true);
        const serverCpuMs = processesCpuMs(ctx.serverPids()) - serverCpu0;

        const result = {
          workflow: name,
          runs: config.runs,
          maxCachedWorkflows: worker.maxCachedWorkflows,
          cacheSetting: config.maxCachedWorkflows === undefined ? 'worker default' : 'set',
          startMs: started - t0,
          startToAllParkedMs: parkedAt - t0,
          approveAllMs: decided - t1,
          approveToAllCompletedMs: done - t1,
          worker: { idle, parked, after } satisfies Record<string, WorkerStats>,
          rssPerParkedRunBytes: (parked.rss - idle.rss) / config.runs,
          rssPerCachedRunBytes: (parked.rss - idle.rss) / Math.max(parked.numCachedWorkflows, 1),
          workerCpuMs: after.cpuMs - idle.cpuMs,
          serverCpuMs,
        };
        results.push(result);
        rows.push([
          name,
          config.runs,
          `${worker.maxCachedWorkflows}${config.maxCachedWorkflows === undefined ? ' (default)' : ''}`,
          bytes(idle.rss),
          bytes(parked.rss),
          parked.numCachedWorkflows,
          bytes(result.rssPerParkedRunBytes),
          bytes(result.rssPerCachedRunBytes),
          `${bytes(idle.heapUsed)} → ${bytes(parked.heapUsed)}`,
          `${(result.startToAllParkedMs / 1000).toFixed(1)} s`,
          `${(result.approveAllMs / 1000).toFixed(1)} s`,
          `${(result.approveToAllCompletedMs / 1000).toFixed(1)} s`,
          (config.runs / (result.approveToAllCompletedMs / 1000)).toFixed(0),
          bytes(after.rss),
        ]);
        log(`  ${name}: ${config.runs} runs, cache ${worker.maxCachedWorkflows}: done`);
      } finally {
        await worker.stop();
      }
    }
    return {
      tables: [
        {
          title: `worker in its own process; starts and decisions (by update) ${IN_FLIGHT} in flight; memory after a full GC`,
          text: table(
            ['workflow', 'runs', 'maxCachedWorkflows', 'RSS idle', 'RSS parked', 'cached', 'RSS / parked run', 'RSS / cached run', 'main heap idle → parked', 'start → all parked', 'approve all', 'approve → all done', 'runs/s', 'RSS after'],
            rows,
          ),
        },
      ],
      notes: [
        'baseline+zod: the baseline whose bundle also imports zod and builds one small schema at module level (bench/workflows/baseline-zod.ts); every new or replayed workflow evaluates its bundle\'s modules (reuseV8Context), so this is what one heavy library in the workflow bundle costs.',
        'A parked run costs the worker nothing but its cache entry: once evicted (small cache), a run waits in the server only, and a decision replays its history on whichever worker takes it.',
        'agentRun\'s parked count comes from visibility (HarnessRunState), the baseline\'s from its status query (it sets no search attribute); completions from visibility (ExecutionStatus), polled every 250 ms.',
        'RSS is the whole worker process (the workflow sandbox runs in a worker thread whose heap `heapUsed` does not include); the GC before each reading reaches the main thread only.',
      ],
      data: { inFlight: IN_FLIGHT, configs: results },
    };
  },
};

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
