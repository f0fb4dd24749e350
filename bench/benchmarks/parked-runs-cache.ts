/**
 * 3b. What a small workflow cache costs the hot path: decision → tool start for a parked run the
 * worker still caches vs one it has evicted (the decision then replays the run's history first).
 * Two in-process workers on their own task queues, one with a cache that holds every parked run and
 * one with a cache smaller than the parked set; decisions alternate between them, one at a time,
 * oldest run first (so the small cache never holds the run decided next).
 */
import { performance } from 'node:perf_hooks';
import type { WorkflowHandle } from '@temporalio/client';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import { clearMarks, whenMarked } from '../lib/probe.js';
import { mapLimit, ms, percentile, sleep, summarize, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';

/** The small cache: fewer entries than parked runs, so every decision meets an evicted run. */
const SMALL_CACHE = 20;

interface Variant {
  name: 'cached' | 'evicted';
  taskQueue: string;
  maxCachedWorkflows: number;
}

interface Sample {
  /** Update sent → it returned (the workflow ran its handler: for an evicted run, after the replay). */
  ack: number;
  /** Update sent → the approved tool's code started. */
  tool: number;
  /** Update sent → the run completed (tool, then the model's last turn). */
  done: number;
}

export const parkedRunsCache: Benchmark = {
  name: 'parked-runs-cache',
  title: '3b. Decision → tool start for a cached vs an evicted parked run',
  async run(ctx, log) {
    const parked = Number(process.env.BENCH_PARKED_CACHE_RUNS) || (ctx.mode === 'full' ? 200 : 60);
    const variants: Variant[] = [
      { name: 'cached', taskQueue: `bench-cache-${nonce}-all`, maxCachedWorkflows: parked + 50 },
      { name: 'evicted', taskQueue: `bench-cache-${nonce}-small`, maxCachedWorkflows: SMALL_CACHE },
    ];
    const samples = new Map<Variant['name'], Sample[]>(variants.map((v) => [v.name, []]));
    const [cached, evicted] = variants as [Variant, Variant];
    await ctx.withWorker(
      cached.taskQueue,
      () =>
        ctx.withWorker(
          evicted.taskQueue,
          async () => {
            const runs = new Map<Variant['name'], { handle: WorkflowHandle; approvalId: string }[]>();
            for (const variant of variants) {
              const ids = Array.from({ length: parked }, (_, i) => `cache-${nonce}-${variant.name}-${i}`);
              // One at a time, so the runs enter the cache in id order and the oldest is evicted first.
              const list = await mapLimit(ids, 1, async (id) => {
                await ctx.harness(variant.taskQueue).startRun({ agentId: AGENTS.gated, input: ORDER_QUESTION, runId: id });
                const handle = ctx.temporal.workflow.getHandle(id);
                return { handle, approvalId: await waitForPending(handle, 'harness') };
              });
              runs.set(variant.name, list);
              log(`  ${variant.name}: ${parked} runs parked (cache ${variant.maxCachedWorkflows})`);
            }
            await sleep(1000);
            for (let i = 0; i < parked; i++) {
              // Rotate which variant goes first, so neither always follows the other's work.
              const order = i % 2 === 0 ? variants : [...variants].reverse();
              for (const variant of order) {
                const run = runs.get(variant.name)![i]!;
                samples.get(variant.name)!.push(await decideAndTime(run.handle, run.approvalId));
              }
              if (i % 20 === 19) log(`  ${i + 1}/${parked} decisions per variant`);
            }
            clearMarks();
          },
          { maxCachedWorkflows: evicted.maxCachedWorkflows, maxConcurrentWorkflowTaskExecutions: Math.min(40, SMALL_CACHE) },
        ),
      { maxCachedWorkflows: cached.maxCachedWorkflows },
    );

    const data: Record<string, unknown> = { parkedPerVariant: parked, smallCache: SMALL_CACHE };
    const rows = variants.map((v) => {
      const list = samples.get(v.name)!;
      const tool = list.map((s) => s.tool);
      data[v.name] = { maxCachedWorkflows: v.maxCachedWorkflows, ack: summarize(list.map((s) => s.ack)), tool: summarize(tool), done: summarize(list.map((s) => s.done)) };
      return [
        v.name,
        v.maxCachedWorkflows,
        list.length,
        ms(percentile(list.map((s) => s.ack), 50)),
        ms(percentile(tool, 50)),
        `${ms(percentile(tool, 25))}–${ms(percentile(tool, 75))}`,
        ms(percentile(tool, 95)),
        ms(percentile(list.map((s) => s.done), 50)),
      ];
    });
    const p50 = (name: Variant['name']) => (data[name] as { tool: { p50: number } }).tool.p50;
    return {
      tables: [
        {
          title: `${parked} parked agentRuns per worker, decided one at a time by update, alternating, oldest first; in-process workers; ms`,
          text: table(['parked run', 'maxCachedWorkflows', 'n', 'update returned p50', 'tool start p50', 'p25–p75', 'p95', 'run done p50'], rows),
        },
      ],
      notes: [
        `An evicted run's decision costs ${ms(p50('evicted') - p50('cached'))} ms more to the tool's start (p50 ${ms(p50('evicted'))} vs ${ms(p50('cached'))} ms): the worker fetches the run's history and replays it (a fresh workflow context evaluates the bundle) before it runs the update.`,
        'Runs in flight between their steps (model → tool → model) keep their cache entry as long as the cache is larger than the runs a worker has in flight at once; only runs idle for longer than the cache turns over are replayed.',
      ],
      data,
    };
  },
};

async function decideAndTime(handle: WorkflowHandle, approvalId: string): Promise<Sample> {
  const tool = whenMarked('tool', handle.workflowId);
  const t0 = performance.now();
  await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
  const ack = performance.now() - t0;
  const toolAt = (await tool) - t0;
  await handle.result();
  return { ack, tool: toolAt, done: performance.now() - t0 };
}
