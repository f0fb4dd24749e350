/** `harness dev`: a local Temporal dev server with the Web UI and a worker, until Ctrl-C. */
import type { Command } from 'commander';
import { describeConnection } from '../../client/connection.js';
import { describeDynamicConfig } from '../../devserver/dynamic-config.js';
import { contextFrom, positiveInt } from '../context.js';
import { onShutdownSignal, runUntilSignal } from '../lifecycle.js';
import { c, cErr, err, out, shellQuote } from '../output.js';

interface DevOptions {
  port: number;
  uiPort: number;
  db?: string;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .summary('run a local Temporal dev server (with Web UI) and a worker')
    .description(
      'Starts a Temporal dev server with its Web UI and a worker for the workspace, and runs until ' +
        'Ctrl-C, which stops the worker (letting in-flight calls finish) and then the server. ' +
        'Its default port is the Temporal default, so the other commands find it without flags.',
    )
    .option('--port <n>', 'gRPC port of the server', positiveInt('--port'), 7233)
    .option('--ui-port <n>', 'Web UI port', positiveInt('--ui-port'), 8233)
    .option('--db <file>', 'keep the server state in this SQLite file (default: in memory)')
    .addHelpText(
      'after',
      `
Examples:
  $ harness dev
  $ harness dev --db .temporal/dev.db          # runs survive restarts
  $ harness dev --port 7300 --ui-port 8300     # then: harness --address localhost:7300 list`,
    )
    .action(async (opts: DevOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const signal = onShutdownSignal();
      const { startLocalStack, waitingRunsUrl, WAITING_FILTER } = await import('../local-stack.js');
      try {
        const stack = await startLocalStack(ctx, {
          port: opts.port,
          uiPort: opts.uiPort,
          ...(opts.db !== undefined && { dbFile: opts.db }),
          progress: (line) => err(cErr.dim(line)),
          onBinary: (binary) => err(cErr.dim(`Temporal CLI: ${binary}; starting the dev server…`)),
          onServer: (server) =>
            err(
              cErr.dim(`dev server up at ${server.address} (dynamic config: ${describeDynamicConfig(server.dynamicConfig)}); bundling workflow code for the worker…`),
            ),
        });
        const { server, workspace } = stack;
        const uiUrl = server.uiUrl ?? '';
        const flags = server.address === `127.0.0.1:7233` ? '' : ` --address ${shellQuote(server.address)}`;
        out(
          '',
          `${c.bold('Temporal server')}  ${server.address}  (namespace ${server.namespace}; ${opts.db ? `data in ${opts.db}` : 'data in memory: --db FILE keeps it'})`,
          `${c.bold('Web UI')}           ${uiUrl}`,
          `${c.bold('Worker')}           task queue ${ctx.settings.taskQueue}; agents: ${[...workspace.agents.keys()].join(', ')} (${workspace.file})`,
          `${c.bold('Connection')}       ${describeConnection({ ...ctx.settings, address: server.address, namespace: server.namespace }, {})}`,
          '',
          'Runs waiting for a person: Web UI → Workflows, query:',
          `  ${c.cyan(WAITING_FILTER)}`,
          `  (or open ${waitingRunsUrl(uiUrl, server.namespace)})`,
          '',
          'Try it in another terminal:',
          `  harness run --follow "Please refund order A-1001"${flags}`,
          '',
          c.dim('Ctrl-C stops the worker, then the server.'),
        );
        if (!signal.requested) await runUntilSignal(stack.worker, signal).catch(() => undefined);
        out('stopping the worker (in-flight calls finish first), then the server…');
        await stack.stop();
        out('stopped');
      } finally {
        signal.dispose();
      }
    });
}
