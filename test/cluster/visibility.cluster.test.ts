/**
 * What runs on the production-shaped cluster (PostgreSQL, 4 history shards) without restarts:
 * SQL visibility filters on the harness search attributes (`HarnessRunState`, `HarnessAgentId`,
 * `HarnessThreadId`), a thread continues as new with its runs still found by thread, a schedule
 * fires on its own, deploys through Worker Versioning (parked runs move to the new build with
 * AUTO_UPGRADE, or drain on the old one with PINNED), and the PostgreSQL payload store shared by
 * two worker processes (one SIGKILLed mid-run).
 */
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LocalCluster } from '../../src/cluster/index.js';
import { CLUSTER_PG_USER } from '../../src/cluster/postgres.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { PostgresBlobStore } from '../../src/payloads/postgres-store.js';
import { fileLines } from '../support/harness.js';
import { spawnWorker } from '../support/spawn-worker.js';
import { HarnessClient, type ContentRef } from '../../src/client/index.js';
import { AGENT_RUN_WORKFLOW } from '../../src/workflows/run/contract.js';
import { threadWorkflowId } from '../../src/workflows/threads/contract.js';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import proto from '@temporalio/proto';
import { loadWorkspace } from '../../src/workspace/index.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';
import { eventually, startTestCluster, uniqueId, withClusterWorker } from './support.js';
import { setCurrentVersion, versionedWorker } from './versioning.js';

let cluster: LocalCluster;
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

/** "hold" parks the run on an approval; any other message is answered with every user message seen. */
function workspace(): string {
  const dir = tempDir();
  const file = join(dir, 'harness.yaml');
  writeFileSync(
    file,
    `tools:
  module: ${JSON.stringify(TEST_TOOLS)}
models:
  m:
    provider: scripted
    script:
      - when: hold
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(join(dir, 'effects.log'))}, label: held } }]
          - text: "held: {{lastToolResult}}"
      - turns:
          - text: "seen: {{userMessages}}"
agents:
  - id: clerk
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
  - id: other
    model: m
    tools: []
`,
  );
  return file;
}

describe('SQL visibility on the cluster', () => {
  it("has a dynamic-config file with only keys the server knows (a typo would be silently ignored)", () => {
    const file = join(cluster.dir, 'config', 'dynamicconfig.yaml');
    const out = spawnSync(cluster.binaries.server, ['validate-dynamic-config', file], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(`${out.stdout}${out.stderr}`).not.toMatch(/warning|error/i);
  });

  it('filters runs by HarnessRunState, HarnessAgentId and HarnessThreadId; a thread continues as new', async () => {
    await withClusterWorker(cluster, workspace(), async ({ client, taskQueue }) => {
      const parked = await client.startRun({ agentId: 'clerk', input: 'hold this one' });
      await parked.waitFor((s) => s.state === 'waiting_for_approval');
      const other = await client.startRun({ agentId: 'other', input: 'hello' });
      await other.result();

      const threadId = uniqueId('conv');
      const thread = client.thread(threadId, { continueAsNewAfterRuns: 1 });
      const outputs: string[] = [];
      for (const text of ['one', 'two', 'three']) outputs.push((await (await thread.send(text, { agentId: 'clerk' })).result()).output);
      expect(outputs).toEqual(['seen: one', 'seen: one | two', 'seen: one | two | three']);

      const waiting = await eventually(
        () => client.listRuns({ taskQueue, state: 'waiting_for_approval' }),
        (runs) => runs.length === 1,
        'the parked run listed as waiting_for_approval',
      );
      expect(waiting.map((r) => [r.runId, r.agentId, r.state])).toEqual([[parked.runId, 'clerk', 'waiting_for_approval']]);
      const byOther = await eventually(() => client.listRuns({ taskQueue, agentId: 'other' }), (runs) => runs.length === 1, 'runs of agent other');
      expect(byOther.map((r) => [r.runId, r.state])).toEqual([[other.runId, 'completed']]);

      const threadRuns = await eventually(
        () => client.listRuns({ taskQueue, agentId: 'clerk' }).then((runs) => runs.filter((r) => r.threadId === threadId)),
        (runs) => runs.length === 3 && runs.every((r) => r.state === 'completed'),
        'the thread runs, completed',
      );
      expect(threadRuns).toHaveLength(3);
      const byThreadQuery: string[] = [];
      for await (const wf of client.temporal.workflow.list({ query: `HarnessThreadId = "${threadId}" AND WorkflowType = "${AGENT_RUN_WORKFLOW}"` })) {
        byThreadQuery.push(wf.workflowId);
      }
      expect(byThreadQuery.sort()).toEqual(threadRuns.map((r) => r.runId).sort());
      // One execution per run: the thread continued as new after each of the first two.
      const executions = await eventually(
        async () => {
          const statuses: string[] = [];
          for await (const wf of client.temporal.workflow.list({ query: `WorkflowId = "${threadWorkflowId(threadId)}"` })) statuses.push(wf.status.name);
          return statuses.sort();
        },
        (s) => s.length === 3,
        'three executions of the thread workflow',
      );
      expect(executions).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'RUNNING']);

      await parked.approve({ approver: 'ann' });
      expect((await parked.result()).output).toBe('held: recorded held');
      await eventually(
        () => client.listRuns({ taskQueue, state: 'completed', agentId: 'clerk' }),
        (runs) => runs.some((r) => r.runId === parked.runId),
        'the approved run listed as completed',
      );
    });
  });

  it('a schedule fires on its own and its run completes, found by schedule id', async () => {
    await withClusterWorker(cluster, workspace(), async ({ client }) => {
      const scheduleId = uniqueId('every-2s');
      await client.schedules.create({ scheduleId, every: '2s', agentId: 'other', input: 'scheduled' });
      try {
        const runs = await eventually(
          () => client.listRuns({ scheduleId }),
          (r) => r.some((run) => run.state === 'completed'),
          'a completed run started by the schedule',
        );
        const done = runs.find((run) => run.state === 'completed')!;
        expect(done).toMatchObject({ agentId: 'other', scheduleId });
        expect((await client.getRun(done.runId).result()).output).toBe('seen: scheduled');
      } finally {
        await client.schedules.delete(scheduleId);
      }
    });
  });

  it('Worker Versioning: runs parked on build A complete on build B once B is current (AUTO_UPGRADE)', async () => {
    const workspaceFile = workspace();
    const ws = await loadWorkspace(workspaceFile);
    const deploymentName = uniqueId('harness');
    const taskQueue = uniqueId('tq');
    const build = (buildId: string) => versionedWorker(cluster, { workspace: ws, taskQueue, deploymentName, buildId, behavior: 'AUTO_UPGRADE' });
    const a = await build('A');
    const aRunning = a.worker.run();
    const b = await build('B');
    let bRunning: Promise<void> | undefined;
    try {
      await setCurrentVersion(cluster, deploymentName, 'A');
      const client = await HarnessClient.connect({ address: cluster.address, taskQueue });
      const runs = await Promise.all([1, 2, 3].map((i) => client.startRun({ agentId: 'clerk', input: `hold ${i}` })));
      await Promise.all(runs.map((r) => r.waitFor((s) => s.state === 'waiting_for_approval')));

      // The deploy: build B starts, becomes current, build A stops. The parked runs hold no worker.
      bRunning = b.worker.run();
      await setCurrentVersion(cluster, deploymentName, 'B');
      a.worker.shutdown();
      await aRunning;

      for (const run of runs) await run.approve({ approver: 'deploy' });
      for (const run of runs) expect((await run.result()).output).toBe('held: recorded held');

      for (const run of runs) {
        const handle = client.temporal.workflow.getHandle(run.runId);
        const info = (await handle.describe()).raw.workflowExecutionInfo!;
        expect(info.versioningInfo?.deploymentVersion?.buildId).toBe('B');
        const events = (await handle.fetchHistory()).events ?? [];
        const EventType = proto.temporal.api.enums.v1.EventType;
        const tasks = events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => e.workflowTaskCompletedEventAttributes!.identity);
        // Started on A, finished on B: the first workflow task by A, the last by B.
        expect(tasks[0]).toBe('build-A');
        expect(tasks.at(-1)).toBe('build-B');
        const toolStarts = events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).map((e) => e.activityTaskStartedEventAttributes!.identity);
        // The approved tool ran on build B (A was gone).
        expect(toolStarts.at(-1)).toBe('build-B');
      }
      await client.close();
    } finally {
      if (a.worker.getState() === 'RUNNING') a.worker.shutdown();
      await aRunning.catch(() => undefined);
      if (bRunning) {
        b.worker.shutdown();
        await bRunning;
      }
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('Worker Versioning, PINNED: runs parked on build A drain on A while new runs go to the current build B', async () => {
    const ws = await loadWorkspace(workspace());
    const deploymentName = uniqueId('harness');
    const taskQueue = uniqueId('tq');
    const build = (buildId: string) => versionedWorker(cluster, { workspace: ws, taskQueue, deploymentName, buildId, behavior: 'PINNED' });
    const a = await build('A');
    const aRunning = a.worker.run();
    const b = await build('B');
    const bRunning = b.worker.run();
    const client = await HarnessClient.connect({ address: cluster.address, taskQueue });
    try {
      await setCurrentVersion(cluster, deploymentName, 'A');
      const old = await Promise.all([1, 2].map((i) => client.startRun({ agentId: 'clerk', input: `hold ${i}` })));
      await Promise.all(old.map((r) => r.waitFor((s) => s.state === 'waiting_for_approval')));
      // The deploy: B becomes current; A keeps running until its pinned runs are done.
      await setCurrentVersion(cluster, deploymentName, 'B');
      const fresh = await client.startRun({ agentId: 'clerk', input: 'hold new' });
      await fresh.waitFor((s) => s.state === 'waiting_for_approval');
      for (const run of [...old, fresh]) await run.approve({ approver: 'deploy' });
      for (const run of [...old, fresh]) expect((await run.result()).output).toBe('held: recorded held');

      const EventType = proto.temporal.api.enums.v1.EventType;
      const identities = async (runId: string) => {
        const events = (await client.temporal.workflow.getHandle(runId).fetchHistory()).events ?? [];
        return new Set([
          ...events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).map((e) => e.workflowTaskCompletedEventAttributes!.identity),
          ...events.filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).map((e) => e.activityTaskStartedEventAttributes!.identity),
        ]);
      };
      // Every task of a pinned run, the approved tool call included, ran on the build it started on.
      for (const run of old) expect(await identities(run.runId)).toEqual(new Set(['build-A']));
      expect(await identities(fresh.runId)).toEqual(new Set(['build-B']));
    } finally {
      await client.close();
      a.worker.shutdown();
      b.worker.shutdown();
      await Promise.all([aRunning, bRunning]);
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('the PostgreSQL payload store on the cluster', () => {
  const RESULTS = 6;
  const RESULT_BYTES = 400_000;

  /** One model turn asking for RESULTS big results; the second half waits for `gate`. */
  function bigResultsWorkspace(effects: string, gate: string): string {
    const calls = Array.from({ length: RESULTS }, (_, i) => {
      const gated = i >= RESULTS / 2 ? `, gate: ${JSON.stringify(gate)}` : '';
      return `              - { name: big_result, args: { index: ${i}, bytes: ${RESULT_BYTES}, file: ${JSON.stringify(effects)}${gated} } }`;
    }).join('\n');
    const file = join(tempDir(), 'harness.yaml');
    writeFileSync(
      file,
      `tools:
  module: ${JSON.stringify(TEST_TOOLS)}
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls:
${calls}
          - text: "done"
agents:
  - { id: bulk, model: m, tools: [big_result] }
limits:
  heartbeatTimeout: 10s
`,
    );
    return file;
  }

  it('two worker processes share it: B finishes a run whose big results A stored before it was SIGKILLed; history stays small', async () => {
    // The payloads get a database of their own in the cluster's PostgreSQL, as a deployment would.
    const database = `harness_payloads_${Date.now().toString(36)}`;
    const admin = new pg.Client({ host: cluster.postgres.host, port: cluster.postgres.port, user: CLUSTER_PG_USER, database: 'postgres' });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.end();
    const url = `postgres://${CLUSTER_PG_USER}@${cluster.postgres.host}:${cluster.postgres.port}/${database}`;
    const env = { TEMPORAL_ADDRESS: cluster.address, HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: url };
    const store = new PostgresBlobStore(url);
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const gate = join(dir, 'gate');
    const ws = bigResultsWorkspace(effects, gate);
    const taskQueue = uniqueId('tq-payloads');
    const a = await spawnWorker(ws, taskQueue, { env, bundlePath: inject('workflowBundlePath') });
    const client = await HarnessClient.connect({
      address: cluster.address,
      taskQueue,
      dataConverter: harnessDataConverter({ payloadStore: { store, threshold: 32 * 1024 } }),
    });
    try {
      const started = Date.now();
      const run = await client.startRun({ agentId: 'bulk', input: 'go' });
      await eventually(async () => fileLines(effects).length, (n) => n === RESULTS / 2, 'the ungated half of the results written by worker A', 120_000);
      // B joins, A dies with half the results in flight: B replays the run from history, whose
      // first results A stored in PostgreSQL, and runs the gated half.
      const b = await spawnWorker(ws, taskQueue, { env, bundlePath: inject('workflowBundlePath') });
      await a.kill();
      writeFileSync(gate, '');
      try {
        const result = await run.result();
        expect(result.output).toBe('done');
        // Big results are kept by reference in the run (a preview in the message): read them whole.
        const toolMessages = result.messages.filter((m) => m.role === 'tool') as { content: string; contentRef?: ContentRef }[];
        expect(toolMessages.every((m) => m.contentRef !== undefined)).toBe(true);
        const texts = await Promise.all(toolMessages.map((m) => (m.contentRef ? run.readContent(m.contentRef) : m.content)));
        expect(texts.map((t) => [t.length, t.slice(0, 6)])).toEqual(Array.from({ length: RESULTS }, (_, i) => [RESULT_BYTES, `big-${i}:`]));
        expect(new Set(fileLines(effects).map((l) => l.split(' ')[1]))).toEqual(new Set([String(a.child.pid), String(b.child.pid)]));
        let blobs = 0;
        for await (const _ of store.list(cluster.namespace)) blobs++;
        expect(blobs).toBeGreaterThanOrEqual(RESULTS);
        const historyBytes = (await client.temporal.workflow.getHandle(run.runId).describe()).historySize ?? -1;
        expect(historyBytes).toBeGreaterThan(0);
        expect(historyBytes).toBeLessThan(256 * 1024);
        console.log(`cluster payload store: ${JSON.stringify({ results: RESULTS, resultBytes: RESULT_BYTES, blobs, historyBytes, runMs: Date.now() - started })}`);
      } finally {
        await b.kill();
      }
    } finally {
      await a.kill();
      await client.close();
      await store.close();
    }
  });
});
