/**
 * Tools declared local (`tools.perTool.<name>.local: true`): their calls run as Temporal local
 * activities. History shows a local-activity marker (with the call's summary) and no activity task
 * for them; approvals, events, results by reference, retries and errors work as for any tool.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { HarnessClient, HarnessEvent } from '../../src/client/index.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { eventually } from '../support/eventually.js';
import { connectClient, fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { spawnWorker } from '../support/spawn-worker.js';
import { rawHistory, withHarnessWorker } from '../support/security.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A workspace whose scripted model makes `calls` in one step, then answers "done: <last result>". */
function localWorkspace(calls: string, options: { perTool: string; agent?: string; limits?: string }): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [${calls}]
          - text: "done: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [note_state, echo, big_result, big_state, flaky, explode, wait_for_gate]${options.agent ?? ''} }
limits:
  toolRetry: { maximumAttempts: 3, initialInterval: 10ms }
${options.limits ?? ''}`,
    `  perTool:\n${options.perTool}\n`,
  );
}

async function historyOf(client: HarnessClient, runId: string): Promise<HistoryEvent[]> {
  return (await client.temporal.workflow.getHandle(runId).fetchHistory()).events ?? [];
}

/** Names of the tools whose `callTool` ran as a regular activity (from their summaries). */
function scheduledTools(events: HistoryEvent[]): string[] {
  return events
    .filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callTool')
    .map((e) => summaryOf(e));
}

/** Summaries of the local-activity markers (`tool <name>…`). */
function localMarkers(events: HistoryEvent[]): string[] {
  return events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').map((e) => summaryOf(e));
}

function summaryOf(e: HistoryEvent): string {
  const data = e.userMetadata?.summary?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : '';
}

async function eventsOf(client: HarnessClient, runId: string): Promise<HarnessEvent[]> {
  const seen: HarnessEvent[] = [];
  for await (const { event } of client.getRun(runId).events()) seen.push(event);
  return seen;
}

describe('tools declared local', () => {
  it('runs a local tool as a local activity: a marker with its summary, no activity task, the same events, the run context in its input', async () => {
    const ws = localWorkspace('{ name: note_state, args: { key: color, value: green } }, { name: echo, args: { text: hi } }', {
      perTool: '    note_state: { local: true, timeout: 2s }',
    });
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local'), context: { user: 'ann' } });
      const { output } = await run.result();
      expect(output).toContain('echo: hi');
      const transcript = (await run.transcript()).messages.filter((m) => m.role === 'tool');
      expect(transcript.map((m) => m.content)).toEqual(['user=ann state={} files=', 'echo: hi']);
      expect((await run.status()).state).toBe('completed');

      const events = await historyOf(client, run.runId);
      expect(localMarkers(events)).toContain('tool note_state');
      expect(scheduledTools(events)).toEqual(['tool echo']);
      const seen = await eventsOf(client, run.runId);
      const toolEvents = seen.filter((e) => e.type === 'tool.started' || e.type === 'tool.result').map((e) => `${e.type} ${(e as { toolName: string }).toolName}`);
      expect(toolEvents.sort()).toEqual(['tool.result echo', 'tool.result note_state', 'tool.started echo', 'tool.started note_state']);
    });
  });

  it('an approval-gated local tool waits for its decision, then runs as a local activity with the approval in its summary', async () => {
    const ws = localWorkspace('{ name: note_state, args: { key: k, value: v } }', {
      perTool: '    note_state: { local: true }',
      agent: ', requireApproval: [note_state]',
    });
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-approval') });
      await run.waitFor((s) => s.pendingApprovals.length === 1);
      // Nothing ran before the decision: no marker of the tool yet.
      expect(localMarkers(await historyOf(client, run.runId)).filter((m) => m.startsWith('tool note_state'))).toEqual([]);
      await run.approve({ approver: 'ann' });
      expect((await run.result()).output).toBe('done: user=undefined state={} files=');
      const events = await historyOf(client, run.runId);
      expect(localMarkers(events)).toContain('tool note_state · approved by ann');
      expect(scheduledTools(events)).toEqual([]);
    });
  });

  it('a big local result is kept by reference; a marker over the payload threshold goes to the payload store', async () => {
    const blobDir = tempDir();
    const dataConverter = harnessDataConverter({ payloadStore: { store: new DirectoryBlobStore(blobDir), threshold: 32 * 1024 } });
    const ws = localWorkspace('{ name: big_result, args: { index: 3, bytes: 200000 } }, { name: big_state, args: { bytes: 100000 } }', {
      perTool: '    big_result: { local: true }\n    big_state: { local: true }',
    });
    const runId = await withHarnessWorker(
      ws,
      async ({ client }) => {
        const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-big') });
        await run.result();
        const big = (await run.transcript()).messages.find((m) => m.role === 'tool' && m.toolName === 'big_result')!;
        expect(big.contentRef?.size).toBe(200_000);
        expect(await run.readContent(big.contentRef!)).toMatch(/^big-3:abcdefghij/);
        expect(scheduledTools(await historyOf(client, run.runId))).toEqual([]);
        return run.runId;
      },
      { dataConverter },
    );
    // As stored: the big_state marker's result (100 KB of state) is a reference to the payload store.
    const raw = await rawHistory(runId);
    const markers = raw.payloads.filter((p) => p.path.includes('markerRecordedEventAttributes'));
    expect(markers.length).toBeGreaterThanOrEqual(2);
    const stored = markers.filter((p) => Buffer.from(p.payload.metadata?.messageType ?? []).toString() === 'temporal.api.sdk.v1.ExternalStorageReference');
    expect(stored.map((p) => p.path)).toEqual([expect.stringMatching(/markerRecordedEventAttributes\.details\.result/)]);
    expect(raw.text.length).toBeLessThan(60_000);
  });

  it('a failing local tool is retried by limits.toolRetry; one that keeps failing is a tool error for the model', async () => {
    const attempts = join(tempDir(), 'attempts.log');
    const ws = localWorkspace(`{ name: flaky, args: { file: ${JSON.stringify(attempts)}, failures: 2 } }, { name: explode, args: { message: boom } }`, {
      perTool: '    flaky: { local: true }\n    explode: { local: true }',
    });
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-retry') });
      await run.result();
      expect(fileLines(attempts)).toEqual(['attempt 1', 'attempt 2', 'attempt 3']);
      const results = (await run.transcript()).messages.filter((m) => m.role === 'tool');
      expect(results.map((m) => [m.toolName, m.content, m.isError])).toEqual([
        ['flaky', 'succeeded on attempt 3', false],
        ['explode', 'Tool "explode" threw: boom', true],
      ]);
      expect(scheduledTools(await historyOf(client, run.runId))).toEqual([]);
    });
  });

  it('a local call over its timeout is a tool error naming tools.perTool.<name>.timeout', async () => {
    const dir = tempDir();
    const ws = localWorkspace(`{ name: wait_for_gate, args: { file: ${JSON.stringify(join(dir, 'log'))}, gate: ${JSON.stringify(join(dir, 'never'))}, label: w } }`, {
      perTool: '    wait_for_gate: { local: true, timeout: 300ms }',
    });
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-timeout') });
      await run.result();
      const result = (await run.transcript()).messages.find((m) => m.role === 'tool')!;
      expect(result).toMatchObject({ isError: true, content: 'Tool "wait_for_gate" timed out after 300ms (tools.perTool.wait_for_gate.timeout; a local tool).' });
      expect(fileLines(join(dir, 'log')).filter((l) => l === 'w-started')).toHaveLength(3);
    });
  });

  // A local call holds the run's workflow task: the cancellation gets in when the call ends or when
  // the SDK heartbeats the task (80% of its 10 s timeout), whichever comes first. Here the call
  // would run 3 attempts of 5 s, so the heartbeat lets Stop in while it runs.
  it('Stop during a local call gets in when the workflow task is heartbeated, cancels the call and the step, and the run ends cancelled', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const never = JSON.stringify(join(dir, 'never'));
    const ws = localWorkspace(
      `{ name: wait_for_gate, args: { file: ${JSON.stringify(log)}, gate: ${never}, label: w } }, { name: big_result, args: { index: 1, bytes: 10, gate: ${never} } }`,
      { perTool: '    wait_for_gate: { local: true, timeout: 5s }' },
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-stop') });
      await eventually(() => fileLines(log), (lines) => lines.includes('w-started'), 'the local call to start');
      const asked = Date.now();
      await run.cancel();
      await expect(run.result()).rejects.toThrow(/was cancelled/);
      console.log(`[local-tools] Stop during a local call: the run ended ${Date.now() - asked} ms after Stop`);
      expect((await run.status()).state).toBe('cancelled');
      expect(fileLines(log).at(-1)).toBe('w-cancelled');
      const events = await historyOf(client, run.runId);
      const at = (pred: (e: HistoryEvent) => boolean) => events.findIndex(pred);
      const cancelRequested = at((e) => e.workflowExecutionCancelRequestedEventAttributes != null);
      const marker = at((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity' && summaryOf(e) === 'tool wait_for_gate');
      expect(cancelRequested).toBeGreaterThan(0);
      expect(marker).toBeGreaterThan(cancelRequested);
      expect(events.at(-1)?.workflowExecutionCanceledEventAttributes).toBeTruthy();
    });
  }, 60_000);

  // A local call leaves nothing in history until it ends: a worker that dies mid-call takes the
  // workflow task with it, and the run goes on only once that task times out (10 s).
  it('a worker killed during a local call: another worker runs the call again after the workflow task timeout', async () => {
    const dir = tempDir();
    const log = join(dir, 'log');
    const gate = join(dir, 'gate');
    const ws = localWorkspace(`{ name: wait_for_gate, args: { file: ${JSON.stringify(log)}, gate: ${JSON.stringify(gate)}, label: w } }`, {
      perTool: '    wait_for_gate: { local: true, timeout: 5s }',
    });
    const taskQueue = uniqueId('tq');
    const victim = await spawnWorker(ws, taskQueue);
    const client = await connectClient(taskQueue);
    try {
      const run = await client.startRun({ agentId: 'a', input: 'go', runId: uniqueId('local-crash') });
      await eventually(() => fileLines(log), (lines) => lines.includes('w-started'), 'the local call to start on the first worker');
      await victim.kill();
      writeFileSync(gate, '');
      const killedAt = Date.now();
      const result = await withWorker(ws, async () => run.result(), { taskQueue });
      console.log(`[local-tools] worker killed during a local call: the run completed ${Date.now() - killedAt} ms later`);
      expect(result.output).toBe('done: w passed the gate');
      expect(fileLines(log)).toEqual(['w-started', 'w-started', 'w-finished']);
      const events = await historyOf(client, run.runId);
      expect(events.some((e) => e.workflowTaskTimedOutEventAttributes != null)).toBe(true);
      expect(localMarkers(events).filter((m) => m.startsWith('tool '))).toEqual(['tool wait_for_gate']);
    } finally {
      await victim.kill();
      await client.close();
    }
  }, 90_000);
});
