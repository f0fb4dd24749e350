import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HarnessEventItem } from '../../src/client/index.js';
import { fileLines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';

/** Eight model steps: six echo calls, one call that needs approval, then the answer. */
function longRunWorkspace(dir: string, effects: string, extraLimits = ''): string {
  const echo = (n: number) => `          - toolCalls: [{ name: echo, args: { text: "call ${n}" } }]\n`;
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - turns:
${[1, 2, 3, 4, 5].map(echo).join('')}          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: paid, amount: 5 } }]
${echo(6)}          - text: "finished after {{lastToolResult}}"
agents:
  - id: long
    model: m
    tools: [echo, record_effect]
    requireApproval: [record_effect]
limits:
  # Tiny, so this short run continues as new several times.
  continueAsNewAfterEvents: 20
${extraLimits}`,
  );
}

describe('a long run continues as new between steps', () => {
  it('is one run to its client: events, status, approvals and the result go on across the chain', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(longRunWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'long', input: 'go on and on' });
      // A subscriber from the start, following the run through every continue-as-new.
      const seen: HarnessEventItem[] = [];
      const following = (async () => {
        for await (const item of run.events()) seen.push(item);
      })();

      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.step).toBe(6);
      await run.approve({ approver: 'ann' });
      const result = await run.result();
      await following;

      expect(result.output).toBe('finished after echo: call 6');
      expect(result.steps).toBe(8);
      // The whole conversation survived the hand-overs: input, 8 answers, 7 tool results.
      expect(result.messages).toHaveLength(16);
      expect(result.approvals.map((a) => [a.toolName, a.approver])).toEqual([['record_effect', 'ann']]);
      expect(fileLines(effects)).toHaveLength(1);
      expect(result.usage.totalTokens).toBeGreaterThan(0);

      // It did continue as new, and each run's history stayed short.
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.length).toBeGreaterThanOrEqual(3);
      expect(executions.filter((e) => e.status.name === 'CONTINUED_AS_NEW').length).toBe(executions.length - 1);
      expect(Math.max(...executions.map((e) => e.historyLength))).toBeLessThan(60);

      // The stream is one stream: offsets 0..n without gaps or repeats, each event once.
      expect(seen.map((i) => i.offset)).toEqual(seen.map((_, i) => i));
      const types = seen.map((i) => i.event.type);
      expect(types.filter((t) => t === 'run.created')).toHaveLength(1);
      expect(types.filter((t) => t === 'approval.requested')).toHaveLength(1);
      expect(seen.flatMap((i) => (i.event.type === 'step.started' ? [i.event.step] : []))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(types.at(-1)).toBe('run.completed');

      // A reader after the end (the storedEvents query of the last run) gets the same events.
      const replayed: HarnessEventItem[] = [];
      for await (const item of run.events()) replayed.push(item);
      expect(replayed.map((i) => [i.offset, i.event.type])).toEqual(seen.map((i) => [i.offset, i.event.type]));

      // Search attributes went on with the chain: the final run is found by state and agent.
      const done = await client.listRuns({ state: 'completed', agentId: 'long' });
      expect(done.map((r) => r.runId)).toContain(run.runId);
    });
  });

  it('the run timeout counts from the first run of the chain', async () => {
    const dir = tempDir();
    await withWorker(longRunWorkspace(dir, join(dir, 'effects.log'), '  runTimeout: 5s\n'), async ({ client }) => {
      const run = await client.startRun({ agentId: 'long', input: 'go on and on' });
      // It parks at step 6, after continuing as new; nobody decides, so the 5 s run out.
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const err = await run.result().catch((e: unknown) => e);
      expect((err as Error).message).toContain('limits.runTimeout (5s)');
      expect((await run.status()).state).toBe('failed');

      // The last run of the chain set its deadline timer to what was left, not to the whole 5 s.
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.length).toBeGreaterThanOrEqual(2);
      const last = executions.find((e) => e.status.name !== 'CONTINUED_AS_NEW')!;
      const history = await client.temporal.workflow.getHandle(run.runId, last.runId).fetchHistory();
      const timer = history.events!.find((e) => e.timerStartedEventAttributes)!.timerStartedEventAttributes!;
      const seconds = Number(timer.startToFireTimeout!.seconds ?? 0) + (timer.startToFireTimeout!.nanos ?? 0) / 1e9;
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(5);
    });
  });
});
