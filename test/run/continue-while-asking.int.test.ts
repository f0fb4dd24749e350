/**
 * A run parked on an `ask_human` question whose history grows (refused signals) continues as new
 * while it waits, like a run parked on an approval: the question stays pending with the same id,
 * the step's finished tool call is carried (it does not run again), and the answer completes the
 * run as one run to its clients.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessEventItem } from '../../src/client/index.js';
import { approvalDecisionSignal, type ApprovalDecisionInput } from '../../src/workflows/run/contract.js';
import { eventually } from '../support/eventually.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: "first" } }, { name: ask_human, args: { question: "Which office?" } }]
          - text: "done after {{lastToolResult}}"
agents:
  - { id: asker, model: m, tools: [echo], askHuman: true }
limits:
  # Tiny, so a dozen refused signals push the parked run over it.
  continueAsNewAfterEvents: 20
`,
  );
}

describe('a run parked on a question', () => {
  it('continues as new when its history grows, keeps its question and its finished tool call, and the answer completes it', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'asker', input: 'ask' });
      const seen: HarnessEventItem[] = [];
      const following = (async () => {
        for await (const item of run.events()) seen.push(item);
      })();
      const before = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      const raw = client.temporal.workflow.getHandle(run.runId);
      const firstRunId = (await raw.describe()).runId;

      const bad = { approvalId: 'none', decision: 'maybe' } as unknown as ApprovalDecisionInput;
      for (let i = 0; i < 12; i++) await raw.signal(approvalDecisionSignal, bad);

      const parked = await run.waitFor((s) => s.ignoredDecisionCount === 12);
      // The hand-over may wait for handlers still running (a follower's event poll), so the 12th
      // refusal can be visible a moment before the next run of the chain exists.
      await eventually(async () => (await raw.describe()).runId, (id) => id !== firstRunId, 'the run to continue as new');
      expect(parked.state).toBe('waiting_for_approval');
      expect(parked.pendingQuestions).toEqual(before.pendingQuestions);

      await run.answer('Berlin', { answeredBy: 'ann' });
      const result = await run.result();
      await following;
      expect(result.output).toBe('done after echo: first\nBerlin');
      expect(result.messages.filter((m) => m.role === 'tool').map((m) => m.content)).toEqual(['echo: first', 'Berlin']);
      const types = seen.map((i) => i.event.type);
      expect(types.filter((t) => t === 'question.asked')).toHaveLength(1);
      expect(types.filter((t) => t === 'tool.result')).toHaveLength(2);
      expect(seen.map((i) => i.offset)).toEqual(seen.map((_, i) => i));
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.filter((e) => e.status.name === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
    });
  });
});
