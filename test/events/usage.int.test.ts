import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../src/workflows/shared/usage.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

describe('token and cost accounting', () => {
  it('reports usage and cost per step (events), per run (status, result) and per thread', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    pricing: { inputPerMillionTokens: 3, outputPerMillionTokens: 15 }
    script:
      - turns:
          - { text: "Checking.", toolCalls: [{ name: echo, args: { text: hi } }] }
          - text: "Answer: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [echo] }
`,
    );
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'how much?' });
      const steps: TokenUsage[] = [];
      for await (const { event } of run.events()) if (event.type === 'step.completed' && event.usage) steps.push(event.usage);
      expect(steps).toHaveLength(2);
      for (const u of steps) {
        expect(u.inputTokens).toBeGreaterThan(0);
        expect(u.costUsd).toBeCloseTo((u.inputTokens * 3 + u.outputTokens * 15) / 1e6, 12);
      }
      const sum = (key: keyof TokenUsage) => steps.reduce((n, u) => n + (u[key] ?? 0), 0);
      const { usage } = await run.result();
      expect(usage).toMatchObject({ inputTokens: sum('inputTokens'), outputTokens: sum('outputTokens'), totalTokens: sum('totalTokens') });
      expect(usage.costUsd).toBeCloseTo(sum('costUsd'), 12);
      expect((await run.status()).usage).toEqual(usage);

      const thread = client.thread(`usage-${run.runId}`);
      const first = await thread.send('one', { agentId: 'a' });
      const u1 = (await first.result()).usage;
      const second = await thread.send('two', { agentId: 'a' });
      const u2 = (await second.result()).usage;
      const total = (await thread.status()).usage;
      expect(total.totalTokens).toBe(u1.totalTokens + u2.totalTokens);
      expect(total.costUsd).toBeCloseTo(u1.costUsd! + u2.costUsd!, 12);
    });
  });
});
