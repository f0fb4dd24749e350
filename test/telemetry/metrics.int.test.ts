/**
 * `harness worker --metrics-port`: one Prometheus endpoint with Temporal's SDK metrics and the
 * harness's own, scraped from a real worker process while a run asks for approval and completes.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, HarnessProcess } from '../support/cli.js';
import { eventually } from '../support/eventually.js';
import { connectClient, tempDir, temporalAddress, uniqueId, writeWorkspace } from '../support/harness.js';

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The summed value of every sample of `name` whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) total += Number(m[3]);
  }
  return total;
}

describe('worker metrics', () => {
  let worker: HarnessProcess | undefined;
  afterEach(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
  });

  it('serves SDK and harness series on /metrics, and they move with a run', async () => {
    const dir = tempDir();
    const workspace = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    pricing: { inputPerMillionTokens: 3, outputPerMillionTokens: 15 }
    script:
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(join(dir, 'effects.log'))}, label: refund } }]
          - text: "refunded"
agents:
  - id: support
    model: m
    tools: [record_effect]
    requireApproval: [record_effect]
`,
    );
    const taskQueue = uniqueId('tq');
    const port = await freePort();
    worker = new HarnessProcess(['worker', '--metrics-port', String(port)], cliEnv({ address: temporalAddress(), taskQueue, workspace }));
    await worker.waitForLine(/worker polling/, 80_000);
    const scrape = async () => {
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      return res?.ok ? res.text() : '';
    };

    // Before any run: the SDK's series are there, ours have counted nothing.
    const before = await eventually(scrape, (t) => t.includes('temporal_'), 'the endpoint to serve the SDK metrics');
    expect(sample(before, 'harness_runs_ended')).toBe(0);

    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'support', input: 'refund please' });
    await eventually(() => run.status(), (s) => s.state === 'waiting_for_approval', 'the run to wait for approval');
    // The visibility gauge sees the parked run (refreshed every 15 s).
    await eventually(scrape, (t) => sample(t, 'harness_runs', { state: 'waiting_for_approval', taskQueue }) === 1, 'harness_runs to count the waiting run', {
      timeoutMs: 40_000,
      intervalMs: 500,
    });

    await run.approve({ approver: 'alice' });
    await run.result();
    const text = await eventually(scrape, (t) => sample(t, 'harness_runs_ended', { state: 'completed', agent: 'support' }) === 1, 'a completed run counted');

    // Ours: tokens and cost by agent and model, model and tool latency, approval wait.
    expect(sample(text, 'harness_model_tokens', { agent: 'support', model: 'm', type: 'input' })).toBeGreaterThan(0);
    expect(sample(text, 'harness_model_tokens', { agent: 'support', model: 'm', type: 'output' })).toBeGreaterThan(0);
    expect(sample(text, 'harness_model_cost_usd_count', { agent: 'support', model: 'm' })).toBe(2);
    expect(sample(text, 'harness_model_cost_usd_sum', { agent: 'support', model: 'm' })).toBeGreaterThan(0);
    expect(sample(text, 'harness_model_latency_count', { agent: 'support', model: 'm', outcome: 'ok' })).toBe(2);
    expect(sample(text, 'harness_tool_latency_count', { agent: 'support', tool: 'record_effect', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'harness_approval_wait_count', { agent: 'support', tool: 'record_effect', decision: 'approve', via: 'update' })).toBe(1);
    // Temporal's own SDK metrics on the same endpoint.
    expect(sample(text, 'temporal_workflow_completed', { workflow_type: 'agentRun' })).toBe(1);
    await client.close();
  });
});
