/**
 * A local dev server with an in-process worker: what `harness dev` and `harness demo` run.
 * The workspace is loaded first, so a bad file fails before anything starts.
 */
import type { HarnessClient } from '../client/harness-client.js';
import type { DevServer } from '../devserver/dev-server.js';
import { RUN_STATE } from '../workflows/shared/search-attributes.js';
import type { Workspace } from '../workspace/load.js';
import type { CliContext } from './context.js';
import { loadContextWorkspace } from './context.js';
import { CliError } from './errors.js';
import { installRuntime, runInBackground, type BackgroundWorker } from './lifecycle.js';

export interface LocalStackOptions {
  port?: number;
  uiPort?: number;
  dbFile?: string;
  /** Progress lines of a first-time build of the Temporal CLI. */
  progress: (line: string) => void;
  /** Called as each part is up: the binary found, the server ready, the worker created. */
  onBinary?: (binary: string) => void;
  onServer?: (server: DevServer) => void;
}

export interface LocalStack {
  server: DevServer;
  worker: BackgroundWorker;
  /**
   * A client on the worker's connection: the runs it starts start eagerly on this worker. Valid
   * until `stop()`; closing it is not needed.
   */
  client: HarnessClient;
  workspace: Workspace;
  /** Worker first (it finishes in-flight calls against a live server), then the server. */
  stop(): Promise<void>;
}

export async function startLocalStack(ctx: CliContext, options: LocalStackOptions): Promise<LocalStack> {
  const workspace = await loadContextWorkspace(ctx);
  const [{ ensureTemporalBinary }, { startDevServer }, { DevServerStartError }] = await Promise.all([
    import('../devserver/temporal-binary.js'),
    import('../devserver/dev-server.js'),
    import('../devserver/errors.js'),
  ]);
  await installRuntime();

  const binary = await ensureTemporalBinary({ log: options.progress });
  options.onBinary?.(binary);
  let server: DevServer;
  try {
    server = await startDevServer({
      binary,
      ui: true,
      namespace: ctx.settings.namespace,
      ...(options.port !== undefined && { port: options.port }),
      ...(options.uiPort !== undefined && { uiPort: options.uiPort }),
      ...(options.dbFile !== undefined && { dbFile: options.dbFile }),
    });
  } catch (e) {
    if (e instanceof DevServerStartError && e.portInUse) {
      throw new CliError(
        'PORT_IN_USE',
        `Port ${options.port ?? '?'} or ${options.uiPort ?? '?'} is already in use (is another \`harness dev\` or Temporal server running?). ` +
          'Use that server (--address), or pick other ports with --port and --ui-port.',
        { cause: e },
      );
    }
    throw e;
  }
  options.onServer?.(server);

  try {
    const { createHarnessWorker } = await import('../worker/create-worker.js');
    // Our own dev server speaks plaintext: TEMPORAL_API_KEY / TEMPORAL_TLS* meant for a real cluster
    // must not turn TLS on against it.
    const hw = await createHarnessWorker({ workspace, ...ctx.settings, address: server.address, credentials: {} });
    const worker = runInBackground(hw);
    let stopping: Promise<void> | undefined;
    return {
      server,
      worker,
      client: hw.client(),
      workspace,
      stop() {
        stopping ??= (async () => {
          try {
            await worker.stop();
          } finally {
            await server.stop();
          }
        })();
        return stopping;
      },
    };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

/** The Web UI list filter for runs waiting for a person. */
export const WAITING_FILTER = `${RUN_STATE.name}="waiting_for_approval"`;

/** The Web UI page listing the runs waiting for a person. */
export function waitingRunsUrl(uiUrl: string, namespace: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows?query=${encodeURIComponent(WAITING_FILTER)}`;
}

/** The Web UI page of one run. */
export function runUrl(uiUrl: string, namespace: string, runId: string): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(runId)}`;
}
