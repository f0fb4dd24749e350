/**
 * 0d. What one workflow activation costs inside the SDK's sandbox, agentRun against the bare
 * workflow: entries into the sandbox per run and their time, with the worker's
 * `isolateExecutionTimeout` (a watchdog thread per entry, as every worker runs) and without it (the
 * work itself), and the sandbox's promises per run (each costs the SDK a stack capture). Workers in
 * `debugMode` in this process, so the entries can be counted (bench/lib/sandbox-entries.ts);
 * driver-started runs, interleaved. See BENCHMARKS.md §0d for what the figures mean.
 */
import { decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark, type BenchmarkOutput } from '../lib/bench.js';
import type { BenchContext } from '../lib/context.js';
import { startOrderRun } from '../lib/start-order-run.js';
import { installSandboxCounters, startCounting, stopCounting, uninstallSandboxCounters, type SandboxTally } from '../lib/sandbox-entries.js';
import { ms, ratio, table } from '../lib/stats.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

const TASK_QUEUE = 'bench-activation-cost';
/**
 * BENCH_ACTIVATION_LOCAL=1: both sides with every call a local activity (agentRun's model and tool
 * declared local, the bare workflow's `local` input).
 */
const LOCAL = process.env.BENCH_ACTIVATION_LOCAL === '1';
const VARIANTS = { agentRun: 'agentRun', 'TS bare': BASELINE_AGENT_WORKFLOW } as const;
type Variant = keyof typeof VARIANTS;
type Pass = 'with the watchdog' | 'without it' | 'promises';
const PASSES: Pass[] = ['with the watchdog', 'without it', 'promises'];

interface Row {
  scenario: string;
  pass: Pass;
  variant: Variant;
  runs: number;
  /** Per run. */
  activations: number;
  entries: number;
  activateMs: number;
  otherEntriesMs: number;
  promises: number;
  /** Job kinds of the activations → calls and ms per run. */
  byJob: Record<string, { calls: number; ms: number }>;
}

export const activationCost: Benchmark = {
  name: 'activation-cost',
  title: '0d. Per-activation cost inside the sandbox: agentRun vs the bare workflow (debugMode workers)',
  async run(ctx, log) {
    const runs = ctx.mode === 'full' ? 60 : 20;
    const warmup = 3;
    installSandboxCounters();
    const rows: Row[] = [];
    try {
      await measure(ctx, runs, warmup, rows, log);
    } finally {
      uninstallSandboxCounters();
    }
    return report(rows, runs, warmup);
  },
};

async function measure(ctx: BenchContext, runs: number, warmup: number, rows: Row[], log: (line: string) => void): Promise<void> {
  await ctx.withWorker(
    TASK_QUEUE,
    async () => {
      for (const approval of [false, true]) {
        const scenario = approval ? '… with one approval' : 'model→tool→model';
        for (let i = 0; i < warmup; i++) for (const v of Object.keys(VARIANTS) as Variant[]) await runOnce(ctx, v, approval, `ac-${nonce}-${tag(v, approval)}-warmup-${i}`);
        for (const pass of PASSES) {
          // The promise pass needs fewer runs: its counts are exact.
          const n = pass === 'promises' ? Math.min(runs, 5) : runs;
          const totals = new Map<Variant, SandboxTally[]>();
          for (let i = 0; i < n; i++) {
            // Interleaved, order alternating, each run counted alone.
            for (const v of (i % 2 ? ['TS bare', 'agentRun'] : ['agentRun', 'TS bare']) as Variant[]) {
              startCounting({ withoutTimeout: pass !== 'with the watchdog', promises: pass === 'promises' });
              await runOnce(ctx, v, approval, `ac-${nonce}-${tag(v, approval)}-${PASSES.indexOf(pass)}-${i}`);
              const tally = stopCounting().get(VARIANTS[v]);
              if (tally) totals.set(v, [...(totals.get(v) ?? []), tally]);
            }
          }
          for (const [variant, tallies] of totals) rows.push(summarize(scenario, pass, variant, tallies));
        }
        log(`  ${scenario}: done`);
      }
    },
    { debugMode: true },
  );
}

function report(rows: Row[], runs: number, warmup: number): BenchmarkOutput {
  const find = (scenario: string, pass: Pass, variant: Variant) => rows.find((r) => r.scenario === scenario && r.pass === pass && r.variant === variant);
  const overBare = (r: Row, pick: (row: Row) => number) => {
    const bare = find(r.scenario, r.pass, 'TS bare');
    return r.variant === 'TS bare' || !bare ? '' : ratio(pick(r) / pick(bare));
  };
  const perActivation = (r: Row) => (r.activateMs + r.otherEntriesMs) / r.activations;
  const timed = rows.filter((r) => r.pass !== 'promises');
  return {
    tables: [
      {
        title: `sandbox entries per run (${runs} runs per variant and pass after ${warmup} warm-ups; ms of wall time on the thread running the sandbox)`,
        text: table(
          ['scenario', 'pass', 'variant', 'activations/run', 'entries/run', '`activate` ms/run', 'other entries ms/run', 'ms per activation', '× TS bare per activation'],
          timed.map((r) => [r.scenario, r.pass, r.variant, r.activations.toFixed(2), r.entries.toFixed(1), ms(r.activateMs), ms(r.otherEntriesMs), ms(perActivation(r)), overBare(r, perActivation)]),
        ),
      },
      {
        title: 'sandbox promises per run (each one costs the SDK a source-mapped stack capture; with its promise hook installed V8 also makes one per `await` of a promise)',
        text: table(
          ['scenario', 'variant', 'promises/run', '× TS bare'],
          rows.filter((r) => r.pass === 'promises').map((r) => [r.scenario, r.variant, r.promises.toFixed(1), overBare(r, (x) => x.promises)]),
        ),
      },
      {
        title: 'without the watchdog, by job kind: calls and ms per run',
        text: table(
          ['scenario', 'variant', 'job kinds (calls/run, ms/run)'],
          rows.filter((r) => r.pass === 'without it').map((r) => [r.scenario, r.variant, Object.entries(r.byJob).map(([k, v]) => `${k} ${v.calls.toFixed(2)}× ${ms(v.ms)}`).join('; ')]),
        ),
      },
    ],
    notes: [
      '"with the watchdog": as every worker runs workflow code, each entry into the sandbox under the worker\'s isolateExecutionTimeout (Node starts and joins a watchdog thread per entry); "without it": the same entries with the timeout dropped, i.e. the work itself.',
      'debugMode workers: the sandbox runs on this process\'s main thread (same reusable V8 context as on a workflow thread); activities, the bridge and the driver share that thread, so compare the variants within a pass.',
      'agentRun here is driver-started (its plan by the planRun local activity: one more activation than the bare workflow); status queries of the approval scenario are activations too.',
      ...(LOCAL ? ['BENCH_ACTIVATION_LOCAL=1: every model and tool call a local activity on both sides (agentRun: agents all-local / all-local-gated).'] : []),
    ],
    data: rows,
  };
}

/** A workflow id part: which workflow, which scenario. */
const tag = (v: Variant, approval: boolean) => `${v === 'agentRun' ? 'agent' : 'bare'}-${approval ? 'approval' : 'plain'}`;

async function runOnce(ctx: BenchContext, variant: Variant, approval: boolean, id: string): Promise<void> {
  const design = variant === 'agentRun' ? 'agentRun' : { baseline: 'baseline' as const };
  const handle = await startOrderRun(ctx, { design, approval, taskQueue: TASK_QUEUE, workflowId: id, local: LOCAL });
  if (approval) {
    const approvalId = await waitForPending(handle, variant === 'agentRun' ? 'harness' : 'baseline');
    await handle.executeUpdate(decideApprovalUpdate, { args: [{ approvalId, decision: 'approve', approver: 'bench' }] });
  }
  await handle.result();
}

function summarize(scenario: string, pass: Pass, variant: Variant, tallies: SandboxTally[]): Row {
  const n = tallies.length;
  const sum = (name: string, field: 'calls' | 'ms') => tallies.reduce((t, x) => t + (x.entries[name]?.[field] ?? 0), 0) / n;
  const names = new Set(tallies.flatMap((t) => Object.keys(t.entries)));
  const plain = [...names].filter((name) => !name.includes(':'));
  const byJob = Object.fromEntries([...names].filter((name) => name.startsWith('activate:')).map((name) => [name.slice('activate:'.length), { calls: sum(name, 'calls'), ms: sum(name, 'ms') }]));
  return {
    scenario,
    pass,
    variant,
    runs: n,
    activations: sum('activate', 'calls'),
    entries: plain.reduce((t, name) => t + sum(name, 'calls'), 0),
    activateMs: sum('activate', 'ms'),
    otherEntriesMs: plain.filter((name) => name !== 'activate').reduce((t, name) => t + sum(name, 'ms'), 0),
    promises: tallies.reduce((t, x) => t + x.promises, 0) / n,
    byJob,
  };
}
