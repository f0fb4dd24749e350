/** Machine and version facts recorded with every result file. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function packageVersion(name: string): string | undefined {
  const file = `${ROOT}node_modules/${name}/package.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

export interface Meta {
  date: string;
  node: string;
  os: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  /** 1/5/15-minute load averages when the bench started: other people's work on a shared box. */
  loadAverageAtStart: number[];
  temporal: string;
  /** The commit measured, and how many files under src/ differed from it (work in progress). */
  git: { commit: string; uncommittedSrcFiles: number };
  packages: Record<string, string | undefined>;
}

export function collectMeta(temporalBinary: string): Meta {
  let temporal = 'unknown';
  try {
    temporal = execFileSync(temporalBinary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // Reported as unknown: the figures are still worth having.
  }
  let git = { commit: 'unknown', uncommittedSrcFiles: 0 };
  try {
    const run = (args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    git = { commit: run(['rev-parse', '--short', 'HEAD']), uncommittedSrcFiles: run(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean).length };
  } catch {
    // Not a git checkout: the figures stand without it.
  }
  return {
    date: new Date().toISOString(),
    git,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    temporal,
    packages: Object.fromEntries(
      ['@temporalio/worker', '@temporalio/client', '@langchain/core', '@langchain/langgraph', 'langchain', '@langchain/langgraph-checkpoint-sqlite', 'better-sqlite3'].map(
        (name) => [name, packageVersion(name)],
      ),
    ),
  };
}
