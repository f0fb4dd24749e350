/**
 * Traces end to end: workers in their own processes export OTLP/HTTP to a real receiver in this
 * test; the run has a sub-agent, a tool behind an approval, and a model call that is retried
 * because its worker is SIGKILLed mid-stream. The span tree must hold across the kill (workflow
 * span ids are replayed, not re-drawn) and no span may arrive twice.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleHarnessWorkflows } from '../../src/worker/bundle.js';
import { eventually } from '../support/eventually.js';
import { connectClient, tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';
import { eventReader } from '../support/event-reader.js';

const FINAL = 'support is done now with every single step of this request handled';

function workspace(dir: string, effects: string): string {
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    streamDelay: 250ms
    script:
      - when: ^billing job
        turns:
          - text: "billing ok"
      - when: ^support
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund } }, { name: billing, args: { input: billing job } }]
          - text: "${FINAL}"
agents:
  - id: support
    model: m
    tools: [record_effect]
    subAgents: [billing]
    requireApproval: [record_effect]
  - id: billing
    model: m
limits:
  heartbeatTimeout: 3s
  modelRetry: { initialInterval: 10ms }
`,
  );
}

describe('traces', () => {
  let receiver: OtlpReceiver;
  let bundlePath: string;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const bundle = await bundleHarnessWorkflows({ tracing: true });
    bundlePath = join(tempDir(), 'tracing-bundle.js');
    writeFileSync(bundlePath, bundle.code);
  }, 120_000);
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.kill();
  });
  afterAll(async () => receiver?.close());

  const tracingEnv = () => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_SERVICE_NAME: 'harness-test-worker',
    // Spans leave the worker within 50 ms, so the ones that ended before the SIGKILL are out.
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });

  it('one trace per run across a worker SIGKILL: GenAI spans, sub-agent and approval, no duplicates', async () => {
    const dir = tempDir();
    const file = workspace(dir, join(dir, 'effects.log'));
    const taskQueue = uniqueId('tq');
    const first = await spawnWorker(file, taskQueue, { env: tracingEnv(), bundlePath });
    workers.push(first);
    const client = await connectClient(taskQueue);
    const threadId = uniqueId('thread');
    const run = await client.startRun({ agentId: 'support', input: 'support request', threadId });

    const { events, readUntil } = eventReader(run);
    await readUntil((e) => e.type === 'approval.requested');
    await run.approve({ approver: 'alice' });
    // Step 2 streams its answer: wait until the tool spans that ended before it reached the receiver, then crash.
    await readUntil((e) => e.type === 'output.delta' && e.step === 2);
    await eventually(
      () => receiver.spans.filter((s) => s.name.startsWith('execute_tool ')).length,
      (n) => n === 2,
      'both execute_tool spans exported by the first worker',
    );
    await first.kill();

    const second = await spawnWorker(file, taskQueue, { env: tracingEnv(), bundlePath });
    workers.push(second);
    await readUntil((e) => e.type === 'run.completed');
    const status = await run.status();
    // A graceful stop flushes the second worker's spans.
    await new Promise<void>((resolve) => {
      second.child.once('exit', () => resolve());
      second.child.kill('SIGTERM');
    });

    const traceId = status.traceId!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(events[0]).toMatchObject({ type: 'run.created', traceId });

    const spans = receiver.spans.filter((s) => s.traceId === traceId);
    // Everything of the run, sub-agent included, is in the run's one trace.
    expect(receiver.spans.filter((s) => s.attributes['harness.run.id'] !== undefined && s.traceId !== traceId)).toEqual([]);
    // No span twice: replay on the second worker re-creates spans without exporting them again.
    const ids = spans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    // The tree holds across the kill: every parent is a span of the trace (the root has none).
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const orphans = spans.filter((s) => s.parentSpanId !== undefined && !byId.has(s.parentSpanId));
    expect(orphans.map((s) => s.name)).toEqual([]);
    const parentOf = (s: ReceivedSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const ancestors = (s: ReceivedSpan): string[] => {
      const names: string[] = [];
      for (let p = parentOf(s); p; p = parentOf(p)) names.push(p.name);
      return names;
    };
    const only = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0]!;
    };

    const support = only('invoke_agent support');
    expect(support.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support', 'gen_ai.conversation.id': threadId });
    expect(support.serviceName).toBe('harness-test-worker');

    const chats = spans.filter((s) => s.name === 'chat m');
    expect(chats).toHaveLength(3); // support's two steps, billing's one
    for (const chat of chats) {
      expect(chat.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
      expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    }

    const tool = only('execute_tool record_effect');
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'record_effect' });
    expect(tool.attributes['gen_ai.tool.call.id']).toEqual(expect.any(String));
    expect(ancestors(tool)[0]).toBe('invoke_agent support');

    const approval = only('await_approval record_effect');
    expect(approval.attributes).toMatchObject({
      'gen_ai.tool.call.id': tool.attributes['gen_ai.tool.call.id'],
      'harness.approval.decision': 'approve',
      'harness.approval.via': 'update',
      'harness.approval.approver': 'alice',
    });
    expect(approval.attributes['harness.approval.wait_ms']).toEqual(expect.any(Number));
    expect(parentOf(approval)?.name).toBe('invoke_agent support');

    // The sub-agent's run is a child of the tool call that started it.
    const billing = only('invoke_agent billing');
    expect(ancestors(billing)).toContain('execute_tool billing');
    expect(ancestors(billing)).toContain('invoke_agent support');

    // The retried model call: step 2's second attempt ran on the second worker under the same chat span.
    const step2 = chats.find((c) => c.attributes['harness.step'] === 2 && ancestors(c)[0] === 'invoke_agent support')!;
    const attempts = spans.filter((s) => s.name === 'RunActivity:callModel' && ancestors(s).includes(step2.name) && parentOf(parentOf(s)!)?.spanId === step2.spanId);
    expect(attempts.map((a) => a.attributes['temporal.activity.attempt'])).toContain(2);
    await client.close();
  });
});
