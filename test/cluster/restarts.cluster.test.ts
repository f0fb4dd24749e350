/**
 * The cluster's services die and restart under load, and nothing is lost:
 * - chaos: runs with approvals across two worker processes (themselves SIGKILLed now and then)
 *   while the history and matching processes are SIGKILLed and started again;
 * - a rolling restart (SIGTERM, start, wait until serving) of every service while runs are parked
 *   on approvals and new runs keep starting; then every run is approved and completes, once.
 * The figures (restart seconds, start latency during the roll) are printed for docs/production.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chaosTargets, formatChaosReport, runChaos } from '../../scripts/chaos/run-chaos.js';
import { spawnChaosWorker, type ChaosWorker, type WorkerEnv } from '../../scripts/chaos/workers.js';
import { CHAOS_AGENT, writeChaosWorkspace } from '../../scripts/chaos/workspace.js';
import { HarnessClient, type RunHandle } from '../../src/client/index.js';
import { CLUSTER_SERVICES, type ClusterService, type LocalCluster } from '../../src/cluster/index.js';
import { startTestCluster } from './support.js';

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

describe('service restarts on the cluster', () => {
  it('chaos: history and matching SIGKILLed and restarted while two workers (also killed) serve runs with approvals', async () => {
    let done = false;
    const serverKills: Array<{ service: ClusterService; seconds: number }> = [];
    // History, then matching, each SIGKILLed a moment after the last one is back.
    const killer = (async () => {
      const victims: ClusterService[] = ['history', 'matching', 'history', 'matching'];
      for (const service of victims) {
        await sleep(3_000);
        if (done) break;
        serverKills.push({ service, seconds: await cluster.restartService(service, 'SIGKILL') });
      }
    })();
    const report = await runChaos({
      runs: 30,
      kills: 2,
      concurrency: 5,
      address: cluster.address,
      workflowBundlePath: inject('workflowBundlePath'),
      timeoutMs: 240_000,
    }).finally(() => (done = true));
    await killer;
    const targets = chaosTargets(report, { kills: 2 });
    console.log(`cluster chaos:\n${formatChaosReport(report, targets)}\nserver kills (SIGKILL -> serving again): ${JSON.stringify(serverKills)}`);
    expect(targets.filter((t) => !t.ok), formatChaosReport(report, targets)).toEqual([]);
    expect(report.completed).toBe(30);
    expect(report.duplicateEffects).toBe(0);
    // The runs lasted long enough for the server to die under them at least once per role.
    expect(serverKills.map((k) => k.service)).toEqual(expect.arrayContaining(['history', 'matching']));
  });

  it('a rolling restart of every service while runs are parked on approvals: then all are approved and complete once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-roll-'));
    process.env.HARNESS_CHAOS_TOOL_DELAY_MS = '50';
    const env: WorkerEnv = {
      address: cluster.address,
      taskQueue: `roll-${Date.now().toString(36)}`,
      workspace: writeChaosWorkspace(dir, 5),
      bundlePath: inject('workflowBundlePath'),
      ledger: join(dir, 'ledger.jsonl'),
      toolLog: join(dir, 'tool.log'),
    };
    const workers: ChaosWorker[] = await Promise.all([0, 1].map((slot) => spawnChaosWorker(slot, env)));
    const client = await HarnessClient.connect({ address: cluster.address, taskQueue: env.taskQueue });
    try {
      const start = (i: number) => client.startRun({ runId: `roll-${i}-${env.taskQueue}`, agentId: CHAOS_AGENT, input: `refund ${i}` });
      const runs: RunHandle[] = await Promise.all(Array.from({ length: 10 }, (_, i) => start(i)));
      await Promise.all(runs.map((r) => r.waitFor((s) => s.state === 'waiting_for_approval', { timeoutMs: 120_000 })));

      // While the services restart one by one, a client keeps starting runs: how long does a start take?
      let rolling = true;
      const startLatencies: number[] = [];
      const startFailures: string[] = [];
      const starter = (async () => {
        for (let i = 10; rolling; i++) {
          const t0 = Date.now();
          try {
            runs.push(await start(i));
            startLatencies.push(Date.now() - t0);
          } catch (err) {
            startFailures.push(`${(err as Error).message} after ${Date.now() - t0} ms`);
          }
          await sleep(500);
        }
      })();
      const restartSeconds: Partial<Record<ClusterService, number>> = {};
      for (const service of CLUSTER_SERVICES) restartSeconds[service] = await cluster.restartService(service, 'SIGTERM');
      rolling = false;
      await starter;

      const approvedAt = Date.now();
      for (const run of runs) {
        await run.waitFor((s) => s.state === 'waiting_for_approval', { timeoutMs: 120_000 });
        await run.approve({ approver: 'roll' });
      }
      const results = await Promise.all(runs.map((r) => r.waitFor((s) => s.state === 'completed', { timeoutMs: 120_000 })));
      const approveToDoneSeconds = (Date.now() - approvedAt) / 1000;
      const figures = {
        restartSeconds,
        runsParkedBefore: 10,
        runsStartedDuringRoll: runs.length - 10,
        startLatencyMs: { max: Math.max(...startLatencies), median: median(startLatencies) },
        startFailures,
        approveToDoneSeconds,
      };
      console.log(`rolling restart: ${JSON.stringify(figures)}`);

      expect(results.every((s) => s.state === 'completed')).toBe(true);
      expect(startFailures).toEqual([]);
      // Exactly one refund per run: nothing lost, nothing done twice.
      const keys = existsSync(env.ledger) ? readFileSync(env.ledger, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key) : [];
      expect(new Set(keys.map((k) => k.split(':')[0])).size).toBe(runs.length);
      expect(keys).toHaveLength(runs.length);
      expect(Object.keys(restartSeconds)).toEqual([...CLUSTER_SERVICES]);
    } finally {
      await client.close();
      await Promise.all(workers.map((w) => w.kill()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
