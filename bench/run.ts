/**
 * `npm run bench` — every benchmark against a dev server started here, scripted model only.
 *
 *   npm run bench                      quick mode (a few minutes on a shared 2-core box)
 *   npm run bench -- --full            the figures BENCHMARKS.md publishes
 *   npm run bench -- --only overhead   one benchmark (repeat --only, or comma-separate, for more)
 *   npm run bench -- --list            names and titles
 *
 * Each benchmark prints Markdown tables and writes bench/results/<name>.<mode>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { activationCost } from './benchmarks/activation-cost.js';
import { approvalLatency } from './benchmarks/approval-latency.js';
import { control } from './benchmarks/control.js';
import { historyGrowth } from './benchmarks/history-growth.js';
import { langgraph } from './benchmarks/langgraph.js';
import { memory } from './benchmarks/memory.js';
import { overhead } from './benchmarks/overhead.js';
import { parkedRuns } from './benchmarks/parked-runs.js';
import { parkedRunsCache } from './benchmarks/parked-runs-cache.js';
import { throughput } from './benchmarks/throughput.js';
import { tokenLatency } from './benchmarks/token-latency.js';
import type { Benchmark } from './lib/bench.js';
import { startBenchContext, type Mode } from './lib/context.js';
import { collectMeta } from './lib/meta.js';
import { describeDynamicConfig } from '../src/devserver/index.js';

// activation-cost runs last: its debugMode workers leave the SDK's sandbox hooks (a promise hook,
// Error.prepareStackTrace) installed in this process, which would slow every benchmark after it.
const BENCHMARKS: Benchmark[] = [control, overhead, approvalLatency, parkedRuns, parkedRunsCache, historyGrowth, langgraph, throughput, memory, tokenLatency, activationCost];
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help || values.list) {
  console.log('npm run bench [-- --full] [--only NAME[,NAME]] [--list]\n');
  for (const b of BENCHMARKS) console.log(`  ${b.name.padEnd(18)} ${b.title}`);
  process.exit(0);
}

const only = (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
const unknown = only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Known: ${BENCHMARKS.map((b) => b.name).join(', ')}.`);
  process.exit(2);
}
const selected = only.length ? BENCHMARKS.filter((b) => only.includes(b.name)) : BENCHMARKS;
const mode: Mode = values.full ? 'full' : 'quick';

// Runs fail and workers evict on purpose here; only errors are worth printing.
Runtime.install({ logger: new DefaultLogger('ERROR') });

const log = (line: string) => console.log(line);
const started = Date.now();
log(`temporal-harness benchmarks, ${mode} mode: ${selected.map((b) => b.name).join(', ')}`);
// BENCH_SERVER_ARGS: extra `temporal server start-dev` arguments, e.g. to try a dynamic-config setting.
const serverArgs = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean);
// BENCH_CLUSTER=1: against the production-shaped cluster (src/cluster) instead of the dev server.
const cluster = process.env.BENCH_CLUSTER === '1';
const ctx = await startBenchContext(mode, log, { serverArgs, cluster });
if (cluster) log('server: the production-shaped cluster (PostgreSQL, 4 history shards, 4 service processes); server CPU counts all of them and PostgreSQL');
else log(`dev server dynamic config: ${describeDynamicConfig(ctx.server.dynamicConfig)}${serverArgs.length ? `; then ${serverArgs.join(' ')}` : ''}`);
const meta = collectMeta(ctx.server.binary);
log(`node ${meta.node}, ${meta.cores} × ${meta.cpuModel}, ${meta.memoryGiB} GiB, load ${meta.loadAverageAtStart.join(' ')}; ${meta.temporal.split('\n')[0]}`);
log(`commit ${meta.git.commit}${meta.git.uncommittedSrcFiles ? ` + ${meta.git.uncommittedSrcFiles} uncommitted file(s) under src/` : ''}`);
mkdirSync(RESULTS, { recursive: true });

let failed = 0;
try {
  for (const benchmark of selected) {
    log(`\n## ${benchmark.title}\n`);
    const t0 = Date.now();
    try {
      const output = await benchmark.run(ctx, (line) => log(line));
      for (const t of output.tables) log(`${t.title}\n\n${t.text}\n`);
      for (const note of output.notes) log(`- ${note}`);
      const durationMs = Date.now() - t0;
      const file = `${RESULTS}${benchmark.name}.${mode}${cluster ? '.cluster' : ''}.json`;
      writeFileSync(file, `${JSON.stringify({ benchmark: benchmark.name, title: benchmark.title, mode, durationMs, meta, data: output.data }, null, 2)}\n`);
      log(`(${(durationMs / 1000).toFixed(1)} s; ${file.replace(fileURLToPath(new URL('../', import.meta.url)), '')})`);
    } catch (err) {
      failed += 1;
      console.error(`benchmark ${benchmark.name} failed:`, err);
    }
  }
} finally {
  await ctx.close();
}
log(`\nall done in ${((Date.now() - started) / 1000).toFixed(0)} s${failed ? `; ${failed} benchmark(s) failed` : ''}`);
process.exit(failed ? 1 : 0);
