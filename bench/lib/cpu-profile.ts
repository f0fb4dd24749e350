/**
 * Summarises V8 .cpuprofile files (node --cpu-prof) by where the time went: the harness's own
 * sources, each npm package, Node internals, GC, idle. Code in a workflow bundle (the sandbox) is
 * attributed to the module it came from, using the bundle's webpack module markers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  /** Microseconds on the machine's monotonic clock (as `process.hrtime`). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** Main thread (activities, gRPC bridge, client), the workflow sandbox's thread, or another (tsx's loader). */
  thread: 'main' | 'workflow thread' | 'other thread';
  busyMs: number;
  /** Busy time by category, largest first (idle excluded). */
  top: { category: string; ms: number; share: number }[];
}

/** For each line of a webpack bundle, the package (or `harness src/`) of the module it belongs to. */
function bundleLineOwners(file: string): string[] {
  const owners: string[] = [];
  let owner = 'bundle runtime';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\/\*\*\*\/ "([^"]+)"/.exec(line);
    if (m) owner = `sandbox: ${packageOf(m[1]!)}`;
    owners.push(owner);
  }
  return owners;
}

function packageOf(path: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path);
  if (pkg) return pkg[1]!;
  if (path.includes('/src/') || path.startsWith('./src/')) return 'harness src/';
  if (path.includes('/bench/') || path.startsWith('./bench/')) return 'bench/';
  return 'other';
}

function category({ functionName, url, lineNumber }: ProfileNode['callFrame'], bundles: Map<string, string[]>): string {
  if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
  for (const [file, owners] of bundles) if (url.endsWith(file)) return owners[lineNumber] ?? 'sandbox: other';
  if (url === 'evalmachine.<anonymous>') return 'sandbox: SDK glue';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/src/')) return 'harness src/';
  if (url.includes('/bench/')) return 'bench/';
  if (url.startsWith('node:')) return 'node internals';
  return url ? 'other' : '(native)';
}

/** @param bundleFiles workflow bundles the profiled worker ran, to attribute sandbox time by module. */
export function summarizeProfiles(dir: string, bundleFiles: string[] = [], topN = 8): ProfileSummary[] {
  const bundles = new Map(bundleFiles.map((f) => [f, bundleLineOwners(f)]));
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return [];
  }
  return files.map((file) => {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, category(n.callFrame, bundles)]));
    const totals = new Map<string, number>();
    profile.samples.forEach((id, i) => {
      const c = byId.get(id) ?? 'other';
      totals.set(c, (totals.get(c) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
    });
    totals.delete('(idle)');
    const busyMs = [...totals.values()].reduce((a, b) => a + b, 0);
    const top = [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([c, ms]) => ({ category: c, ms, share: busyMs ? ms / busyMs : 0 }));
    // Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is main.
    const sandbox = [...totals.keys()].some((c) => c.startsWith('sandbox:') || c === 'bundle runtime');
    const thread = file.split('.')[4] === '0' ? 'main' : sandbox ? 'workflow thread' : 'other thread';
    return { file, thread, busyMs, top };
  });
}

/** One function's self time over a set of profiles. */
export interface FunctionCost {
  /** `name (file:line)`; sandbox code is named after its bundle module's package. */
  fn: string;
  category: string;
  ms: number;
  share: number;
}

/**
 * The functions with the most self time over every profile in `dir` (all threads together, idle
 * excluded): where a worker's CPU goes, one level finer than {@link summarizeProfiles}.
 * @param sinceUs count only samples from this instant on (µs, `process.hrtime.bigint() / 1000n` of
 *   any process on the machine: V8 and libuv read the same monotonic clock), e.g. to leave out
 *   the worker's start-up.
 */
export function topFunctions(dir: string, bundleFiles: string[] = [], topN = 15, sinceUs = 0): { busyMs: number; top: FunctionCost[] } {
  const bundles = new Map(bundleFiles.map((f) => [f, bundleLineOwners(f)]));
  const totals = new Map<string, { category: string; ms: number }>();
  let busyMs = 0;
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return { busyMs: 0, top: [] };
  }
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    let at = profile.startTime;
    profile.samples.forEach((id, i) => {
      at += profile.timeDeltas[i] ?? 0;
      const frame = byId.get(id);
      if (!frame || frame.functionName === '(idle)' || at < sinceUs) return;
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      const owner = category(frame, bundles);
      const where = frame.url ? `${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}` : '';
      const key = `${frame.functionName || '(anonymous)'}${where ? ` (${where})` : ''}`;
      const entry = totals.get(key) ?? { category: owner, ms: 0 };
      entry.ms += ms;
      totals.set(key, entry);
      busyMs += ms;
    });
  }
  const top = [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, topN)
    .map(([fn, entry]) => ({ fn, category: entry.category, ms: entry.ms, share: busyMs ? entry.ms / busyMs : 0 }));
  return { busyMs, top };
}
