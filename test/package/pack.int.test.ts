/**
 * The packed package works from outside this repo: `npm pack` → install the tarball into a fresh
 * project → that project's own workspace and TypeScript tools module, a worker created in-process
 * with `temporal-harness/worker` under plain Node (no tsx on the command line), and a run with an
 * approval started and approved with `temporal-harness/client`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { tempDir, uniqueId } from '../support/harness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const execFileAsync = promisify(execFile);

/**
 * Runs npm, failing with its output; returns stdout. Asynchronous: a build or an install takes
 * tens of seconds, and a blocked event loop would stall the vitest worker's messages to the runner.
 */
async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await execFileAsync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

/** Runs a script of the temp project under plain Node and resolves with its stdout. */
function runNode(cwd: string, script: string, env: Record<string, string>): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, [script], { cwd, env: { ...process.env, ...env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<string>((resolve, reject) =>
    child.on('exit', (code, signal) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited ${code ?? signal}\n${stdout}\n${stderr}`)),
    ),
  );
  return { child, done };
}

const WORKSPACE = `
version: 1
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: issue_refund, args: { orderId: A-1001, amount: 42 } }]
          - text: "Done. {{lastToolResult}}"
tools:
  module: ./tools.ts
agents:
  - id: support
    model: m
    tools: [issue_refund, lookup_order]
    requireApproval: [issue_refund]
`;

// A TypeScript tools module importing a sibling the TS-ESM way (./orders.js → orders.ts), plus
// the package's own helper and types.
const TOOLS_TS = `
import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import { toolResult, type ToolRunContext } from 'temporal-harness/tools';
import { refundLine } from './orders.js';

type Ctx = ToolRunContext | undefined;
const ctxNote = (_c: Ctx): string => '';

export const issueRefund = tool(async ({ orderId, amount }) => toolResult(refundLine(orderId, amount) + ctxNote(undefined), { state: { refunded: orderId } }), {
  name: 'issue_refund',
  description: 'Refund an order.',
  schema: z.object({ orderId: z.string(), amount: z.number() }),
});

export const lookupOrder = tool(async ({ orderId }: { orderId: string }) => \`order \${orderId}: shipped\`, {
  name: 'lookup_order',
  description: 'Look up an order.',
  schema: z.object({ orderId: z.string() }),
});
`;
const ORDERS_TS = `export const refundLine = (orderId: string, amount: number): string => \`refunded \${amount} on \${orderId}\`;\n`;

const WORKER_MJS = `
import { createHarnessWorker } from 'temporal-harness/worker';
const hw = await createHarnessWorker({ workspace: './harness.yaml' });
process.on('SIGTERM', () => hw.worker.shutdown());
console.log('worker ready');
await hw.worker.run();
await hw.close();
console.log('worker stopped');
`;

const CLIENT_MJS = `
import { HarnessClient } from 'temporal-harness/client';
import { HarnessClientError } from 'temporal-harness';
const harness = await HarnessClient.connect();
const run = await harness.startRun({ agentId: 'support', input: 'Refund order A-1001' });
const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
await run.approve({ approver: 'alice' });
const result = await run.result();
await harness.close();
console.log(JSON.stringify({ pending: parked.pendingApprovals.map((p) => p.toolName), result, errorClass: typeof HarnessClientError }));
`;

describe('packed package', () => {
  const children: ChildProcess[] = [];
  afterAll(() => children.forEach((c) => c.exitCode === null && c.kill('SIGKILL')));

  it('installs into a fresh project whose own worker and client run an agent with an approval', async ({ onTestFailed }) => {
    const timings: Record<string, number> = {};
    // Where the time went matters when the test times out or fails, not in a passing run.
    onTestFailed(() => console.error('package check timings (ms):', timings));
    const time = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
      const t0 = Date.now();
      try {
        return await f();
      } finally {
        timings[label] = Date.now() - t0;
      }
    };
    const dir = tempDir();
    const packDir = join(dir, 'pack');
    const app = join(dir, 'app');
    mkdirSync(packDir);
    mkdirSync(app);

    await time('build', () => npm(['run', 'build'], ROOT));
    // --ignore-scripts: `prepare` (the dev-server binary check) is for clones, not for packing.
    await time('pack', () => npm(['pack', '--ignore-scripts', '--pack-destination', packDir], ROOT));
    const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);

    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'embed-check', private: true, type: 'module' }));
    await time('install', () => npm(['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], app));
    writeFileSync(join(app, 'harness.yaml'), WORKSPACE);
    writeFileSync(join(app, 'tools.ts'), TOOLS_TS);
    writeFileSync(join(app, 'orders.ts'), ORDERS_TS);
    writeFileSync(join(app, 'worker.mjs'), WORKER_MJS);
    writeFileSync(join(app, 'client.mjs'), CLIENT_MJS);

    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), HARNESS_TASK_QUEUE: uniqueId('pack') };
    const t0 = Date.now();
    const worker = runNode(app, 'worker.mjs', env);
    children.push(worker.child);
    const client = runNode(app, 'client.mjs', env);
    children.push(client.child);
    const out = JSON.parse((await client.done).trim().split('\n').at(-1)!) as {
      pending: string[];
      result: { output?: string; agentState?: Record<string, unknown> };
      errorClass: string;
    };
    timings['run'] = Date.now() - t0;
    worker.child.kill('SIGTERM');
    expect(await worker.done).toContain('worker stopped');

    expect(out.pending).toEqual(['issue_refund']);
    expect(out.result).toMatchObject({ output: 'Done. refunded 42 on A-1001', agentState: { refunded: 'A-1001' } });
    expect(out.errorClass).toBe('function');
  }, 240_000);
});
