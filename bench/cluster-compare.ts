/**
 * `npm run bench:cluster` — the overhead and throughput benchmarks on the dev server, then on the
 * production-shaped cluster (src/cluster: PostgreSQL, 4 history shards, 4 service processes), one
 * after the other, then one table with the two side by side: wall time per run and the agentRun /
 * bare-workflow ratio, task dispatch, runs per second, server and worker CPU per run.
 *
 *   npm run bench:cluster                 quick mode (~15 min on a shared 2-core box)
 *   npm run bench:cluster -- --full       the sample sizes of BENCHMARKS.md
 *
 * Each half prints its own tables as `npm run bench` does and leaves its JSON in bench/results/.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ms, ratio, table } from './lib/stats.js';

const full = process.argv.includes('--full');
const mode = full ? 'full' : 'quick';
const RUN = fileURLToPath(new URL('./run.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

for (const cluster of [false, true]) {
  console.log(`\n# ${cluster ? 'cluster' : 'dev server'}\n`);
  const child = spawnSync(process.execPath, ['--import', 'tsx', RUN, '--only', 'overhead,throughput', ...(full ? ['--full'] : [])], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_CLUSTER: cluster ? '1' : '0' },
  });
  if (child.status !== 0) {
    console.error(`the ${cluster ? 'cluster' : 'dev server'} half failed (exit ${child.status ?? child.signal}); see above`);
    process.exit(1);
  }
}

interface Summary {
  p50: number;
}
interface OverheadData {
  [key: string]: { total: Summary; dispatch: { perTaskMs: Summary } } | unknown;
}
interface ThroughputConfig {
  workflow: string;
  workers: number;
  inFlight: number;
  runsPerSecond: number;
  cpuMsPerRun: { server: number; workers: number };
}

const read = <T>(name: string, cluster: boolean): T =>
  (JSON.parse(readFileSync(`${RESULTS}${name}.${mode}${cluster ? '.cluster' : ''}.json`, 'utf8')) as { data: T }).data;

const columns = [false, true].map((cluster) => {
  const o = read<OverheadData>('overhead', cluster) as Record<string, { total: Summary; dispatch: { perTaskMs: Summary } }>;
  const t = read<{ configs: ThroughputConfig[] }>('throughput', cluster).configs;
  const one = (workflow: string) => t.find((c) => c.workflow === workflow && c.workers === 1)!;
  const p50 = (key: string) => o[key]!.total.p50;
  return [
    ms(p50('plain/baseline')),
    `${ms(p50('plain/agentRun'))} (${ratio(p50('plain/agentRun') / p50('plain/baseline'))})`,
    `${ms(p50('approval/agentRun'))} (${ratio(p50('approval/agentRun') / p50('approval/baseline'))})`,
    ms(o['plain/agentRun']!.dispatch.perTaskMs.p50),
    one('agentRun').runsPerSecond.toFixed(1),
    one('baseline').runsPerSecond.toFixed(1),
    ms(one('agentRun').cpuMsPerRun.server),
    ms(one('baseline').cpuMsPerRun.server),
    ms(one('agentRun').cpuMsPerRun.workers),
  ];
});
const labels = [
  'model→tool→model, bare workflow, p50',
  '… agentRun p50 (ratio to bare)',
  '… with an approval: agentRun p50 (ratio to bare)',
  'task dispatch p50 (scheduled → started)',
  'throughput, agentRun, 1 worker (runs/s)',
  'throughput, bare workflow, 1 worker (runs/s)',
  'server CPU ms per agentRun run',
  'server CPU ms per bare run',
  'worker CPU ms per agentRun run',
];
console.log(`\n# dev server next to the cluster (${mode} mode)\n`);
console.log(table(['figure', 'dev server (SQLite, 1 process)', 'cluster (PostgreSQL, 4 processes)'], labels.map((l, i) => [l, columns[0]![i]!, columns[1]![i]!])));
