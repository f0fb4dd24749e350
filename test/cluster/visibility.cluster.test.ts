/**
 * What runs on the production-shaped cluster (PostgreSQL, 4 history shards) without restarts:
 * SQL visibility filters on the harness search attributes (`HarnessRunState`, `HarnessAgentId`,
 * `HarnessThreadId`), a thread continues as new with its runs still found by thread, a schedule
 * fires on its own, and a deploy through Worker Versioning moves parked runs to the new build.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCluster } from '../../src/cluster/index.js';
import { HarnessClient } from '../../src/client/index.js';
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
});
