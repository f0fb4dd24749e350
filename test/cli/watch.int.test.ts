import { describe, expect, it } from 'vitest';
import { tempDir, temporalAddress, withWorker, writeWorkspace } from '../support/harness.js';
import { cliEnv, harness } from '../support/cli.js';

describe('harness watch', () => {
  it('prints the run live (tokens, tools, decisions) and, with --json, the same events the client gets', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - { text: "Checking.", toolCalls: [{ name: echo, args: { text: hi } }] }
          - text: "Answer: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [echo] }
`,
    );
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
      const human = await harness(['watch', run.runId], env);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('Checking.');
      expect(human.stdout).toContain('→ echo {"text":"hi"}');
      expect(human.stdout).toContain('← echo: echo: hi');
      expect(human.stdout).toMatch(/Output:\n {2}Answer: echo: hi/);

      const json = await harness(['watch', run.runId, '--json', '--from', '2'], env);
      const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const expected = [];
      for await (const item of run.events({ fromOffset: 2 })) expected.push(item);
      expect(lines).toEqual(expected);
    });
  });
});
