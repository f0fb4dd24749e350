/**
 * The HTTP API for web apps: a thin layer over `HarnessClient` (no Temporal calls of its own),
 * built on Hono, so it is a web-standard `Request` → `Response` app: `app.request()` in tests,
 * `listenHttp` (or any fetch-style runtime) to serve it.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { isTerminalRunState, listPendingApprovals, listPendingQuestions, listPendingToolCalls, type HarnessClient, type RunHandle, type ThreadOptions } from '../client/index.js';
import { isHarnessError } from '../common/errors.js';
import { answererOf, decisionAs } from './approver.js';
import type { Authenticate } from './auth.js';
import { registerAgUiRoutes } from './ag-ui/ag-ui-routes.js';
import { registerChatRoutes } from './chat/chat-routes.js';
import { HttpError, toHttpError } from './errors.js';
import { redactLinkToken, registerLinkMintRoute, registerLinkPageRoutes, type DecisionLinkOptions } from './link-routes.js';
import { registerSlackActionsRoute, type SlackActionsOptions } from './slack/index.js';
import { registerMcpRoute, type McpEndpointOptions } from './mcp-route.js';
import { authenticated, hostGuard, jsonOnly, LOOPBACK_HOSTS, originGuard, type GuardEnv } from './guards.js';
import { openApiDocument } from './openapi.js';
import {
  cancelBody,
  createRunBody,
  answerBody,
  forkBody,
  toolResultBody,
  decisionBody,
  eventsQuery,
  idParam,
  lastEventIdHeader,
  listRunsQuery,
  parseJsonBody,
  parseQuery,
  parseWith,
  resultQuery,
  transcriptQuery,
  blobIdParam,
  DEFAULT_MAX_BODY_BYTES,
  type CreateRunBody,
} from './schemas.js';
import { streamRunEvents } from './sse.js';
import { traceCarrierOf, withCallerTrace } from '../client/trace-context.js';
import { registerWebApp, WEB_APP_DIR } from './web-app.js';

/** One handled request, for a log line. */
export interface RequestLog {
  method: string;
  path: string;
  status: number;
  ms: number;
  /** The authenticated principal's name (never its credentials). */
  principal?: string;
}

/** Options of `createHttpApp`. */
export interface HttpAppOptions {
  /** Interval of heartbeat comments on event streams. @default 15000 */
  heartbeatMs?: number;
  /**
   * Who is calling: each request (but `GET /healthz` and `GET /openapi.json`) must authenticate,
   * else 401 `UNAUTHENTICATED`; decisions are then recorded under the principal's name and roles.
   * `bearerTokens(apiTokensFromEnv())` gives the built-in tokens. Without it there is no
   * authentication and the approver is whoever the body names: serve such an app on loopback only.
   * @default none
   */
  authenticate?: Authenticate;
  /**
   * Host names this API answers for (the `Host` header, any port); others get 403
   * `HOST_NOT_ALLOWED`, which defeats DNS rebinding. `*` answers for any name.
   * @default ['localhost', '127.0.0.1', '::1']
   */
  allowedHosts?: readonly string[];
  /**
   * Largest request body accepted (413 `PAYLOAD_TOO_LARGE` above). The default fits the largest
   * valid `POST /runs` (an input of 1,000,000 characters, up to 3 bytes each in UTF-8) plus 1 MiB;
   * content sent base64-encoded needs 4/3 of its size.
   * @default DEFAULT_MAX_BODY_BYTES (about 3.9 MiB)
   */
  maxBodyBytes?: number;
  /** How threads created by `POST /runs` with `threadId` behave (e.g. `onBusy`). @default the client's defaults */
  threadOptions?: ThreadOptions;
  /**
   * Browser origins besides the API's own allowed to call it (CORS), e.g. `http://localhost:5173`;
   * a request from any other page (it carries `Origin`) gets 403 `ORIGIN_NOT_ALLOWED`. @default none
   */
  corsOrigins?: readonly string[];
  /**
   * Serve the web app (chat and approvals inbox) at `/`: `true` from the package's built files
   * (`WEB_APP_DIR`), or a directory holding `index.html`, `app.js` and `app.css`. The page and its
   * files need no credentials; everything the page does goes through the API and its checks.
   * @default false (`harness serve` turns it on)
   */
  webApp?: boolean | string;
  /**
   * Serve these agents as an MCP server over Streamable HTTP at `/mcp` (one tool per agent, plus
   * `harness_run_status` and `harness_decide`), behind the same guards and authentication; decisions
   * taken there are recorded under the caller's principal. @default no `/mcp`
   */
  mcp?: McpEndpointOptions;
  /**
   * Serve decision links (`GET`/`POST /links/decide/{token}`, and minting at
   * `POST /runs/{id}/approvals/{approvalId}/links`) signed with this secret. @default links answer 501 `LINK_SECRET_MISSING`
   */
  decisionLinks?: DecisionLinkOptions;
  /**
   * Take Slack approval-button clicks at `POST /slack/actions` (a Slack app's Interactivity Request
   * URL), checked with the app's signing secret and decided as each Slack user's mapped name.
   * @default the route answers 501 `SLACK_NOT_CONFIGURED`
   */
  slack?: SlackActionsOptions;
  /** Aborting it ends every open event stream and pending `?wait=true` request (graceful shutdown). */
  signal?: AbortSignal;
  /** Called after each request (not for each streamed event). */
  onRequest?: (log: RequestLog) => void;
  /** Called with unexpected errors (the 5xx answers). @default console.error */
  onError?: (err: unknown) => void;
}

/**
 * Creates the HTTP API app over a connected client. Errors are `{ error: { code, message, issues? } }`
 * with the client's stable codes (`RUN_NOT_FOUND` → 404, refused decisions → 409, validation → 400).
 * @example
 * const app = createHttpApp(await HarnessClient.connect());
 * const res = await app.request('/runs', { method: 'POST', body: JSON.stringify({ input: 'Refund A-1001' }) });
 * // or: await listenHttp(app, { port: 8787 });
 */
export function createHttpApp(client: HarnessClient, options: HttpAppOptions = {}): Hono<GuardEnv> {
  const app = new Hono<GuardEnv>();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const onError = options.onError ?? ((err: unknown) => console.error(err));
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const runOf = (c: Context<GuardEnv>) => client.getRun(parseWith(idParam, c.req.param('id'), 'path'));

  app.onError((err, c) => {
    const httpError = toHttpError(err);
    if (httpError.status >= 500 && httpError.code !== 'SHUTTING_DOWN' && httpError.code !== 'LINK_SECRET_MISSING' && httpError.code !== 'SLACK_NOT_CONFIGURED') onError(err);
    return c.json(httpError.toBody(), httpError.status);
  });
  app.notFound((c) =>
    c.json(new HttpError(404, 'NOT_FOUND', `No route ${c.req.method} ${c.req.path}; see GET /openapi.json.`).toBody(), 404),
  );
  if (options.onRequest) {
    const log = options.onRequest;
    app.use(async (c, next) => {
      const start = performance.now();
      await next();
      const principal = c.get('principal')?.name;
      log({ method: c.req.method, path: redactLinkToken(c.req.path), status: c.res.status, ms: Math.round(performance.now() - start), ...(principal !== undefined && { principal }) });
    });
  }
  // Order matters: nothing past a refusal runs, so a refused request changes nothing.
  app.use(hostGuard(options.allowedHosts ?? LOOPBACK_HOSTS));
  app.use(originGuard(options.corsOrigins ?? []));
  if (options.corsOrigins?.length) {
    app.use(
      cors({ origin: [...options.corsOrigins], allowHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID', 'traceparent', 'tracestate'], exposeHeaders: ['Location'], maxAge: 600 }),
    );
  }
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) =>
        c.json(
          new HttpError(
            413,
            'PAYLOAD_TOO_LARGE',
            `The request body is over this server's limit of ${maxBodyBytes} bytes; send less (files by reference), or have its operator raise the limit.`,
          ).toBody(),
          413,
        ),
    }),
  );

  // A caller's W3C trace context continues into the runs and decisions this request makes.
  app.use((c, next) => withCallerTrace(traceCarrierOf(c.req.header('traceparent'), c.req.header('tracestate')), next));

  // Public: liveness probes and API docs need no credentials.
  app.get('/healthz', (c) => c.json({ status: 'ok', namespace: client.settings.namespace, taskQueue: client.settings.taskQueue }));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  if (options.webApp) registerWebApp(app, options.webApp === true ? WEB_APP_DIR : options.webApp);

  // A link is its own credential, and its page posts a form: before authentication and jsonOnly.
  registerLinkPageRoutes(app, client, options.decisionLinks, onError);
  // Slack posts form bodies and signs them: its signature is the credential.
  registerSlackActionsRoute(app, client, options.slack, onError);
  if (options.authenticate) app.use(authenticated(options.authenticate));
  // Before jsonOnly: the MCP transport checks its own media types (a DELETE ending a session has no body).
  if (options.mcp) registerMcpRoute(app, client, options.mcp, options.signal);
  app.use(jsonOnly());

  app.post('/runs', async (c) => {
    const body = await parseJsonBody(c, createRunBody);
    const created = await createRun(client, body, options.threadOptions);
    c.header('Location', `/runs/${encodeURIComponent(created.runId)}`);
    return c.json(created, 201);
  });

  app.get('/runs', async (c) => {
    const query = parseQuery(c, listRunsQuery);
    const runs = await client.listRuns({
      limit: query.limit,
      ...(query.state && { state: query.state }),
      ...(query.agentId && { agentId: query.agentId }),
    });
    return c.json({ runs });
  });

  app.get('/runs/:id', async (c) => c.json(await runOf(c).status()));

  app.get('/runs/:id/result', async (c) => {
    const run = runOf(c);
    const { wait } = parseQuery(c, resultQuery);
    if (wait === 'false') {
      const status = await run.status();
      if (!isTerminalRunState(status.state)) return c.json({ runId: run.runId, state: status.state }, 202);
    }
    return c.json(await untilAborted(run.result(), [c.req.raw.signal, options.signal]));
  });

  app.get('/runs/:id/transcript', async (c) => {
    const { offset, limit } = parseQuery(c, transcriptQuery);
    return c.json(await runOf(c).transcript({ offset, limit }));
  });

  // Only a blob this run references: access to a run is access to its contents, never to others'.
  app.get('/runs/:id/blobs/:blobId', async (c) => {
    const run = runOf(c);
    const ref = await run.contentRef(parseWith(blobIdParam, c.req.param('blobId'), 'path'));
    const bytes = await run.readContentBytes(ref);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': ref.mediaType,
      'X-Content-SHA256': ref.sha256,
      'Cache-Control': 'private, no-store',
    });
  });

  app.get('/approvals', async (c) => c.json({ approvals: await listPendingApprovals(client) }));
  app.get('/questions', async (c) => c.json({ questions: await listPendingQuestions(client) }));
  app.get('/tool-calls', async (c) => c.json({ toolCalls: await listPendingToolCalls(client) }));

  app.post('/runs/:id/approvals/:approvalId', async (c) => {
    const run = runOf(c);
    const approvalId = parseWith(idParam, c.req.param('approvalId'), 'path');
    const body = decisionAs(c.get('principal'), await parseJsonBody(c, decisionBody));
    const record = await run.decide({ approvalId, ...body }, { via: 'update' });
    return c.json(record ?? null);
  });

  app.post('/runs/:id/fork', async (c) => {
    const original = runOf(c).runId;
    const { runId, ...request } = await parseJsonBody(c, forkBody);
    // With authentication the principal decides, as for any decision: its name and roles are recorded.
    const { approver, approverRoles } = decisionAs(c.get('principal'), { decision: 'approve', ...request });
    const fork = await client.fork(original, {
      ...request,
      ...(approver !== undefined && { approver }),
      ...(approverRoles !== undefined && { approverRoles }),
      ...(runId !== undefined && { runId }),
    });
    c.header('Location', `/runs/${encodeURIComponent(fork.runId)}`);
    return c.json({ runId: fork.runId, forkOf: { runId: original, step: request.fromStep } }, 201);
  });

  app.post('/runs/:id/questions/:questionId', async (c) => {
    const run = runOf(c);
    const questionId = parseWith(idParam, c.req.param('questionId'), 'path');
    const body = await parseJsonBody(c, answerBody);
    const answeredBy = answererOf(c.get('principal'), body.answeredBy);
    return c.json(await run.answer(body.answer, { questionId, ...(answeredBy !== undefined && { answeredBy }) }));
  });

  app.post('/runs/:id/tool-calls/:toolCallId', async (c) => {
    const run = runOf(c);
    const toolCallId = parseWith(idParam, c.req.param('toolCallId'), 'path');
    const body = await parseJsonBody(c, toolResultBody);
    const suppliedBy = c.get('principal')?.name;
    return c.json(
      await run.supplyToolResult(toolCallId, body.result, { ...(body.isError !== undefined && { isError: body.isError }), ...(suppliedBy !== undefined && { suppliedBy }) }),
    );
  });

  app.get('/agents/:agentId/grants', async (c) => {
    const agentId = parseWith(idParam, c.req.param('agentId'), 'path');
    return c.json({ grants: await client.grants(agentId).list() });
  });

  app.post('/agents/:agentId/grants/:grantId/revoke', async (c) => {
    const agentId = parseWith(idParam, c.req.param('agentId'), 'path');
    const grantId = parseWith(idParam, c.req.param('grantId'), 'path');
    await parseJsonBody(c, cancelBody, { optional: true });
    const principal = c.get('principal');
    return c.json(await client.grants(agentId).revoke(grantId, principal ? { revokedBy: principal.name } : {}));
  });

  registerLinkMintRoute(app, client, options.decisionLinks);

  app.post('/runs/:id/cancel', async (c) => {
    const run = runOf(c);
    await parseJsonBody(c, cancelBody, { optional: true });
    // Temporal accepts a cancel request for a finished run too; say it changes nothing. A run
    // that does not answer (no worker) can still be cancelled: only RUN_NOT_FOUND stops here.
    const status = await run.status().catch((err: unknown) => {
      if (isHarnessError(err, 'RUN_NOT_FOUND')) throw err;
      return undefined;
    });
    if (status && isTerminalRunState(status.state)) {
      throw new HttpError(409, 'RUN_NOT_ACTIVE', `Run ${run.runId} is already ${status.state}; there is nothing to cancel.`);
    }
    await run.cancel();
    return c.json({ runId: run.runId, cancelRequested: true }, 202);
  });

  const streamOptions = {
    heartbeatMs,
    onError,
    ...(options.threadOptions && { threadOptions: options.threadOptions }),
    ...(options.signal && { shutdown: options.signal }),
  };
  registerChatRoutes(app, client, streamOptions);
  registerAgUiRoutes(app, client, streamOptions);

  app.get('/runs/:id/events', async (c) => {
    const run = runOf(c);
    const { from, named, live } = parseQuery(c, eventsQuery);
    const lastEventId = c.req.header('Last-Event-ID');
    // EventSource resends its original URL (with ?from) on reconnect: the header is the fresher.
    const fromOffset = lastEventId !== undefined ? Number(parseWith(lastEventIdHeader, lastEventId, 'header')) + 1 : (from ?? 0);
    const status = await run.status(); // 404 before the stream starts rather than an error event inside it.
    // Nothing left of a finished run: 204 is the one answer that stops EventSource reconnecting.
    if (isTerminalRunState(status.state) && !(await hasEventsFrom(run, fromOffset))) return c.body(null, 204);
    return streamRunEvents(c, run, { fromOffset, heartbeatMs, onError, named: named === 'true', live: live === 'true', ...(options.signal && { shutdown: options.signal }) });
  });

  return app;
}

/** What `POST /runs` answers. */
interface CreatedRun {
  runId: string;
  threadId?: string;
  /** Thread messages only: whether the run waits behind another run of the thread, and where. */
  queued?: boolean;
  position?: number;
}

async function createRun(client: HarnessClient, body: CreateRunBody, threadOptions: ThreadOptions | undefined): Promise<CreatedRun> {
  const { threadId, input, agentId, runId, context, state } = body;
  if (threadId === undefined) {
    const run = await client.startRun({
      input,
      ...(agentId !== undefined && { agentId }),
      ...(runId !== undefined && { runId }),
      ...(context !== undefined && { context }),
      ...(state !== undefined && { state }),
    });
    return { runId: run.runId };
  }
  const run = await client.thread(threadId, threadOptions).send(input, {
    agentId: agentId ?? 'auto',
    ...(runId !== undefined && { runId }),
    ...(context !== undefined && { context }),
  });
  return { runId: run.runId, threadId, queued: run.queued, position: run.position };
}

/** Whether a finished run has an event at `fromOffset` or after. */
async function hasEventsFrom(run: RunHandle, fromOffset: number): Promise<boolean> {
  const events = run.events({ fromOffset });
  try {
    return !(await events.next()).done;
  } finally {
    await events.return(undefined);
  }
}

/** `promise`, or a 503 once a signal aborts (client gone or server shutting down). */
async function untilAborted<T>(promise: Promise<T>, signals: (AbortSignal | undefined)[]): Promise<T> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  let onAbort!: () => void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new HttpError(503, 'SHUTTING_DOWN', 'The request was abandoned before the run finished; retry.'));
    for (const s of active) {
      if (s.aborted) onAbort();
      else s.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    for (const s of active) s.removeEventListener('abort', onAbort);
    promise.catch(() => {}); // Abandoned: its outcome no longer matters.
  }
}
