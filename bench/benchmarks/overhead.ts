/**
 * 1. Overhead vs bare Temporal: the same scenario run by agentRun and by a minimal hand-written
 * workflow, interleaved in one process run, so drift on a shared machine hits all alike.
 */
import { performance } from 'node:perf_hooks';
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import type { BenchContext } from '../lib/context.js';
import { startOrderRun } from '../lib/start-order-run.js';
import { dispatchLatencies, eventCounts, fetchHistory, historySize, workflowTaskDurations } from '../lib/history.js';
import { bytes, ms, percentile, ratio, sleep, summarize, table, type Summary } from '../lib/stats.js';

type Scenario = 'plain' | 'approval';
type VariantKey = 'baseline' | 'baseline+harness-activities' | 'agentRun';

const VARIANTS: { key: VariantKey; what: string }[] = [
  {
    key: 'baseline',
    what: 'bench/workflows/baseline.ts (its own bundle, its own worker in the same process) with its own activities: same scripted model + tool code, transcript in the model-call input, no queries, no heartbeats, no planning activity, no search attributes',
  },
  {
    key: 'baseline+harness-activities',
    what: 'the same minimal workflow calling the harness activities callModel/callTool (each reads the transcript / tool context back from the run by query; without what agentRun passes in their inputs to skip those queries — the messages added since the previous model call, the run context or its absence — nor its hint to publish a quick answer\'s text itself)',
  },
  {
    key: 'agentRun',
    what: 'the product: HarnessClient.startRun → agentRun (planRun as a local activity, callModel, callTool, search-attribute upserts, activity summaries, run state machine)',
  },
];

interface Sample {
  total: number;
  /** Start → the approval seen pending (approval scenario). */
  parked?: number;
  /** Decision sent → result received (approval scenario). */
  resumed?: number;
}

const TASK_QUEUE = `bench-overhead-${nonce}`;

export const overhead: Benchmark = {
  name: 'overhead',
  title: '1. Overhead vs bare Temporal (wall time per run, interleaved)',
  async run(ctx, log) {
    const runs = ctx.mode === 'full' ? 200 : 15;
    const warmup = ctx.mode === 'full' ? 10 : 2;
    const idleRuns = ctx.mode === 'full' ? 10 : 4;
    const scenarios: Scenario[] = ['plain', 'approval'];
    const samples = new Map<string, Sample[]>();
    const ids = new Map<string, string[]>();
    const idle = new Map<VariantKey, number[]>();
    let counter = 0;

    await ctx.withWorker(TASK_QUEUE, async () => {
      for (let i = 0; i < warmup + runs; i++) {
        // Rotate the order every iteration: no variant always runs first after a pause.
        const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length]!);
        for (const scenario of scenarios) {
          for (const variant of order) {
            const id = `ovh-${nonce}-${counter++}`;
            const sample = await runOnce(ctx, variant.key, scenario, id);
            if (i < warmup) continue;
            const key = `${scenario}/${variant.key}`;
            append(samples, key, sample);
            append(ids, key, id);
          }
        }
        if ((i + 1) % 10 === 0) log(`  ${i + 1}/${warmup + runs} iterations`);
      }
      // Control: the same plain runs after a 1 s pause each. On a server with the default queue
      // reader rate (20/s per shard) the pause refilled its token bucket and made runs fast; on the
      // tuned dev server (DEV_SERVER_DYNAMIC_CONFIG) it should change little: what is left is ours.
      for (let i = 0; i < idleRuns; i++) {
        for (const variant of VARIANTS) {
          await sleep(1000);
          const sample = await runOnce(ctx, variant.key, 'plain', `ovh-${nonce}-${counter++}`);
          append(idle, variant.key, sample.total);
        }
      }
    });

    const rows: (string | number)[][] = [];
    const costRows: (string | number)[][] = [];
    const data: Record<string, unknown> = { runsPerVariant: runs, warmup, variants: VARIANTS };
    for (const scenario of scenarios) {
      const base = summarize(samples.get(`${scenario}/baseline`)!.map((s) => s.total));
      for (const variant of VARIANTS) {
        const key = `${scenario}/${variant.key}`;
        const list = samples.get(key)!;
        const total = summarize(list.map((s) => s.total));
        const parked = scenario === 'approval' ? summarize(list.map((s) => s.parked!)) : undefined;
        const resumed = scenario === 'approval' ? summarize(list.map((s) => s.resumed!)) : undefined;
        const keyIds = ids.get(key)!;
        const histories = await Promise.all(keyIds.slice(-10).map((id) => fetchHistory(ctx.temporal, id)));
        const history = histories.at(-1)!;
        const size = historySize(history);
        const dispatch = histories.map(dispatchLatencies);
        const perTask = dispatch.flatMap((d) => [...d.workflowTasks, ...d.activityTasks]);
        const tasksPerRun = perTask.length / histories.length;
        const wft = histories.map(workflowTaskDurations);
        const firstWft = summarize(wft.map((d) => d[0]!));
        const laterWft = summarize(wft.flatMap((d) => d.slice(1)));
        rows.push([
          scenario === 'plain' ? 'model→tool→model' : '… with approval',
          variant.key,
          ms(total.p50),
          ms(total.p95),
          ratio(total.p50 / base.p50),
          ratio(total.p95 / base.p95),
          parked ? ms(parked.p50) : '',
          resumed ? ms(resumed.p50) : '',
        ]);
        costRows.push([
          scenario === 'plain' ? 'model→tool→model' : '… with approval',
          variant.key,
          tasksPerRun.toFixed(0),
          ms(percentile(perTask, 50)),
          ms(firstWft.p50),
          ms(laterWft.p50),
          size.events,
          bytes(size.bytes),
        ]);
        data[key] = {
          total,
          parked,
          resumed,
          history: { ...size, eventCounts: eventCounts(history) },
          dispatch: { tasksPerRun, perTaskMs: summarize(perTask) },
          workflowTaskMs: { first: firstWft, later: laterWft },
        } satisfies Record<string, Summary | unknown>;
      }
    }
    const idleRows = VARIANTS.map((v) => {
      const s = summarize(idle.get(v.key)!);
      data[`idle/${v.key}`] = s;
      return [v.key, ms(s.p50), ratio(s.p50 / summarize(idle.get('baseline')!).p50)];
    });
    const ours = (s: Scenario) => data[`${s}/agentRun`] as { total: Summary };
    const floor = (s: Scenario) => data[`${s}/baseline`] as { total: Summary };
    return {
      tables: [
        {
          title: `${runs} runs per variant and scenario after ${warmup} warm-up rounds; in-process worker; ms`,
          text: table(
            ['scenario', 'variant', 'p50', 'p95', 'p50 ratio', 'p95 ratio', 'start→parked p50', 'decision→done p50'],
            rows,
          ),
        },
        {
          title: 'where the time goes (histories of the last 10 runs per row; ms)',
          text: table(['scenario', 'variant', 'tasks/run', 'dispatch p50', '1st workflow task p50', 'later workflow tasks p50', 'events', 'history'], costRows),
        },
        {
          title: `control: model→tool→model after a 1 s pause before each run (${idleRuns} runs per variant); ms`,
          text: table(['variant', 'p50', 'p50 ratio'], idleRows),
        },
      ],
      notes: [
        `agentRun vs baseline, p50: ${ratio(ours('plain').total.p50 / floor('plain').total.p50)} without approval, ${ratio(ours('approval').total.p50 / floor('approval').total.p50)} with one (target ≤ 1.10×).`,
        ...VARIANTS.map((v) => `${v.key}: ${v.what}.`),
        'Approval runs: the driver polls each run\'s status query every 2 ms until the approval is pending, then sends the decision by update (same loop for every variant).',
        '"tasks/run": workflow + activity tasks the server dispatched per run; "dispatch p50": scheduled → started per task. Back to back, wall time ≈ tasks × dispatch for every variant.',
        '"1st workflow task": started → completed of a run\'s first workflow task on the worker, which creates the workflow (evaluates the bundle\'s modules for it); later tasks reuse it.',
      ],
      data,
    };
  },
};

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

async function runOnce(ctx: BenchContext, variant: VariantKey, scenario: Scenario, id: string): Promise<Sample> {
  const approval = scenario === 'approval';
  const t0 = performance.now();
  const design = variant === 'agentRun' ? 'agentRun' : { baseline: variant === 'baseline' ? ('baseline' as const) : ('harness' as const) };
  const handle = await startOrderRun(ctx, { design, approval, taskQueue: TASK_QUEUE, workflowId: id });
  if (!approval) {
    await handle.result();
    return { total: performance.now() - t0 };
  }
  const approvalId = await waitForPending(handle, variant === 'agentRun' ? 'harness' : 'baseline');
  const t1 = performance.now();
  await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
  await handle.result();
  const t2 = performance.now();
  return { total: t2 - t0, parked: t1 - t0, resumed: t2 - t1 };
}
