/** CPU and memory readings from /proc (Linux), for telling which process is the bottleneck. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (USER_HZ): 100 on every Linux we run on. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in milliseconds; undefined if it is gone. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces: split after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU time used so far by each live thread of a process, in ms, by thread id (see {@link threadCpuDeltaMs}). */
export type ThreadCpu = ReadonlyMap<string, number>;

/**
 * CPU time each live thread of a process has used so far, to the scheduler's precision
 * (`se.sum_exec_runtime` of `/proc/<pid>/task/<tid>/sched`, ns), where `/proc/<pid>/stat` counts
 * 10 ms ticks (one agent run costs a few of them). Undefined if the process is gone or the kernel
 * keeps no such field.
 */
export function threadCpu(pid: number): ThreadCpu | undefined {
  const byThread = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  for (const tid of tids) {
    let sched: string;
    try {
      sched = readFileSync(`/proc/${pid}/task/${tid}/sched`, 'utf8');
    } catch {
      continue; // the thread exited meanwhile
    }
    const m = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(sched);
    if (!m) return undefined;
    byThread.set(tid, Number(m[1]));
  }
  return byThread;
}

/**
 * CPU time a process used between two {@link threadCpu} readings, in ms: per thread, so a thread
 * that exits in between costs only its time since `before` (a process-wide sum would drop all of
 * it), and a thread that started in between counts whole.
 */
export function threadCpuDeltaMs(before: ThreadCpu, after: ThreadCpu): number {
  let delta = 0;
  for (const [tid, ms] of after) delta += ms - (before.get(tid) ?? 0);
  return delta;
}

/** Process ids whose parent is `ppid` (e.g. PostgreSQL's backends under its postmaster). */
export function childPids(ppid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid) children.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return children;
}

/** CPU time used so far by all of `pids` together, in milliseconds (processes that are gone count 0). */
export function processesCpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
}

/** Resident set size of a process in bytes; undefined if it is gone. */
export function processRssBytes(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Whole-machine CPU counters: busy and total time over all cores, in ticks. */
export interface MachineCpu {
  busy: number;
  total: number;
}

export function machineCpu(): MachineCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return { busy: total - idle, total };
}

/** Busy share of the whole machine between two readings (1 = every core busy). */
export function machineBusyShare(a: MachineCpu, b: MachineCpu): number {
  const total = b.total - a.total;
  return total > 0 ? (b.busy - a.busy) / total : 0;
}
