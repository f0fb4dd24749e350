/**
 * The caller's trace context reaches the run: a run started (and a decision sent) inside a caller's
 * span, by the TypeScript client with an OpenTelemetry context or over HTTP with a W3C
 * `traceparent`, is exported by a tracing worker (its own process, a real OTLP receiver) under that
 * span, in the caller's trace. A malformed `traceparent` changes nothing but the trace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessClient, RunHandle } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';
import { eventually } from '../support/eventually.js';
import { connectClient, tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

const hex = (chars: number) => Array.from({ length: chars }, () => Math.floor(Math.random() * 16).toString(16)).join('');
const callerSpan = () => ({ traceId: hex(32), spanId: hex(16), traceFlags: TraceFlags.SAMPLED });
const traceparentOf = (s: { traceId: string; spanId: string }) => `00-${s.traceId}-${s.spanId}-01`;

function workspace(dir: string): string {
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: ^refund
        turns:
          - toolCalls: [{ name: echo, args: { text: A-1 } }]
          - text: "refunded"
      - turns:
          - text: "hello"
agents:
  - id: support
    model: m
    tools: [echo]
    requireApproval: [echo]
`,
  );
}

describe('trace context from the caller', () => {
  let receiver: OtlpReceiver;
  let worker: WorkerProcess;
  let client: HarnessClient;
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const bundle = await bundleHarnessWorkflows({ tracing: true });
    const bundlePath = join(tempDir(), 'tracing-bundle.js');
    writeFileSync(bundlePath, bundle.code);
    const taskQueue = uniqueId('tq-trace');
    worker = await spawnWorker(workspace(tempDir()), taskQueue, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'trace-context-worker', OTEL_BSP_SCHEDULE_DELAY: '50' },
      bundlePath,
    });
    client = await connectClient(taskQueue);
    context.setGlobalContextManager(contextManager.enable());
  }, 120_000);
  afterAll(async () => {
    context.disable();
    await client?.close();
    await worker?.kill();
    await receiver?.close();
  });

  const spanNamed = (name: string, runId: string) =>
    eventually(
      () => receiver.spans.find((s) => s.name === name && spansOfRun(runId).includes(s)),
      (s): s is ReceivedSpan => s !== undefined,
      `span ${name} of ${runId}`,
    ) as Promise<ReceivedSpan>;
  /** Spans of one run: the trace its `invoke_agent` span is in. */
  const spansOfRun = (runId: string) => {
    const invoke = receiver.spans.find((s) => s.name.startsWith('invoke_agent') && s.attributes['harness.run.id'] === runId);
    return invoke === undefined ? [] : receiver.spans.filter((s) => s.traceId === invoke.traceId);
  };
  const pendingApproval = (run: RunHandle) =>
    eventually(
      async () => (await run.status()).pendingApprovals[0]?.approvalId,
      (id): id is string => id !== undefined,
      'the approval requested',
    ) as Promise<string>;

  it('a run started and decided by the client inside the caller spans: its workflow and decision spans are their children', async () => {
    const started = callerSpan();
    const run = await context.with(trace.setSpanContext(ROOT_CONTEXT, started), () => client.startRun({ agentId: 'support', input: 'refund A-1' }));
    const approvalId = await pendingApproval(run);
    const deciding = { ...callerSpan(), traceId: started.traceId };
    await context.with(trace.setSpanContext(ROOT_CONTEXT, deciding), () => run.approve({ approvalId, approver: 'alice' }));
    expect(await run.result()).toMatchObject({ output: 'refunded' });

    expect((await run.status()).traceId).toBe(started.traceId);
    const workflow = await spanNamed('RunWorkflow:agentRun', run.runId);
    expect(workflow).toMatchObject({ traceId: started.traceId, parentSpanId: started.spanId });
    const decision = await spanNamed('HandleUpdate:decideApproval', run.runId);
    expect(decision).toMatchObject({ traceId: started.traceId, parentSpanId: deciding.spanId });
    await spanNamed('invoke_agent support', run.runId);
  });

  it('over HTTP: POST /runs and the decision with a traceparent continue the caller trace; a malformed one starts the run in its own', async () => {
    const app = createHttpApp(client);
    const started = callerSpan();
    const res = await app.request('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparentOf(started), tracestate: 'vendor=1' },
      body: JSON.stringify({ agentId: 'support', input: 'refund A-1' }),
    });
    expect(res.status).toBe(201);
    const run = client.getRun(((await res.json()) as { runId: string }).runId);
    const approvalId = await pendingApproval(run);
    const deciding = { ...callerSpan(), traceId: started.traceId };
    const decided = await app.request(`/runs/${run.runId}/approvals/${approvalId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparentOf(deciding) },
      body: JSON.stringify({ decision: 'approve', approver: 'bob' }),
    });
    expect(decided.status).toBe(200);
    await run.result();
    expect(await spanNamed('RunWorkflow:agentRun', run.runId)).toMatchObject({ traceId: started.traceId, parentSpanId: started.spanId });
    expect(await spanNamed('HandleUpdate:decideApproval', run.runId)).toMatchObject({ traceId: started.traceId, parentSpanId: deciding.spanId });

    const bad = await app.request('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${'0'.repeat(32)}-${hex(16)}-01` },
      body: JSON.stringify({ agentId: 'support', input: 'hi' }),
    });
    expect(bad.status).toBe(201);
    const plain = client.getRun(((await bad.json()) as { runId: string }).runId);
    expect(await plain.result()).toMatchObject({ output: 'hello' });
    const own = await spanNamed('RunWorkflow:agentRun', plain.runId);
    expect(own.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(own.traceId).not.toBe('0'.repeat(32));
    expect(own.parentSpanId).toBeUndefined();
  });
});
