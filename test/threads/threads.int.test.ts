import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { HarnessClientError, RunFailedError, type ThreadHandle, type ThreadStatus } from '../../src/client/index.js';
import { AGENT_RUN_WORKFLOW } from '../../src/workflows/run/contract.js';
import { AGENT_THREAD_WORKFLOW, threadWorkflowId, type AgentThreadInput } from '../../src/workflows/threads/contract.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';

/**
 * A scripted agent that answers with every user message it sees ({{userMessages}}), so a run's
 * output proves which earlier messages of the thread it saw. "hold" parks the run on a tool call
 * that needs approval: a run that stays busy until the test decides.
 */
function threadWorkspace(dir: string): string {
  const effects = JSON.stringify(join(dir, 'effects.log'));
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: hold
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${effects}, label: held } }]
          - text: "held: {{lastToolResult}}"
      - turns:
          - text: "seen: {{userMessages}}"
agents:
  - id: a
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
`,
  );
}

/** Reads the thread's status until `predicate` holds. */
async function waitForThread(thread: ThreadHandle, predicate: (s: ThreadStatus) => boolean): Promise<ThreadStatus> {
  return eventually(() => thread.status(), predicate, `thread ${thread.threadId} to reach the awaited status`);
}

/** Lists again (visibility is eventually consistent) until `query` lists `count` executions. */
async function listUntil(temporal: Client, query: string, count: number) {
  return eventually(
    async () => {
      const found = [];
      for await (const wf of temporal.workflow.list({ query })) found.push(wf);
      return found;
    },
    (found) => found.length >= count,
    `${count} executions listed for ${query}`,
    { intervalMs: 200 },
  );
}

describe('threads', () => {
  it('runs of a thread see the earlier messages; runs and the thread carry HarnessThreadId', async () => {
    const dir = tempDir();
    await withWorker(threadWorkspace(dir), async ({ client }) => {
      const threadId = uniqueId('conv');
      const thread = client.thread(threadId);
      const outputs: string[] = [];
      for (const text of ['one', 'two', 'three']) {
        const run = await thread.send(text, { agentId: 'a' });
        expect(run.queued).toBe(false);
        outputs.push((await run.result()).output);
      }
      expect(outputs).toEqual(['seen: one', 'seen: one | two', 'seen: one | two | three']);

      const status = await waitForThread(thread, (s) => s.messageCount === 6);
      expect(status).toMatchObject({ threadId, onBusy: 'enqueue', queued: [] });
      expect(status.activeRunId).toBeUndefined();
      expect(status.runs.map((r) => [r.input, r.state])).toEqual([
        ['one', 'completed'],
        ['two', 'completed'],
        ['three', 'completed'],
      ]);
      const messages = await thread.messages();
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);

      const runs = await listUntil(client.temporal, `HarnessThreadId = "${threadId}" AND WorkflowType = "${AGENT_RUN_WORKFLOW}"`, 3);
      expect(runs.map((r) => r.workflowId).sort()).toEqual(status.runs.map((r) => r.runId).sort());
      const threads = await listUntil(client.temporal, `HarnessThreadId = "${threadId}" AND WorkflowType = "${AGENT_THREAD_WORKFLOW}"`, 1);
      expect(threads.map((t) => t.workflowId)).toEqual([threadWorkflowId(threadId)]);
    });
  });

  it('a failed run keeps its user message and error; a reused run id is refused; the thread goes on', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const thread = client.thread(uniqueId('conv'));
      const failed = await thread.send('for nobody', { agentId: 'nobody' });
      const err = await failed.result().catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'RunFailedError', code: 'RUN_FAILED', message: expect.stringMatching(/Unknown agent "nobody"/) });
      const reused = await thread.send('again', { agentId: 'a', runId: failed.runId }).catch((e: unknown) => e);
      expect(reused).toMatchObject({ name: 'HarnessClientError', code: 'RUN_ALREADY_EXISTS' });

      expect((await (await thread.send('next', { agentId: 'a' })).result()).output).toBe('seen: for nobody | next');
      const status = await waitForThread(thread, (s) => s.activeRunId === undefined);
      expect(status.runs[0]).toMatchObject({ state: 'failed', error: expect.stringMatching(/Unknown agent "nobody"/) });
      expect(status.messageCount).toBe(3);
    });
  });

  it('enqueue: a message sent while a run is busy waits its turn, then runs', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const thread = client.thread(uniqueId('conv'), { onBusy: 'enqueue' });
      const first = await thread.send('hold on', { agentId: 'a' });
      await first.waitFor((s) => s.state === 'waiting_for_approval');
      const second = await thread.send('next', { agentId: 'a' });
      expect({ queued: second.queued, position: second.position }).toEqual({ queued: true, position: 1 });
      const busy = await thread.status();
      expect(busy).toMatchObject({ activeRunId: first.runId, queued: [second.runId] });
      expect(busy.runs.map((r) => r.state)).toEqual(['running', 'queued']);

      await first.approve({ approver: 'ann' });
      expect((await first.result()).output).toBe('held: recorded held');
      expect((await second.result()).output).toBe('seen: hold on | next');
    });
  });

  it('reject: a message sent while a run is busy is refused with THREAD_BUSY', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const threadId = uniqueId('conv');
      const thread = client.thread(threadId, { onBusy: 'reject' });
      const first = await thread.send('hold on', { agentId: 'a' });
      await first.waitFor((s) => s.state === 'waiting_for_approval');
      const err = await thread.send('too soon', { agentId: 'a' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HarnessClientError);
      expect((err as HarnessClientError).code).toBe('THREAD_BUSY');
      expect((err as Error).message).toMatch(new RegExp(`^Thread ${threadId} is busy with run ${first.runId};`));
      // Refused: nothing recorded.
      expect((await thread.status()).runs).toHaveLength(1);

      await first.approve();
      // result() returns once the thread has taken the run in: sending right after is not busy.
      await first.result();
      const later = await thread.send('now', { agentId: 'a' });
      expect((await later.result()).output).toBe('seen: hold on | now');
    });
  });

  it('interrupt: the active run is cancelled, then the new one runs and sees what was asked', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const thread = client.thread(uniqueId('conv'), { onBusy: 'interrupt' });
      const first = await thread.send('hold on', { agentId: 'a' });
      await first.waitFor((s) => s.state === 'waiting_for_approval');
      const second = await thread.send('change of plan', { agentId: 'a' });

      const err = await first.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).code).toBe('RUN_CANCELLED');
      expect((await first.status()).state).toBe('cancelled');
      expect((await second.result()).output).toBe('seen: hold on | change of plan');

      const status = await waitForThread(thread, (s) => s.activeRunId === undefined);
      expect(status.runs).toEqual([
        expect.objectContaining({ runId: first.runId, state: 'cancelled', error: `Interrupted by run ${second.runId} (onBusy: interrupt)` }),
        expect.objectContaining({ runId: second.runId, state: 'completed' }),
      ]);
      // Cancelled run: only its user message stayed in the conversation.
      expect(status.messageCount).toBe(3);
      // The thread's history (update, cancelled child, next child) replays deterministically.
      const history = await client.temporal.workflow.getHandle(thread.workflowId).fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history);
    });
  });

  it('restart: a new thread starts from the old one’s messages; the old one is unchanged', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const old = client.thread(uniqueId('conv'));
      await (await old.send('one', { agentId: 'a' })).result();
      await (await old.send('two', { agentId: 'a' })).result();
      await waitForThread(old, (s) => s.messageCount === 4);

      const fresh = await old.restart();
      expect(fresh.threadId).toMatch(new RegExp(`^${old.threadId}\\.r-[0-9a-f]{8}$`));
      expect(await fresh.messages()).toEqual(await old.messages());
      expect((await (await fresh.send('three', { agentId: 'a' })).result()).output).toBe('seen: one | two | three');

      const after = await old.status();
      expect(after.messageCount).toBe(4);
      expect(after.runs).toHaveLength(2);
      const err = await old.restart(fresh.threadId).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'ThreadError', code: 'THREAD_ALREADY_EXISTS' });
    });
  });

  it('continues as new between runs (continueAsNewAfterRuns: 2) with queue and messages intact', async () => {
    await withWorker(threadWorkspace(tempDir()), async ({ client }) => {
      const threadId = uniqueId('conv');
      const workflowId = threadWorkflowId(threadId);
      const thread = client.thread(threadId, { continueAsNewAfterRuns: 2 });
      // Run 1 parks on an approval while m2 and m3 queue up, so m3 is surely still queued when
      // the thread continues as new after two runs: the queue must travel with it.
      const first = await thread.send('hold 1', { agentId: 'a' });
      await first.waitFor((s) => s.state === 'waiting_for_approval');
      await thread.send('m2', { agentId: 'a' });
      const m3 = await thread.send('m3', { agentId: 'a' });
      await first.approve();
      expect((await m3.result()).output).toBe('seen: hold 1 | m2 | m3');
      // Sent to the second execution; m5 may arrive while it continues as new after m4.
      const m4 = await thread.send('m4', { agentId: 'a' });
      const m5 = await thread.send('m5', { agentId: 'a' });
      expect((await m4.result()).output).toBe('seen: hold 1 | m2 | m3 | m4');
      expect((await m5.result()).output).toBe('seen: hold 1 | m2 | m3 | m4 | m5');

      // Run 1: user, assistant (tool call), tool, assistant; the others: user, assistant.
      const status = await waitForThread(thread, (s) => s.messageCount === 12);
      expect(status.runs.map((r) => [r.input, r.state])).toEqual(['hold 1', 'm2', 'm3', 'm4', 'm5'].map((m) => [m, 'completed']));
      expect(await thread.messages()).toHaveLength(12);

      const description = await client.temporal.workflow.getHandle(workflowId).describe();
      const firstRunId = description.raw.workflowExecutionInfo!.firstRunId!;
      expect(firstRunId).toBeTruthy();
      expect(description.runId).not.toBe(firstRunId);
      const executions = await listUntil(client.temporal, `WorkflowId = "${workflowId}"`, 3);
      expect(executions.map((e) => e.status.name).sort()).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'RUNNING']);

      // The first execution ended by continuing as new, carrying the 4 messages of runs 1-2 and m3 still queued.
      const history = await client.temporal.workflow.getHandle(workflowId, firstRunId).fetchHistory();
      const last = history.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes!;
      const carried = JSON.parse(Buffer.from(last.input!.payloads![0]!.data!).toString()) as AgentThreadInput;
      expect(carried.messages).toHaveLength(6);
      expect(carried.carried!.queue.map((r) => r.runId)).toEqual([m3.runId]);
      expect(carried.carried!.runs.map((r) => r.state)).toEqual(['completed', 'completed', 'queued']);
    });
  });
});
