/**
 * Helpers of the control benchmark's optional lanes: `BENCH_CONTROL_REF` (another commit's
 * checkout serving agentRun@ref) and `BENCH_CONTROL_PROFILE` (profiled TS workers).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { topFunctions } from './cpu-profile.js';
import { ms, table } from './stats.js';

/** Builds `dir`'s own harness workflow bundle (with `dir`'s sources and tsx) into `out`. */
export function bundleOf(dir: string, out: string): string {
  const script = `const { bundleHarnessWorkflows } = await import(${JSON.stringify(join(dir, 'src/worker/bundle.ts'))}); const { writeFileSync } = await import('node:fs'); writeFileSync(${JSON.stringify(out)}, (await bundleHarnessWorkflows()).code);`;
  execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
  return out;
}

/**
 * `<short hash> <subject>` of `dir`'s HEAD when `dir` is a git checkout (a clone or `git worktree`),
 * else "unknown" (a `git archive` snapshot has no .git; a parent folder's repository is not its commit).
 */
export function commitOf(dir: string): string {
  if (!existsSync(join(dir, '.git'))) return 'unknown';
  try {
    return execFileSync('git', ['log', '-1', '--format=%h %s'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Top self-time functions of each profiled worker (all its threads), as tables. */
export function profileTables(root: string, sinceUs: number, bundles: string[]): { title: string; text: string }[] {
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return [];
  }
  return dirs
    .filter((d) => !d.endsWith('.txt'))
    .sort()
    .map((variant) => {
      const { busyMs, top } = topFunctions(join(root, variant), bundles, 20, sinceUs);
      return {
        title: `CPU profile of the ${variant} worker, tuned lane, from the first measured round on (start-up and first warm-ups left out): busy ${ms(busyMs)} ms; top 20 functions by self time`,
        text: table(['function', 'owner', 'self ms', 'share'], top.map((f) => [clip(f.fn, 100), f.category, ms(f.ms), `${(f.share * 100).toFixed(1)}%`])),
      };
    });
}

/** Long names (a RegExp's source is its name in a profile) cut to `max` characters. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
