/**
 * The stock Temporal CLI talks to our workflow by the documented names: the `approvalDecision`
 * signal and the `status` query. Uses the real `temporal` binary, and runs the exact signal command
 * `harness status` prints, through a shell.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findTemporalBinary } from '../../src/devserver/index.js';
import { temporalCommand } from '../../src/devserver/temporal-binary.js';
import { approvalDecisionSignal, statusQuery } from '../../src/workflows/run/contract.js';
import type { RunStatus } from '../../src/workflows/run/contract.js';
import { shellQuote } from '../../src/workflows/run/decide-commands.js';
import { temporalAddress, tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { cliEnv, harness } from '../support/cli.js';

const run = promisify(execFile);

function workspace(): string {
  const dir = tempDir();
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(join(dir, 'effects.log'))}, label: refund } }]
          - text: "final: {{lastToolResult}}"
agents:
  - { id: ops, model: m, tools: [record_effect], requireApproval: [record_effect] }
`,
  );
}

describe('the real temporal CLI', () => {
  it('signals approvalDecision and queries status by their documented names', async () => {
    const temporal = await findTemporalBinary();
    expect(temporal, 'no temporal binary: run `node bin/ensure-temporal.mjs`').toBeDefined();
    const address = temporalAddress();

    await withWorker(workspace(), async ({ client, taskQueue }) => {
      const handle = await client.startRun({ agentId: 'ops', input: 'go' });
      const parked = await handle.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      const query = async (): Promise<RunStatus> => {
        const { stdout } = await run(temporal!, [
          'workflow', 'query', '--workflow-id', handle.runId, '--type', statusQuery.name, '--address', address, '--output', 'json',
        ]);
        return (JSON.parse(stdout) as { queryResult: [RunStatus] }).queryResult[0];
      };

      // A signal for an approval that does not exist is recorded as ignored, and changes nothing.
      await run(temporal!, [
        'workflow', 'signal', '--workflow-id', handle.runId, '--name', approvalDecisionSignal.name,
        '--input', JSON.stringify({ approvalId: 'call_nope', decision: 'approve' }), '--address', address,
      ]);
      await handle.waitFor((s) => s.ignoredDecisions.length === 1);
      const afterBad = await query();
      expect(afterBad).toMatchObject({ runId: handle.runId, state: 'waiting_for_approval', pendingApprovals: [{ approvalId }] });
      expect(afterBad.ignoredDecisions[0]!.reason).toMatch(/^UNKNOWN_APPROVAL: /);

      // The signal command `harness status` prints, run as printed through a shell.
      const env = cliEnv({ address, taskQueue });
      const status = await harness(['status', handle.runId], env);
      const printed = status.stdout.split('\n').find((l) => l.includes('temporal workflow signal'))!.replace(/^.*signal: {2}/, '');
      expect(printed).toContain(`--address ${address}`);
      // `temporal` when it is on PATH, else the full path of the binary the harness uses: runnable as printed.
      expect(printed.startsWith(`${shellQuote(await temporalCommand())} workflow signal `), printed).toBe(true);
      await run('sh', ['-c', printed]);

      const done = await handle.waitFor((s) => s.state === 'completed');
      expect(done.approvals[0]).toMatchObject({ approvalId, decision: 'approve', via: 'signal' });
      expect(done.output).toBe('final: recorded refund');
      expect((await query()).state).toBe('completed');
    });
  });
});
