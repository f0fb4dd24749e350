/** `harness serve`: the HTTP API for web apps (runs, approvals, cancel, events as SSE) until Ctrl-C. */
import { InvalidArgumentError, type Command } from 'commander';
import { WorkspaceError } from '../../workspace/errors.js';
import type { Workspace } from '../../workspace/load.js';
import type { HarnessClient } from '../../client/harness-client.js';
import { connect, contextFrom, loadContextWorkspace, positiveInt, probeAddress, type CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { installRuntime, onShutdownSignal, runInBackground, type BackgroundWorker } from '../lifecycle.js';
import { c, cErr, err, out } from '../output.js';

interface ServeOptions {
  port: number;
  host: string;
  corsOrigin?: string[];
  allowedHost?: string[];
  maxBodyBytes?: number;
  quiet?: boolean;
  worker?: boolean;
  webApp: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('--port must be an integer from 0 to 65535.');
  return n;
}

/** Registers `harness serve`. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .summary('serve the HTTP API: runs, approvals, cancel, events as Server-Sent Events')
    .description(
      'Serves a JSON HTTP API over the harness client: POST /runs, GET /runs, GET /runs/{id}, ' +
        'GET /runs/{id}/result, POST /runs/{id}/approvals/{approvalId}, POST /runs/{id}/cancel, ' +
        'GET /runs/{id}/events (Server-Sent Events, resumable with Last-Event-ID), GET /approvals (the inbox), ' +
        'POST /api/chat (Vercel AI SDK useChat), POST /ag-ui (AG-UI 1.0), GET /openapi.json and GET /healthz, a web app ' +
        '(chat and approvals inbox) at /, decision links (GET/POST /links/decide/{token}, minted at POST /runs/{id}/approvals/{approvalId}/links; needs HARNESS_LINK_SECRET), Slack approval buttons at POST /slack/actions (needs HARNESS_SLACK_SIGNING_SECRET and HARNESS_SLACK_USERS), and the agents as an MCP server (Streamable HTTP) at /mcp when the workspace loads. ' +
        'With HARNESS_API_TOKENS (entries name[:role,role]=token) or HARNESS_API_TOKENS_FILE set, ' +
        'every request needs Authorization: Bearer <token> and decisions are recorded under that name and roles. ' +
        'Without tokens it serves loopback addresses only. It answers only for its allowed host names, only JSON ' +
        'bodies, and only pages of its own origin or a --cors-origin. Ctrl-C or SIGTERM ends open event streams and stops it.',
    )
    .option('--port <n>', 'port to listen on (0: any free port, printed)', portNumber, 8787)
    .option('--host <address>', 'address to listen on; other than loopback needs HARNESS_API_TOKENS', '127.0.0.1')
    .option('--allowed-host <name>', "host name clients call it by (default: localhost, 127.0.0.1, ::1 and --host); '*' = any; repeatable", collect)
    .option('--cors-origin <url>', 'browser origin allowed to call the API (CORS); repeatable', collect)
    .option('--max-body-bytes <n>', 'largest request body accepted (default: 4048576, room for the largest input)', positiveInt('--max-body-bytes'))
    .option('--quiet', 'no log line per request')
    .option(
      '--worker',
      "also run a worker for the workspace in this process: model calls it runs stream their tokens to this server's " +
        'event streams at once (GET /runs/{id}/events?live=true), not only through the durable log',
    )
    .option('--no-web-app', 'do not serve the web app (chat and approvals inbox) at /')
    .addHelpText(
      'after',
      `
Examples:
  $ harness serve
  $ curl -s localhost:8787/runs --json '{"agentId":"support","input":"Please refund order A-1001"}'
  $ curl -sN localhost:8787/runs/<run>/events
  $ curl -s localhost:8787/runs/<run>/approvals/<approval> --json '{"decision":"approve","approver":"ann"}'
  $ harness serve --port 9000 --cors-origin http://localhost:5173
  $ harness serve --worker                     # one process: API + worker, live tokens over SSE
  $ HARNESS_API_TOKENS="ann:finance=$(openssl rand -hex 32)" harness serve --host 0.0.0.0 --allowed-host harness.example.com`,
    )
    .action(async (opts: ServeOptions, command: Command) => {
      const ctx = await contextFrom(command);
      const { serveSecurity } = await import('./serve-security.js');
      const security = serveSecurity(opts);
      const { LINK_SECRET_ENV, linkSecretFromEnv } = await import('../../client/decision-links.js');
      // Set but unusable (too short) is an error now rather than every link failing later.
      const linkSecret = process.env[LINK_SECRET_ENV] === undefined ? undefined : linkSecretFromEnv();
      const { slackActionsFromEnv, SLACK_SIGNING_SECRET_ENV } = await import('../../http/index.js');
      const slack = slackActionsFromEnv();
      const workspace = opts.worker ? await loadContextWorkspace(ctx) : await optionalWorkspace(ctx);
      const { bearerTokens, createHttpApp, listenHttp } = await import('../../http/index.js');
      const signal = onShutdownSignal();
      // With --worker the API's client rides the worker's connection: runs it starts begin on this
      // worker at once (eager workflow start), skipping one dispatch through the server.
      const local = opts.worker && workspace ? await startWorker(ctx, workspace) : undefined;
      const worker = local?.worker;
      const client = local?.client ?? (await connect(ctx, workspace ? [...workspace.agents.keys()] : undefined));
      const shutdown = new AbortController();
      try {
        const app = createHttpApp(client, {
          signal: shutdown.signal,
          ...(workspace && { threadOptions: { onBusy: workspace.config.threads.onBusy } }),
          ...(workspace && { mcp: { agents: [...workspace.agents.values()].filter((a) => a.enabled).map((a) => ({ id: a.id, description: a.description })) } }),
          ...(security.tokens && { authenticate: bearerTokens(security.tokens) }),
          ...(linkSecret !== undefined && { decisionLinks: { secret: linkSecret } }),
          ...(slack && { slack }),
          allowedHosts: security.allowedHosts,
          webApp: opts.webApp,
          corsOrigins: security.corsOrigins,
          ...(opts.maxBodyBytes !== undefined && { maxBodyBytes: opts.maxBodyBytes }),
          ...(!opts.quiet && {
            onRequest: (r) => err(cErr.dim(`${r.method} ${r.path} → ${r.status} (${r.ms} ms)${r.principal !== undefined ? ` ${r.principal}` : ''}`)),
          }),
          onError: (e) => err(`unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
        });
        const server = await listenHttp(app, { port: opts.port, host: opts.host }).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'EADDRINUSE') throw new CliError('PORT_IN_USE', `Port ${opts.port} on ${opts.host} is in use; pick another with --port.`);
          throw e;
        });
        out(
          `${c.bold('harness API')}  ${server.url}  (Temporal ${ctx.settings.address}, namespace ${ctx.settings.namespace}, task queue ${ctx.settings.taskQueue})`,
          ...(opts.webApp ? [`Web app: ${server.url}/  (chat; inbox at ${server.url}/#/inbox)`] : []),
          `OpenAPI: ${server.url}/openapi.json`,
          ...(workspace ? [`MCP (Streamable HTTP): ${server.url}/mcp`] : []),
          security.tokens
            ? `Authentication: bearer tokens for ${security.tokens.map((t) => t.name).join(', ')}; host names: ${security.allowedHosts.join(', ')}`
            : c.dim(`No authentication (loopback only): any program on this machine can start runs and decide approvals; host names: ${security.allowedHosts.join(', ')}`),
          linkSecret !== undefined
            ? `Decision links: ${server.url}/links/decide/<token> (signed with ${LINK_SECRET_ENV})`
            : c.dim(`Decision links: off (set ${LINK_SECRET_ENV} to serve them)`),
          slack
            ? `Slack buttons: ${server.url}/slack/actions (Slack users mapped: ${[...slack.users.values()].map((u) => u.name).join(', ')})`
            : c.dim(`Slack buttons: off (set ${SLACK_SIGNING_SECRET_ENV} and HARNESS_SLACK_USERS to take them)`),
          c.dim('Ctrl-C stops it.'),
        );
        await signal.received;
        out('shutting down: ending event streams…');
        shutdown.abort();
        await server.close();
        await worker?.stop();
        out('server stopped');
      } finally {
        signal.dispose();
        await worker?.stop();
        await client.close();
      }
    });
}

/**
 * `--worker`: a worker in this process, so its model calls' live deltas reach this server's
 * streams, and a client on the worker's connection, so the runs the API starts start eagerly.
 */
async function startWorker(ctx: CliContext, workspace: Workspace): Promise<{ worker: BackgroundWorker; client: HarnessClient }> {
  const { connectionCredentialsFromEnv } = await import('../../client/connection.js');
  const { createHarnessWorker } = await import('../../worker/create-worker.js');
  await probeAddress(ctx.settings.address);
  await installRuntime();
  err(cErr.dim('bundling workflow code…'));
  const hw = await createHarnessWorker({ workspace, ...ctx.settings, credentials: connectionCredentialsFromEnv() });
  out(`worker polling task queue ${c.bold(ctx.settings.taskQueue)}; agents: ${[...workspace.agents.keys()].join(', ')}`);
  return { worker: runInBackground(hw), client: hw.client() };
}

/** The workspace, if it loads: to check agent ids and use its thread settings. Not required. */
async function optionalWorkspace(ctx: CliContext): Promise<Workspace | undefined> {
  try {
    return await loadContextWorkspace(ctx);
  } catch (e) {
    if (!(e instanceof WorkspaceError)) throw e;
    if (e.code !== 'WORKSPACE_NOT_FOUND') err(`warning: agents are not checked; the workspace could not be loaded:\n${e.message}`);
    return undefined;
  }
}
