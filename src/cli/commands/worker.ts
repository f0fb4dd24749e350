/** `harness worker`: run agent runs for the workspace until Ctrl-C. */
import type { Command } from 'commander';
import { contextFrom, loadContextWorkspace, probeAddress } from '../context.js';
import { installRuntime, onShutdownSignal, runInBackground, runUntilSignal } from '../lifecycle.js';
import { c, cErr, err, out } from '../output.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .summary('run a worker for the workspace (until Ctrl-C)')
    .description(
      'Loads the workspace file (refusing to start if it has any problem), connects to Temporal and ' +
        'runs the agent runs of its task queue. Ctrl-C or SIGTERM shuts it down gracefully: it stops ' +
        'polling and lets in-flight model and tool calls finish first.',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ harness worker
  $ harness worker --workspace examples/harness.yaml --task-queue support
  $ TEMPORAL_ADDRESS=temporal.internal:7233 harness worker`,
    )
    .action(async (_opts: unknown, command: Command) => {
      const ctx = await contextFrom(command);
      const workspace = await loadContextWorkspace(ctx);
      const { address, namespace, taskQueue } = ctx.settings;
      await probeAddress(address);
      await installRuntime();
      const signal = onShutdownSignal();
      try {
        const { createHarnessWorker } = await import('../../worker/create-worker.js');
        err(cErr.dim('bundling workflow code…'));
        const hw = await createHarnessWorker({ workspace, ...ctx.settings });
        const worker = runInBackground(hw);
        out(
          `worker polling task queue ${c.bold(taskQueue)} on ${address} (namespace ${namespace}); ` +
            `agents: ${[...workspace.agents.keys()].join(', ')}; workspace ${workspace.file}`,
        );
        // A crash falls through to stop(), which closes the connections and rethrows it.
        const stopSignal = signal.requested || (await runUntilSignal(worker, signal).catch(() => undefined));
        if (stopSignal) out('shutting down: no new work; waiting for in-flight calls to finish…');
        await worker.stop();
        out('worker stopped');
      } finally {
        signal.dispose();
      }
    });
}
