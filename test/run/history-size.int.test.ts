import { describe, expect, it } from 'vitest';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

describe('history size', () => {
  it('a model call activity carries only the messages added since the previous one: its input does not grow with the conversation', async () => {
    const big = 'x'.repeat(2000);
    const turns = Array.from({ length: 6 }, () => `          - toolCalls: [{ name: echo, args: { text: "${big}" } }]`).join('\n');
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
${turns}
          - text: finished
agents:
  - { id: a, model: m, tools: [echo] }
`,
    );
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      expect((await run.result()).steps).toBe(7);
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const modelInputs = history
        .events!.map((e) => e.activityTaskScheduledEventAttributes)
        .filter((a) => a?.activityType?.name === 'callModel')
        .map((a) => a!.input!.payloads!.reduce((n, p) => n + (p.data?.length ?? 0), 0));
      expect(modelInputs).toHaveLength(7);
      // Each step adds a tool call (2 KB of arguments) and its result (2 KB): calls 2–7 carry those
      // two messages, ~4 KB each, though by step 7 the transcript holds 24 KB.
      const later = modelInputs.slice(1);
      expect(modelInputs[0]).toBeLessThan(300);
      for (const size of later) expect(size).toBeGreaterThan(4000);
      expect(Math.max(...later)).toBeLessThan(4600);
      expect(Math.max(...later) - Math.min(...later)).toBeLessThanOrEqual(16); // ids and positions: 1 vs 11
    });
  });
});
