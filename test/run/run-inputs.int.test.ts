import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileReference, HarnessClientError, inlineFile } from '../../src/client/index.js';
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
          - toolCalls: [{ name: note_state, args: { key: color, value: blue } }]
          - text: "tool saw: {{lastToolResult}} || model saw: {{input}}"
agents:
  - { id: a, model: m, tools: [note_state] }
`,
  );
}

describe('per-run context, state and files', () => {
  it('tools see context, state and files; state comes back updated; the model sees the files', async () => {
    const dir = tempDir();
    const big = join(dir, 'report.csv');
    writeFileSync(big, 'x,y\n'.repeat(50_000)); // 200 KB: passed by reference, never inline
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({
        agentId: 'a',
        input: 'summarize',
        context: { user: 'ann' },
        state: { count: 1 },
        files: [inlineFile('note.txt', 'hello from a file', 'text/plain'), await fileReference(big)],
      });
      const result = await run.result();
      expect(result.agentState).toEqual({ count: 1, color: 'blue' });
      const [toolSaw, modelSaw] = result.output.split(' || ');
      expect(toolSaw).toBe('tool saw: user=ann state={"count":1} files=note.txt,report.csv');
      expect(modelSaw).toContain('--- file note.txt (17 bytes, text/plain, sha256 ');
      expect(modelSaw).toContain('hello from a file');
      expect(modelSaw).toMatch(/--- file report\.csv \(200000 bytes, sha256 [0-9a-f]{64}\): .*report\.csv \(not inline\) ---/);
      expect((await run.status()).agentState).toEqual({ count: 1, color: 'blue' });
      // The 200 KB file is not in history: only its reference is.
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      expect(JSON.stringify(history).length).toBeLessThan(100_000);
    });
  });

  it('tool calls carry a small context in their input and ask the run for a big one: the tool sees both alike', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const toolInputs = async (runId: string) => {
        const history = await client.temporal.workflow.getHandle(runId).fetchHistory();
        return history
          .events!.map((e) => e.activityTaskScheduledEventAttributes)
          .filter((a) => a?.activityType?.name === 'callTool')
          .map((a) => JSON.parse(Buffer.from(a!.input!.payloads![0]!.data!).toString()) as Record<string, unknown>);
      };
      const small = await client.startRun({ agentId: 'a', input: 'x', context: { user: 'ann' } });
      expect((await small.result()).output).toContain('tool saw: user=ann state={} files=');
      expect((await toolInputs(small.runId))[0]!.runContext).toEqual({ context: { user: 'ann' }, state: {}, files: [] });

      const notes = 'n'.repeat(5000); // over MAX_INLINE_TOOL_CONTEXT_CHARS: read by query
      const big = await client.startRun({ agentId: 'a', input: 'x', context: { user: 'bob', notes } });
      expect((await big.result()).output).toContain('tool saw: user=bob state={} files=');
      const [input] = await toolInputs(big.runId);
      expect(input!.runContext).toBeUndefined();
      expect(input!.noRunContext).toBeUndefined();
    });
  });

  it('inline files over the limits get a clear error: the client refuses huge ones, the workspace limit refuses the run', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const huge = await client
        .startRun({ agentId: 'a', input: 'x', files: [inlineFile('huge.txt', 'x'.repeat(300_000))] })
        .catch((e: unknown) => e);
      expect(huge).toBeInstanceOf(HarnessClientError);
      expect((huge as HarnessClientError).code).toBe('FILE_TOO_LARGE');
      expect((huge as Error).message).toMatch(/Pass it by reference/);

      const run = await client.startRun({ agentId: 'a', input: 'x', files: [inlineFile('mid.txt', 'x'.repeat(70_000))] });
      await expect(run.result()).rejects.toThrow(/file "mid\.txt" is 70000 bytes inline, over limits\.maxInlineFileBytes \(65536\)/);
      expect((await run.status()).step).toBe(0);
    });
  });
});
