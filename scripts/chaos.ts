/**
 * `npm run chaos [-- --runs N --kills K --concurrency C --timeout-min M]`: the chaos run against
 * its own dev server and two worker processes; prints a table and exits non-zero when a target
 * (0 runs lost, 0 approvals lost, 0 ledger effects twice or missing, K kills) is missed.
 */
import { parseArgs } from 'node:util';
import { chaosTargets, formatChaosReport, runChaos } from './chaos/run-chaos.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    kills: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'timeout-min': { type: 'string', default: '15' },
  },
});
const runs = Number(values.runs);
const kills = Number(values.kills);
const report = await runChaos({
  runs,
  kills,
  concurrency: Number(values.concurrency),
  timeoutMs: Number(values['timeout-min']) * 60_000,
  log: (line) => console.log(`[chaos] ${line}`),
});
const targets = chaosTargets(report, { kills });
console.log(`\n${formatChaosReport(report, targets)}`);
process.exit(targets.every((t) => t.ok) ? 0 : 1);
