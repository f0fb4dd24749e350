/** `harness inbox` driven as a person would: in a real terminal (tmux), keys in, screen out. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, temporalAddress, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { HARNESS_BIN, REPO_ROOT } from '../support/cli.js';

const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });

describe('harness inbox', () => {
  const sessions: string[] = [];
  afterEach(() => {
    for (const s of sessions.splice(0)) {
      try {
        tmux('kill-session', '-t', s);
      } catch {
        // already gone: the inbox exits by itself once nothing is pending
      }
    }
  });

  it('lists pending approvals across runs and decides them from the keyboard', async () => {
    const dir = tempDir();
    const workspace = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(join(dir, 'e.log'))}, label: x } }]
          - text: "result: {{lastToolResult}}"
agents:
  - { id: payer, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
    );
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const runs = [await client.startRun({ agentId: 'payer', input: 'first' }), await client.startRun({ agentId: 'payer', input: 'second' })];
      for (const run of runs) await run.waitFor((s) => s.state === 'waiting_for_approval');
      // Visibility is eventually consistent: the inbox lists what it can see.
      await eventually(
        async () => (await client.listRuns({ state: 'waiting_for_approval', taskQueue })).length,
        (n) => n === 2,
        'both runs listed as waiting for approval',
        { timeoutMs: 10_000 },
      );

      const session = uniqueId('inbox');
      sessions.push(session);
      const env = [`TEMPORAL_ADDRESS=${temporalAddress()}`, `HARNESS_TASK_QUEUE=${taskQueue}`, `HARNESS_WORKSPACE=${workspace}`, 'NO_COLOR=1'];
      tmux('new-session', '-d', '-s', session, '-x', '220', '-y', '60', '-c', REPO_ROOT, ...env.flatMap((e) => ['-e', e]), `node ${HARNESS_BIN} inbox --by tess; sleep 30`);
      const screen = () => tmux('capture-pane', '-p', '-t', session, '-S', '-200');
      const waitFor = (pattern: RegExp) => eventually(screen, (text) => pattern.test(text), `the terminal to show ${pattern}`, { timeoutMs: 20_000, intervalMs: 100 });
      const keys = (...k: string[]) => tmux('send-keys', '-t', session, ...k);

      await waitFor(/2 pending approvals:[\s\S]*\[2\][\s\S]*Decide which\? \[1-2/);
      keys('1', 'Enter');
      await waitFor(/\(a\)pprove, \(r\)eject, \(e\)dit, \(s\)kip\?/);
      keys('a', 'Enter');
      await waitFor(/approved by tess[\s\S]*1 pending approval:[\s\S]*Decide which\? \[1-1/);
      keys('1', 'Enter');
      await waitFor(/\(r\)eject, \(e\)dit, \(s\)kip\? *$/m);
      keys('r', 'Enter');
      await waitFor(/reason: *$/m);
      keys('not today', 'Enter');
      await waitFor(/rejected by tess[\s\S]*No pending approvals\./);

      const results = await Promise.all(runs.map((r) => r.result()));
      expect(results.map((r) => r.output).sort()).toEqual([
        'result: Tool call rejected by tess: not today. The tool did not run.',
        'result: recorded x',
      ]);
    });
  });
});
