/**
 * The chaos run: many runs, each with an approval, across two worker processes that are
 * SIGKILLed (and restarted) at chosen moments — during model calls, during tool calls and while
 * runs wait for approval. Then it counts what was lost or done twice.
 *
 * Used by `npm run chaos` (scripts/chaos.ts) and, smaller, by test/chaos/chaos.int.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { DecisionRejectedError, HarnessClient, type RunHandle, type RunStatus } from '../../src/client/index.js';
import { startDevServer, type DevServer } from '../../src/devserver/index.js';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';
import { spawnChaosWorker, type ChaosWorker, type WorkerEnv } from './workers.js';
import { CHAOS_AGENT, writeChaosWorkspace } from './workspace.js';

export interface ChaosOptions {
  /** Runs to start. @default 100 */
  runs?: number;
  /** SIGKILLs to deliver. @default 10 */
  kills?: number;
  /** Runs in flight at once. @default 8 */
  concurrency?: number;
  /** A running Temporal server; without one, a dev server with a DB file in a temp dir is started. */
  address?: string;
  /** A pre-built workflow bundle file; without one, the workflows are bundled once. */
  workflowBundlePath?: string;
  /** Upper bound for the whole chaos run; runs unfinished by then count as lost. @default 15 min */
  timeoutMs?: number;
  /** Pause between streamed words of the scripted model. @default 40 */
  streamDelayMs?: number;
  /** How long `slow_lookup` takes. @default 800 */
  toolDelayMs?: number;
  /** Longest a run waits for its approval decision (random up to this). @default 1500 */
  maxApprovalDelayMs?: number;
  /** Share of decisions sent by signal instead of update. @default 0.25 */
  signalShare?: number;
  log?: (line: string) => void;
}

export type KillMoment = 'model call' | 'tool call' | 'approval wait' | 'random';

export interface ChaosReport {
  runs: number;
  completed: number;
  /** Runs that did not complete (failed, timed out, stuck), with their last state. */
  lost: Array<{ runId: string; state: string; error?: string }>;
  approvalsSent: number;
  approvalsViaSignal: number;
  /** Decisions sent (update acknowledged or signal delivered) that the run's record lacks. */
  approvalsLost: number;
  ledgerEntries: number;
  /** Ledger keys (runId:toolCallId) that appear more than once: side effects done twice. */
  duplicateEffects: number;
  /** Completed runs with no ledger entry (the approved refund never happened). */
  missingEffects: number;
  /** `slow_lookup` calls that started again after one had finished (at-least-once re-executions). */
  toolReexecutions: number;
  /** `slow_lookup` starts that never finished: in-flight calls a kill interrupted (then retried). */
  interruptedToolCalls: number;
  kills: number;
  killsByMoment: Record<KillMoment, number>;
  durationMs: number;
  timedOut: boolean;
}

export interface ChaosTarget {
  name: string;
  value: number;
  target: string;
  ok: boolean;
}

/** The targets the chaos run must meet; `npm run chaos` exits non-zero when one is missed. */
export function chaosTargets(report: ChaosReport, options: { kills: number }): ChaosTarget[] {
  return [
    { name: 'runs completed', value: report.completed, target: `= ${report.runs}`, ok: report.completed === report.runs },
    { name: 'runs lost', value: report.lost.length, target: '0', ok: report.lost.length === 0 },
    { name: 'approvals lost', value: report.approvalsLost, target: '0', ok: report.approvalsLost === 0 },
    { name: 'ledger effects twice', value: report.duplicateEffects, target: '0', ok: report.duplicateEffects === 0 },
    { name: 'ledger effects missing', value: report.missingEffects, target: '0', ok: report.missingEffects === 0 },
    { name: 'worker kills', value: report.kills, target: `>= ${options.kills}`, ok: report.kills >= options.kills },
  ];
}

/** A plain-text table of the report and the targets. */
export function formatChaosReport(report: ChaosReport, targets: ChaosTarget[]): string {
  const rows: Array<[string, string, string]> = [
    ...targets.map((t): [string, string, string] => [t.name, String(t.value), `${t.target} ${t.ok ? 'ok' : 'MISSED'}`]),
    ['approvals sent (by signal)', `${report.approvalsSent} (${report.approvalsViaSignal})`, ''],
    ['ledger entries', String(report.ledgerEntries), ''],
    ['kills during model call', String(report.killsByMoment['model call']), ''],
    ['kills during tool call', String(report.killsByMoment['tool call']), ''],
    ['kills during approval wait', String(report.killsByMoment['approval wait']), ''],
    ['kills at a random moment', String(report.killsByMoment.random), ''],
    ['interrupted tool calls (retried)', String(report.interruptedToolCalls), ''],
    ['finished tool calls run again', String(report.toolReexecutions), 'info (at-least-once)'],
    ['duration', `${(report.durationMs / 1000).toFixed(1)} s${report.timedOut ? ' (timed out)' : ''}`, ''],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`.trimEnd());
  for (const l of report.lost.slice(0, 20)) lines.push(`lost: ${l.runId} (${l.state})${l.error ? `: ${l.error}` : ''}`);
  return lines.join('\n');
}

type RunPhase = 'starting' | 'running' | 'parked' | 'deciding' | 'finishing' | 'done';

interface RunTrack {
  runId: string;
  phase: RunPhase;
  sent: string[];
  viaSignal: boolean;
  final?: RunStatus;
  error?: string;
}

/** Runs the chaos scenario and returns its figures (never throws for a missed target). */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosReport> {
  const runs = options.runs ?? 100;
  const kills = options.kills ?? 10;
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  const maxApprovalDelayMs = options.maxApprovalDelayMs ?? 1500;
  const signalShare = options.signalShare ?? 0.25;
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const deadline = started + timeoutMs;

  const dir = mkdtempSync(join(tmpdir(), 'harness-chaos-'));
  const cleanups: Array<() => Promise<void>> = [];
  const workers: Array<ChaosWorker | undefined> = [undefined, undefined];
  try {
    let server: DevServer | undefined;
    let bundlePath = options.workflowBundlePath;
    if (!options.address || !bundlePath) {
      log('starting dev server / bundling workflows…');
      const [s, bundle] = await Promise.all([
        options.address ? undefined : startDevServer({ dbFile: join(dir, 'temporal.db') }),
        bundlePath ? undefined : bundleHarnessWorkflows(),
      ]);
      server = s;
      if (server) cleanups.push(() => server!.stop());
      if (bundle) {
        bundlePath = join(dir, 'workflow-bundle.js');
        writeFileSync(bundlePath, bundle.code);
      }
    }
    const address = options.address ?? server!.address;
    const env: WorkerEnv = {
      address,
      taskQueue: `chaos-${Date.now().toString(36)}`,
      workspace: writeChaosWorkspace(dir, options.streamDelayMs ?? 40),
      bundlePath: bundlePath!,
      ledger: join(dir, 'ledger.jsonl'),
      toolLog: join(dir, 'tool.log'),
    };
    process.env.HARNESS_CHAOS_TOOL_DELAY_MS = String(options.toolDelayMs ?? 800);

    log('starting 2 worker processes…');
    await Promise.all([0, 1].map(async (slot) => (workers[slot] = await spawnChaosWorker(slot, env))));
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w?.kill()));
    });

    const client = await HarnessClient.connect({ address, taskQueue: env.taskQueue });
    cleanups.push(() => client.close());
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const raw = new Client({ connection });

    const tracks: RunTrack[] = [];
    let next = 0;
    let killsDone = 0;
    const killsByMoment: Record<KillMoment, number> = { 'model call': 0, 'tool call': 0, 'approval wait': 0, random: 0 };

    const drive = async (track: RunTrack): Promise<void> => {
      const remaining = () => Math.max(1, deadline - Date.now());
      try {
        const run = await client.startRun({ runId: track.runId, agentId: CHAOS_AGENT, input: `Please refund order A-1001 (${track.runId})` });
        track.phase = 'running';
        const parked = await waitUntil(run, (s) => s.state === 'waiting_for_approval' || isFinal(s.state), remaining);
        for (const pending of parked.pendingApprovals) {
          track.phase = 'parked';
          await sleep(Math.random() * maxApprovalDelayMs);
          track.phase = 'deciding';
          await decide(run, pending.approvalId, track, remaining);
        }
        track.phase = 'finishing';
        track.final = await waitUntil(run, (s) => isFinal(s.state), remaining);
      } catch (err) {
        track.error = (err as Error).message;
      } finally {
        track.phase = 'done';
      }
    };

    const decide = async (run: RunHandle, approvalId: string, track: RunTrack, remaining: () => number): Promise<void> => {
      if (track.viaSignal) {
        await retrying(() => run.decide({ approvalId, decision: 'approve', approver: 'chaos-signal' }, { via: 'signal' }), remaining);
        track.sent.push(approvalId);
        return;
      }
      await retrying(async () => {
        try {
          await run.decide({ approvalId, decision: 'approve', approver: 'chaos-update' });
        } catch (err) {
          // An earlier attempt may have been applied before its answer was lost.
          if (err instanceof DecisionRejectedError && err.code === 'APPROVAL_ALREADY_DECIDED') return undefined;
          throw err;
        }
        return undefined;
      }, remaining);
      track.sent.push(approvalId);
    };

    const driver = async (): Promise<void> => {
      while (next < runs && Date.now() < deadline) {
        const i = next++;
        const track: RunTrack = {
          runId: `chaos-${i}-${Math.random().toString(36).slice(2, 8)}`,
          phase: 'starting',
          sent: [],
          viaSignal: Math.random() < signalShare,
        };
        tracks.push(track);
        await drive(track);
      }
    };

    /** Picks a victim for the wanted moment, or undefined if none shows up soon. */
    const findVictim = async (moment: KillMoment, waitMs: number): Promise<number | undefined> => {
      const until = Date.now() + waitMs;
      while (Date.now() < until && Date.now() < deadline) {
        const live = liveSlots();
        if (live.length === 0) return undefined;
        if (moment === 'approval wait') {
          if (tracks.some((t) => t.phase === 'parked')) return pick(live);
        } else {
          const type = moment === 'model call' ? 'callModel' : 'callTool';
          const active = tracks.filter((t) => t.phase === 'running' || t.phase === 'finishing');
          for (const t of shuffle(active).slice(0, 6)) {
            const slot = await slotRunning(raw, t.runId, type);
            if (slot !== undefined && workers[slot]?.alive()) return slot;
          }
        }
        await sleep(50);
      }
      return undefined;
    };

    const slotRunning = async (c: Client, runId: string, type: string): Promise<number | undefined> => {
      try {
        const d = await c.workflow.getHandle(runId).describe();
        for (const a of d.raw.pendingActivities ?? []) {
          if (a.activityType?.name !== type || a.state !== proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) continue;
          const slot = workers.findIndex((w) => w?.identity === a.lastWorkerIdentity);
          if (slot >= 0) return slot;
        }
      } catch {
        // Not started yet or already gone: try another run.
      }
      return undefined;
    };

    const liveSlots = () => [0, 1].filter((s) => workers[s]?.alive());

    const killer = async (): Promise<void> => {
      const moments: KillMoment[] = ['model call', 'tool call', 'approval wait'];
      const restarts: Array<Promise<void>> = [];
      const allDone = () => next >= runs && tracks.every((t) => t.phase === 'done');
      while (killsDone < kills && Date.now() < deadline && !allDone()) {
        await sleep(300 + Math.random() * 1200);
        const wanted = moments[killsDone % moments.length]!;
        let slot = await findVictim(wanted, 6000);
        let moment: KillMoment = wanted;
        if (slot === undefined) {
          const live = liveSlots();
          if (live.length === 0) continue;
          slot = pick(live);
          moment = 'random';
        }
        const victim = workers[slot]!;
        await victim.kill();
        killsDone++;
        killsByMoment[moment]++;
        log(`kill ${killsDone}/${kills}: ${victim.identity} during ${moment}`);
        const s = slot;
        restarts.push(
          (async () => {
            await sleep(200 + Math.random() * 600);
            workers[s] = await spawnChaosWorker(s, env);
          })(),
        );
      }
      await Promise.all(restarts);
    };

    log(`starting ${runs} runs (${concurrency} at a time), ${kills} kills…`);
    await Promise.all([killer(), ...Array.from({ length: Math.min(concurrency, runs) }, driver)]);
    const timedOut = Date.now() >= deadline;

    // Runs the drivers gave up on: one last look at their state.
    for (const t of tracks) {
      if (!t.final) t.final = await client.getRun(t.runId).status().catch(() => undefined);
    }
    for (let i = tracks.length; i < runs; i++) tracks.push({ runId: `chaos-${i}-never-started`, phase: 'done', sent: [], viaSignal: false });

    return buildReport(tracks, env, { kills: killsDone, killsByMoment, started, timedOut });
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function buildReport(
  tracks: RunTrack[],
  env: WorkerEnv,
  k: { kills: number; killsByMoment: Record<KillMoment, number>; started: number; timedOut: boolean },
): ChaosReport {
  const completed = tracks.filter((t) => t.final?.state === 'completed');
  const lost = tracks
    .filter((t) => t.final?.state !== 'completed')
    .map((t) => ({ runId: t.runId, state: t.final?.state ?? 'unknown', ...((t.error ?? t.final?.error) && { error: String(t.error ?? t.final?.error) }) }));
  let approvalsLost = 0;
  for (const t of tracks) {
    const recorded = new Set((t.final?.approvals ?? []).filter((a) => a.decision === 'approve').map((a) => a.approvalId));
    approvalsLost += t.sent.filter((id) => !recorded.has(id)).length;
  }
  const ledger = readLines(env.ledger).map((l) => (JSON.parse(l) as { key: string }).key);
  const counts = new Map<string, number>();
  for (const key of ledger) counts.set(key, (counts.get(key) ?? 0) + 1);
  const duplicateEffects = [...counts.values()].filter((n) => n > 1).length;
  const missingEffects = completed.filter((t) => !ledger.some((key) => key.startsWith(`${t.runId}:`))).length;

  const toolLog = readLines(env.toolLog);
  const finished = new Set<string>();
  const startedKeys = new Map<string, number>();
  let toolReexecutions = 0;
  for (const line of toolLog) {
    const [what, key = ''] = line.split(' ');
    if (what === 'start') {
      if (finished.has(key)) toolReexecutions++;
      startedKeys.set(key, (startedKeys.get(key) ?? 0) + 1);
    } else finished.add(key);
  }
  const finishes = toolLog.filter((l) => l.startsWith('finish ')).length;
  const starts = toolLog.length - finishes;
  return {
    runs: tracks.length,
    completed: completed.length,
    lost,
    approvalsSent: tracks.reduce((n, t) => n + t.sent.length, 0),
    approvalsViaSignal: tracks.filter((t) => t.viaSignal).reduce((n, t) => n + t.sent.length, 0),
    approvalsLost,
    ledgerEntries: ledger.length,
    duplicateEffects,
    missingEffects,
    toolReexecutions,
    interruptedToolCalls: starts - finishes,
    kills: k.kills,
    killsByMoment: k.killsByMoment,
    durationMs: Date.now() - k.started,
    timedOut: k.timedOut,
  };
}

function isFinal(state: string): boolean {
  return state === 'completed' || state === 'failed' || state === 'cancelled';
}

function readLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/**
 * `run.waitFor`, tolerating transient failures: a query to a run whose worker was just killed
 * fails ("Failed to query Workflow") until another worker picks the run up.
 */
async function waitUntil(run: RunHandle, predicate: (s: RunStatus) => boolean, remaining: () => number): Promise<RunStatus> {
  for (;;) {
    try {
      return await run.waitFor(predicate, { timeoutMs: remaining() });
    } catch (err) {
      if (remaining() <= 1) throw err;
      await sleep(250);
    }
  }
}

/** Retries transient failures (no worker alive to answer an update, connection hiccups) until the deadline. */
async function retrying<T>(fn: () => Promise<T>, remaining: () => number): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DecisionRejectedError || remaining() <= 1) throw err;
      await sleep(250);
    }
  }
}

function pick<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function shuffle<T>(items: T[]): T[] {
  return [...items].sort(() => Math.random() - 0.5);
}
