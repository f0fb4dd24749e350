/**
 * `harness demo` (what `npm start` runs): a dev server, a worker, and one run that parks on an
 * approval, is approved, and finishes, with the commands a person would use printed on the way.
 */
import type { Command } from 'commander';
import type { HarnessClient } from '../../client/harness-client.js';
import { contextFrom } from '../context.js';
import { CliError } from '../errors.js';
import { EventPrinter, isTerminal, waitForever } from '../follow.js';
import { onShutdownSignal, runUntilSignal } from '../lifecycle.js';
import type { LocalStack } from '../local-stack.js';
import { block, c, err, formatDecision, formatPending, out, type Target } from '../output.js';
import { isApprovalProgress } from '../../workflows/run/contract.js';

const DEMO_AGENT = 'support';
const DEMO_INPUT = 'Please refund order A-1001';
const DEMO_APPROVER = 'demo-user';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('see it work: a run that waits for an approval (npm start)')
    .description(
      `Starts a local dev server and a worker, runs the "${DEMO_AGENT}" agent on "${DEMO_INPUT}", ` +
        'waits until it parks on its refund approval, shows how to decide it, approves it, and prints ' +
        'the result and the Web UI link. Then stops everything, unless --keep.',
    )
    .option('--keep', 'leave the server and worker running (until Ctrl-C) to explore the Web UI and CLI')
    .addHelpText('after', '\nExamples:\n  $ npm start\n  $ harness demo --keep')
    .action(async (opts: { keep?: boolean }, command: Command) => {
      const ctx = await contextFrom(command);
      const signal = onShutdownSignal();
      const started = Date.now();
      const step = (n: number, text: string) => out(`${c.bold(`[${n}/5]`)} ${text}`);
      const { startLocalStack, runUrl } = await import('../local-stack.js');
      let stack: LocalStack | undefined;
      try {
        out(c.bold(`harness demo: an agent that must ask a person before it refunds an order`), '');
        let lap = Date.now();
        const took = () => {
          const s = c.dim(`(${((Date.now() - lap) / 1000).toFixed(1)} s)`);
          lap = Date.now();
          return s;
        };
        let binary = 'temporal';
        stack = await startLocalStack(ctx, {
          progress: (line) => out(c.dim(`      ${line}`)),
          onBinary: (path) => {
            binary = path;
            step(1, `Temporal CLI (it contains the dev server): ${path} ${took()}`);
          },
          onServer: (server) => step(2, `Dev server at ${server.address}, Web UI at ${server.uiUrl} ${took()}`),
        });
        const { server, workspace } = stack;
        step(3, `Worker polling task queue "${ctx.settings.taskQueue}" for agents ${[...workspace.agents.keys()].join(', ')} ${took()}`);
        if (!workspace.agents.has(DEMO_AGENT)) {
          throw new CliError('UNKNOWN_AGENT', `The demo runs agent "${DEMO_AGENT}", which ${workspace.file} does not declare.`);
        }
        const target = { ...ctx.settings, address: server.address };
        const { temporalCommand } = await import('../../devserver/temporal-binary.js');
        const printed = { ...target, temporal: await temporalCommand() };
        // The stack's client shares the worker's connection, so the run starts eagerly on that worker.
        const runId = await demoRun(stack.client, printed, step, binary);

        const link = runUrl(server.uiUrl ?? '', server.namespace, runId);
        out('', `See the run, its history and its decisions in the Web UI:`, `  ${c.cyan(link)}`);
        if (opts.keep) {
          out(
            '',
            c.bold('Server and worker keep running (--keep). Press Ctrl-C to stop them.'),
            'Meanwhile, from another terminal:',
            `  harness run --follow "${DEMO_INPUT}" --address ${server.address}`,
            `  harness list --address ${server.address}`,
          );
          if (!signal.requested) await runUntilSignal(stack.worker, signal).catch(() => undefined);
        } else {
          out(c.dim(`  (the link works while the server runs: use \`npm start -- --keep\` or \`harness demo --keep\`)`));
        }
        out('', `Stopping the worker and the dev server…`);
        await stack.stop();
        out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      } catch (e) {
        if (stack) await stack.stop().catch((stopErr: unknown) => err(`while stopping: ${String(stopErr)}`));
        throw e;
      } finally {
        signal.dispose();
      }
    });
}

/** Starts the run, waits for its approval, prints how to decide it, approves it, prints the result. */
async function demoRun(
  client: HarnessClient,
  target: Target,
  step: (n: number, text: string) => void,
  binary: string,
): Promise<string> {
  const run = await client.startRun({ agentId: DEMO_AGENT, input: DEMO_INPUT });
  step(4, `Started run ${c.bold(run.runId)}: ${DEMO_AGENT} ← "${DEMO_INPUT}"`);
  // Watch it live from its event stream (tokens, tool calls) until it asks for approval.
  const events = run.events();
  const printer = new EventPrinter(run.runId, target);
  for (let r = await events.next(); !r.done; r = await events.next()) {
    const { event } = r.value;
    if (event.type === 'approval.requested' || event.type === 'run.failed' || event.type === 'run.completed') break;
    if (event.type !== 'run.state.changed') printer.print(event);
  }
  printer.endLine();
  const parked = await waitForever(run, (s) => s.state === 'waiting_for_approval' || isTerminal(s));
  if (parked.state !== 'waiting_for_approval') {
    throw new CliError('DEMO_FAILED', `The run ended ${parked.state} before asking for approval: ${parked.error ?? parked.output ?? ''}`);
  }
  out(`      After ${parked.step} model calls it waits for a person to decide:`);
  for (const p of parked.pendingApprovals) out(...formatPending(run.runId, p, target, '        '));
  out(c.dim(`        (\`temporal\` is the Temporal CLI: ${binary})`));

  step(5, `Approving it here as "${DEMO_APPROVER}" (the same update \`harness approve\` sends)…`);
  const record = await run.approve({ approver: DEMO_APPROVER, reason: 'approved by the demo' });
  // The demo's tool needs one approver, so the answer is the recorded decision.
  if (!record || isApprovalProgress(record)) throw new Error('the demo approval needs one approver, yet it is still pending');
  out(`      The run accepted the decision (${record.decision} by ${record.approver} via ${record.via}) and goes on:`);
  for (let r = await events.next(); !r.done; r = await events.next()) {
    if (r.value.event.type !== 'run.state.changed' && r.value.event.type !== 'approval.resolved') printer.print(r.value.event);
  }
  printer.endLine();
  const result = await run.result();
  const status = await run.status();
  out(
    '',
    c.bold(`Result: ${status.state} after ${result.steps} model calls`),
    ...block(result.output),
    '',
    c.bold('Decisions recorded in the run:'),
    ...result.approvals.flatMap((r) => formatDecision(r)),
  );
  return run.runId;
}
