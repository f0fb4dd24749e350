import { describe, expect, it } from 'vitest';
import type { HarnessEvent, HarnessEventItem, RunHandle } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(streamDelay = ''): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    ${streamDelay}
    script:
      - when: slow
        turns:
          - text: "one two three four five six seven eight nine ten eleven twelve"
      - turns:
          - text: "Looking it up."
            reasoning: "The user wants an echo."
            toolCalls: [{ name: echo, args: { text: hi } }]
          - text: "Recording it."
            toolCalls: [{ name: record_effect, args: { file: /dev/null, label: x } }]
          - text: "All done: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [echo, record_effect], requireApproval: [record_effect] }
`,
  );
}

async function collect(run: RunHandle, fromOffset = 0): Promise<HarnessEventItem[]> {
  const items: HarnessEventItem[] = [];
  for await (const item of run.events({ fromOffset })) items.push(item);
  return items;
}

const isDelta = (e: HarnessEvent) => e.type === 'output.delta' || e.type === 'reasoning.delta';

describe('run events', () => {
  it('a run with an approval publishes the whole story, in order, with contiguous offsets', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const following = collect(run);
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      await run.approve({ approver: 'ann', reason: 'fine' });
      const items = await following;

      expect(items.map((i) => i.offset)).toEqual(items.map((_, i) => i));
      const story = items.map((i) => i.event).filter((e) => !isDelta(e));
      expect(story.map((e) => (e.type === 'run.state.changed' ? `${e.from}->${e.to}` : e.type))).toEqual([
        'run.created',
        'run.routed',
        'starting->running',
        'step.started',
        'step.completed',
        'tool.started',
        'tool.result',
        'step.started',
        'step.completed',
        'approval.requested',
        'running->waiting_for_approval',
        'approval.resolved',
        'waiting_for_approval->running',
        'run.resumed',
        'tool.started',
        'tool.result',
        'step.started',
        'step.completed',
        'running->completed',
        'run.completed',
      ]);
      const resolved = story.find((e) => e.type === 'approval.resolved');
      expect(resolved).toMatchObject({ decision: { approver: 'ann', reason: 'fine', decision: 'approve' } });
      expect(story.every((e) => e.runId === run.runId && e.agentId === 'a' && !Number.isNaN(Date.parse(e.at)))).toBe(true);

      // Deltas, joined per message, are exactly what the model said.
      const text = (messageId: string, type: string) =>
        items
          .map((i) => i.event)
          .filter((e) => e.type === type && 'messageId' in e && e.messageId === messageId)
          .map((e) => ('text' in e ? e.text : ''))
          .join('');
      expect(text(`${run.runId}:step-1`, 'output.delta')).toBe('Looking it up.');
      expect(text(`${run.runId}:step-1`, 'reasoning.delta')).toBe('The user wants an echo.');
      expect(text(`${run.runId}:step-3`, 'output.delta')).toBe('All done: recorded x');
      expect(story.at(-1)).toMatchObject({ type: 'run.completed', output: 'All done: recorded x' });
    });
  });

  it('resumes from an offset after a disconnect, also once the run has finished', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const firstPart: HarnessEventItem[] = [];
      for await (const item of run.events()) {
        firstPart.push(item);
        if (item.event.type === 'approval.requested') break; // the client goes away
      }
      await run.approve();
      await run.result();
      const rest = await collect(run, firstPart.at(-1)!.offset + 1);
      const all = await collect(run);
      expect([...firstPart, ...rest]).toEqual(all);
      expect(all.at(-1)!.event.type).toBe('run.completed');
    });
  });

  it('output deltas arrive while the model call is still running', async () => {
    await withWorker(workspace('streamDelay: 150ms'), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'slow' });
      for await (const { event } of run.events()) {
        if (event.type !== 'output.delta') continue;
        // At the first token the model-call activity has not finished: the run still waits on it.
        const { pendingActivities } = await client.temporal.workflow.getHandle(run.runId).describe().then((d) => d.raw);
        expect(pendingActivities?.map((a) => a.activityType?.name)).toEqual(['callModel']);
        break;
      }
      expect((await run.result()).output).toBe('one two three four five six seven eight nine ten eleven twelve');
    });
  });
});
