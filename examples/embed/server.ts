/**
 * An app server that embeds the harness: one process runs a worker (with this app's tools) and
 * serves HTTP routes that start runs and decide approvals through the client. In production you
 * would usually run workers as separate processes (same code, without the HTTP part) and scale
 * them independently; nothing else changes.
 *
 *   POST /refunds {"message": "..."}   → 202 {"runId"}
 *   GET  /runs/:id                      → the run's status (state, pending approvals, output)
 *   POST /runs/:id/approve {"approver"} → approves every pending approval
 *   POST /runs/:id/reject {"reason"}    → rejects them
 *
 * Connection settings come from the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
 * TEMPORAL_API_KEY, TEMPORAL_TLS_*; HARNESS_TASK_QUEUE), the same for the worker and the client.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { HarnessClient, isHarnessClientError, type RunHandle } from 'temporal-harness/client';
import { createHarnessWorker } from 'temporal-harness/worker';

const WORKSPACE = fileURLToPath(new URL('./harness.yaml', import.meta.url));
const PORT = Number(process.env.PORT ?? 3000);

// The worker: loads the workspace and tools (refusing to start on a bad file), then polls.
const hw = await createHarnessWorker({ workspace: WORKSPACE });
const workerDone = hw.worker.run();

// The client: one per process, shared by every request handler.
const harness = await HarnessClient.connect({ knownAgents: [...hw.workspace.agents.keys()] });

const server = http.createServer((req, res) => {
  handle(req).then(
    ({ status, body }) => send(res, status, body),
    (e: unknown) =>
      isHarnessClientError(e)
        ? send(res, e.code === 'RUN_NOT_FOUND' ? 404 : 409, { error: e.code, message: e.message })
        : send(res, 500, { error: 'INTERNAL', message: String(e) }),
  );
});

async function handle(req: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, resource, id, action] = url.pathname.split('/');
  if (req.method === 'POST' && resource === 'refunds' && !id) {
    const { message } = (await readJson(req)) as { message?: string };
    const run = await harness.startRun({ agentId: 'support', input: message ?? 'Please refund order A-1001' });
    return { status: 202, body: { runId: run.runId } };
  }
  if (resource === 'runs' && id) {
    const run: RunHandle = harness.getRun(id);
    if (req.method === 'GET' && !action) return { status: 200, body: await run.status() };
    if (req.method === 'POST' && (action === 'approve' || action === 'reject')) {
      const { approver = 'anonymous', reason } = (await readJson(req)) as { approver?: string; reason?: string };
      const details = { approver, ...(reason && { reason }) };
      const record = action === 'approve' ? await run.approve(details) : await run.reject(details);
      return { status: 200, body: { decided: record ?? null } };
    }
  }
  return { status: 404, body: { error: 'NOT_FOUND' } };
}

server.listen(PORT, () => console.log(`listening on http://localhost:${PORT} (task queue ${hw.settings.taskQueue})`));

// Graceful shutdown (Kubernetes sends SIGTERM): stop taking requests, let the worker finish its
// in-flight model and tool calls (runs themselves live on in Temporal), then close connections.
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`${signal}: shutting down`);
    server.close();
    hw.worker.shutdown();
  });
}
await workerDone;
await Promise.all([harness.close(), hw.close()]);
console.log('stopped');

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? JSON.parse(text) : {};
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
