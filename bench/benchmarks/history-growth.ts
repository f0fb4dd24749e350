/**
 * 4. History growth over a long conversation: agentRun (model calls get `{agentId, step,
 * transcriptLength}` and read the transcript by query) vs the naive design (the whole transcript
 * in every model-call input, bench `naiveAgent`), same scripted model, same ~1 KB tool results.
 */
import { performance } from 'node:perf_hooks';
import { nonce, type Benchmark } from '../lib/bench.js';
import { baselineQueue } from '../lib/context.js';
import { fetchHistory, growthByActivity, historySize, type ModelCallPoint } from '../lib/history.js';
import { bytes, ms, ratio, table } from '../lib/stats.js';
import { AGENTS } from '../lib/workspace.js';
import { NAIVE_AGENT_WORKFLOW } from '../workflows/messages.js';

const TASK_QUEUE = `bench-history-${nonce}`;
const INPUT = 'Read the whole document, page by page.';
/** Temporal's hard limit on one history (server 1.29): the run is terminated past it. */
const HISTORY_LIMIT_BYTES = 50 * 1024 * 1024;

export const historyGrowth: Benchmark = {
  name: 'history-growth',
  title: '4. History growth per model call (ours vs the full transcript in every model-call input)',
  async run(ctx) {
    const turns = ctx.readerTurns;
    const oursId = `hist-ours-${nonce}`;
    const naiveId = `hist-naive-${nonce}`;
    const timing = await ctx.withWorker(TASK_QUEUE, async () => {
      const t0 = performance.now();
      await (await ctx.harness(TASK_QUEUE).startRun({ agentId: AGENTS.reader, input: INPUT, runId: oursId })).result();
      const t1 = performance.now();
      await ctx.temporal.workflow.execute(NAIVE_AGENT_WORKFLOW, {
        workflowId: naiveId,
        taskQueue: baselineQueue(TASK_QUEUE),
        args: [{ agentId: AGENTS.reader, input: INPUT, maxSteps: turns + 5 }],
      });
      return { oursMs: t1 - t0, naiveMs: performance.now() - t1 };
    });
    const [oursHistory, naiveHistory] = await Promise.all([fetchHistory(ctx.temporal, oursId), fetchHistory(ctx.temporal, naiveId)]);
    const ours = growthByActivity(oursHistory, 'callModel');
    const naive = growthByActivity(naiveHistory, 'baselineCallModel');
    if (ours.length !== turns || naive.length !== turns) {
      throw new Error(`expected ${turns} model calls, got ${ours.length} (ours) and ${naive.length} (naive)`);
    }

    const checkpoints = [...new Set([1, 2, 5, 10, 20, 30, 50, 75, 100].filter((k) => k < turns).concat(turns))];
    const rows = checkpoints.map((k) => {
      const o = ours[k - 1]!;
      const n = naive[k - 1]!;
      return [k, bytes(o.bytes), o.events, bytes(o.scheduledBytes), bytes(n.bytes), n.events, bytes(n.scheduledBytes), ratio(n.bytes / o.bytes)];
    });
    const oursTotal = historySize(oursHistory);
    const naiveTotal = historySize(naiveHistory);
    const perCall = (points: ModelCallPoint[], from: number, to: number) => (points[to - 1]!.bytes - points[from - 1]!.bytes) / (to - from);
    // Slopes and fits over the tool-calling turns: the last model call is different in both designs
    // (it answers in text, which agentRun also publishes to the run's event stream).
    const last = turns - 1;
    const tenth = Math.max(2, Math.floor(last / 10));
    const oursEarly = perCall(ours, 1, 1 + tenth);
    const oursLate = perCall(ours, last - tenth, last);
    const naiveEarly = perCall(naive, 1, 1 + tenth);
    const naiveLate = perCall(naive, last - tenth, last);
    const naiveFit = fitQuadratic(naive.slice(0, last).map((p) => [p.call, p.bytes]));
    const oursFit = fitQuadratic(ours.slice(0, last).map((p) => [p.call, p.bytes]));
    const naiveLimitCalls = callsToReach(naiveFit, HISTORY_LIMIT_BYTES);
    // Ours is linear: project with its late per-call growth (a quadratic fit of a line is noise).
    const oursLimitCalls = turns + (HISTORY_LIMIT_BYTES - ours[turns - 1]!.bytes) / oursLate;

    return {
      tables: [
        {
          title: `one run of ${turns} model calls (${turns - 1} tool calls returning ~1 KB each); cumulative history after the k-th model call completes`,
          text: table(['model calls', 'ours: history', 'events', 'model-call input', 'naive: history', 'events', 'model-call input', 'naive / ours'], rows),
        },
        {
          title: 'growth',
          text: table(
            ['', `bytes per model call, calls 1–${1 + tenth}`, `bytes per model call, calls ${last - tenth}–${last}`, 'least-squares fit a·k² + b·k + c', 'model calls to the 50 MB limit', 'whole run', 'wall time'],
            [
              ['ours', bytes(oursEarly), bytes(oursLate), formatFit(oursFit), fmtCalls(oursLimitCalls), `${bytes(oursTotal.bytes)}, ${oursTotal.events} events`, `${ms(timing.oursMs)} ms`],
              ['naive', bytes(naiveEarly), bytes(naiveLate), formatFit(naiveFit), fmtCalls(naiveLimitCalls), `${bytes(naiveTotal.bytes)}, ${naiveTotal.events} events`, `${ms(timing.naiveMs)} ms`],
            ],
          ),
        },
      ],
      notes: [
        `Ours adds ~${bytes(oursLate)} per model call at the end as at the start (${bytes(oursEarly)}): linear. The naive design adds ${bytes(naiveEarly)} early and ${bytes(naiveLate)} late: quadratic.`,
        `"Model calls to the 50 MB limit" extrapolates: ours linearly from its last calls, naive from the quadratic fit. Ours meets limits.maxSteps (≤ 1000) and the 51,200-event limit long before.`,
        'Ours carries in each model-call input only the messages added since the previous model call (at most 32 KiB; above that, or on a worker lacking earlier messages, the worker reads them by query), so each message enters history about once more: linear, not quadratic. A tool call carries a run context of up to 4 KiB; a bigger one is read by a tool-context query.',
      ],
      data: { turns, ours: { points: ours, total: oursTotal, fit: oursFit, wallMs: timing.oursMs }, naive: { points: naive, total: naiveTotal, fit: naiveFit, wallMs: timing.naiveMs } },
    };
  },
};

interface Fit {
  a: number;
  b: number;
  c: number;
}

/** Least-squares y ≈ a·x² + b·x + c (normal equations, Cramer's rule). */
function fitQuadratic(points: [number, number][]): Fit {
  const s = (f: (x: number, y: number) => number) => points.reduce((acc, [x, y]) => acc + f(x, y), 0);
  const [n, sx, sx2, sx3, sx4] = [points.length, s((x) => x), s((x) => x * x), s((x) => x ** 3), s((x) => x ** 4)];
  const [sy, sxy, sx2y] = [s((_, y) => y), s((x, y) => x * y), s((x, y) => x * x * y)];
  const det = (m: number[][]) =>
    m[0]![0]! * (m[1]![1]! * m[2]![2]! - m[1]![2]! * m[2]![1]!) -
    m[0]![1]! * (m[1]![0]! * m[2]![2]! - m[1]![2]! * m[2]![0]!) +
    m[0]![2]! * (m[1]![0]! * m[2]![1]! - m[1]![1]! * m[2]![0]!);
  const A = [
    [sx4, sx3, sx2],
    [sx3, sx2, sx],
    [sx2, sx, n],
  ];
  const Y = [sx2y, sxy, sy];
  const D = det(A);
  const col = (i: number) => A.map((row, r) => row.map((v, c) => (c === i ? Y[r]! : v)));
  return { a: det(col(0)) / D, b: det(col(1)) / D, c: det(col(2)) / D };
}

function callsToReach({ a, b, c }: Fit, target: number): number {
  if (a <= 0) return (target - c) / b;
  return (-b + Math.sqrt(b * b - 4 * a * (c - target))) / (2 * a);
}

function formatFit({ a, b, c }: Fit): string {
  return `${a.toFixed(1)}·k² + ${b.toFixed(0)}·k + ${c.toFixed(0)}`;
}

function fmtCalls(calls: number): string {
  return Number.isFinite(calls) ? `~${Math.round(calls).toLocaleString('en-US')}` : '—';
}
