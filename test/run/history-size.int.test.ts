import { describe, expect, it } from 'vitest';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

describe('history size', () => {
  it('a model call activity carries no transcript: its input stays the same size as the conversation grows', async () => {
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
      // By step 7 the transcript holds 12 KB of tool results, yet every input is a small reference.
      expect(Math.max(...modelInputs)).toBeLessThan(200);
      expect(Math.max(...modelInputs) - Math.min(...modelInputs)).toBeLessThanOrEqual(2);
    });
  });
});
