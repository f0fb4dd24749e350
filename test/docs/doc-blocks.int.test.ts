/**
 * The README, docs/*.md and each example's README run as written: every fenced block of them is run here, or is in
 * SKIPPED with the reason it cannot run on this machine. A failure names the file, the line of
 * the block, the heading above it and, for a shell block, the command that failed with its output.
 *
 * - Shell blocks (`bash`, `sh`) run command by command in bash, in the repo root, against this
 *   run's dev server (`TEMPORAL_ADDRESS`) and a task queue of the block's own, with the cached
 *   `temporal` CLI on PATH. A worker serves the block: `harness dev [--workspace W]` lines stand for
 *   it (the test starts a worker for W, default ./harness.yaml, instead of a second server), as
 *   does a block without one. `npx harness` runs this checkout's `bin/harness.mjs`, which is what
 *   `npx` resolves to here. Placeholders a person fills in are filled the same way: `<run>`,
 *   `<run-id>` with the run id `harness run` printed (or, in a block that starts none, a run of
 *   `support` parked on its refund approval), `<id>` with that run's pending approval id; like a
 *   person, the next command waits until the run it names has parked or ended.
 * - `yaml` blocks are checked against the workspace schema: a whole workspace as it is, a section
 *   (`agents:`, `memory:`…) inside a minimal workspace, an agent's keys (`requireApproval:`) inside
 *   an agent.
 * - `ts` blocks listed in RUN_TS run with `node --conditions=source --import tsx` (so
 *   `temporal-harness/*` imports resolve to this repo's sources), with the same server and worker;
 *   a block continuing an earlier one gets the `harness` client it uses from a one-line preamble.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { findTemporalBinary } from '../../src/devserver/temporal-binary.js';
import { createHarnessWorker, type HarnessWorker } from '../../src/worker/index.js';
import { agentSchema, workspaceSchema } from '../../src/workspace/schema.js';
import { parseWorkspaceText } from '../../src/workspace/load.js';
import { REPO_ROOT } from '../support/cli.js';
import { extractBlocks, shellCommands, where, type DocBlock } from '../support/doc-blocks.js';
import { temporalAddress, uniqueId } from '../support/harness.js';

const FILES = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  // The examples' READMEs are where people start too.
  ...readdirSync(join(REPO_ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && readdirSync(join(REPO_ROOT, 'examples', d.name)).includes('README.md'))
    .map((d) => `examples/${d.name}/README.md`),
];

/** Blocks that cannot run here, by file and the start of their first line, with the reason. */
const SKIPPED: { file: string; startsWith: string; reason: string }[] = [
  { file: 'README.md', startsWith: 'npm install && npm start', reason: 'installs and runs the whole suite (this test is part of it); the demo is test/cli/demo.int.test.ts' },
  { file: 'README.md', startsWith: 'client/CLI ──start──▶', reason: 'a diagram, not code' },
  { file: 'README.md', startsWith: "await harness.startRun({\n  input: 'Summarize the attached report'", reason: 'names ./big-report.csv, a file of the reader' },
  { file: 'README.md', startsWith: 'for await (const { offset, event } of run.events', reason: 'follows a run to its end: a fragment using `run` (the events API is test/events/*.int.test.ts)' },
  { file: 'README.md', startsWith: '// In a page of the API', reason: 'browser code; test/http/browser-sse.int.test.ts runs it in Chromium' },
  { file: 'README.md', startsWith: "import { useChat } from '@ai-sdk/react'", reason: 'React (not a dependency); test/http/chat.int.test.ts drives /api/chat with the `ai` package' },
  { file: 'README.md', startsWith: 'curl -s localhost:8787/runs', reason: 'needs `harness serve` on port 8787; the routes are test/http/*.int.test.ts' },
  { file: 'README.md', startsWith: 'export HARNESS_API_TOKENS=', reason: 'starts a server on 0.0.0.0 that runs until stopped; auth is test/http/auth.int.test.ts' },
  { file: 'README.md', startsWith: "import { apiTokensFromEnv, bearerTokens, createHttpApp } from 'temporal-harness/http'", reason: 'a fragment: `client` comes from the app' },
  { file: 'README.md', startsWith: 'HarnessRunState="waiting_for_approval"', reason: 'a Web UI filter; test/ui/web-ui.int.test.ts types it into the UI' },
  { file: 'README.md', startsWith: 'HARNESS_ENCRYPTION_KEY=… npx harness codec-server', reason: 'long-running servers and a key to fill in; the codec server is test/codec' },
  { file: 'README.md', startsWith: "await run.decide({ approvalId, decision: 'approve', approver: 'carol'", reason: 'a fragment: `run` and `approvalId` come from the Client example' },
  { file: 'README.md', startsWith: 'export HARNESS_SLACK_SIGNING_SECRET=', reason: 'needs a Slack app and a public server; the route is test/http/slack-actions.int.test.ts with signed clicks' },
  { file: 'README.md', startsWith: 'src/workflows   deterministic orchestration', reason: 'the source layout, not code' },
  { file: 'README.md', startsWith: '{ "mcpServers"', reason: "an MCP client's configuration file (Claude Desktop), not a command; test/mcp/agents-mcp-server.int.test.ts spawns `harness mcp` as a client does" },
  { file: 'README.md', startsWith: "import { HttpAgent } from '@ag-ui/client'", reason: 'needs `harness serve` on port 8787; test/http/ag-ui.int.test.ts drives the same calls with HttpAgent' },
  { file: 'README.md', startsWith: 'npx tsx examples/frontends/ag-ui-client.ts', reason: 'needs `harness serve` on port 8787; test/http/ag-ui.int.test.ts runs this example against its own server' },
  { file: 'README.md', startsWith: 'export HARNESS_LINK_SECRET=', reason: 'one shell session (an exported secret, a backgrounded `harness serve` on 8787); test/http/decision-links.int.test.ts mints, opens and uses links' },
  { file: 'README.md', startsWith: 'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 npx harness worker', reason: 'a worker that runs until stopped, exporting to a collector; test/telemetry/*.int.test.ts run it with a real OTLP receiver and scrape its metrics' },
  { file: 'docs/observability.md', startsWith: 'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 OTEL_SERVICE_NAME', reason: 'a worker that runs until stopped; test/telemetry/traces.int.test.ts runs it with a real OTLP receiver' },
  { file: 'docs/observability.md', startsWith: 'RunWorkflow:agentRun', reason: 'a span tree, not code' },
  { file: 'docs/observability.md', startsWith: "import { Runtime } from '@temporalio/worker'", reason: 'a worker that runs until SIGTERM; test/telemetry/metrics.int.test.ts covers the endpoint' },
  { file: 'docs/observability.md', startsWith: "curl -s http://localhost:9464/metrics", reason: 'needs a running worker with --metrics-port 9464; test/telemetry/metrics.int.test.ts scrapes one' },
  { file: 'docs/observability.md', startsWith: 'scrape_configs:', reason: 'Prometheus configuration, not a workspace' },
  { file: 'docs/embedding.md', startsWith: 'npm install temporal-harness', reason: 'installs the published package from the registry' },
  { file: 'docs/embedding.md', startsWith: "import { createHarnessWorker } from 'temporal-harness/worker'", reason: 'a worker that runs until SIGTERM; test/worker covers it' },
  { file: 'docs/embedding.md', startsWith: "import { HarnessClient, isHarnessClientError } from 'temporal-harness'", reason: 'a fragment of request handlers (`req`, `userId`, `user`)' },
  { file: 'docs/embedding.md', startsWith: 'npm run harness -- dev &', reason: 'backgrounds a dev server and the example app on port 3000' },
  { file: 'docs/embedding.md', startsWith: '# Temporal Cloud with an API key', reason: 'needs Temporal Cloud credentials' },
  { file: 'docs/production.md', startsWith: '$ TEMPORAL_ADDRESS=<namespace endpoint>', reason: 'sample output of a worker on Temporal Cloud' },
  { file: 'docs/production.md', startsWith: 'temporal operator search-attribute create --namespace <ns>', reason: 'for a self-hosted cluster; the dev server registers the attributes itself' },
  { file: 'docs/production.md', startsWith: 'npm run cluster', reason: 'builds and runs a multi-process cluster until Ctrl-C; `npm run test:cluster` covers it' },
  { file: 'docs/production.md', startsWith: 'TEMPORAL_ADDRESS=localhost:7233 npx harness run --follow', reason: 'docker compose: no Docker engine here; test/deploy checks the compose file' },
  { file: 'docs/production.md', startsWith: 'limit.blobSize.error:', reason: 'Temporal dynamic config, not a workspace; test/devserver/dynamic-config.test.ts checks the values' },
  { file: 'docs/security.md', startsWith: "import { createHttpApp, HttpError, type Authenticate }", reason: 'a fragment: `sessions` and `client` come from the app' },
  { file: 'docs/upgrading.md', startsWith: "import { patched } from '@temporalio/workflow'", reason: 'workflow-code sketch (patched() is only valid inside a workflow)' },
  { file: 'docs/upgrading.md', startsWith: '// src/workflows/patches.ts', reason: 'a hypothetical patch, described as such' },
];

/** TypeScript blocks that run, by file and the start of their first line; `preamble` supplies what an earlier block defined. */
const CLIENT_PREAMBLE = "import { HarnessClient } from 'temporal-harness/client';\nconst harness = await HarnessClient.connect();\n";
const RUN_TS: { file: string; startsWith: string; preamble?: string }[] = [
  { file: 'README.md', startsWith: "import { tool } from '@langchain/core/tools'" },
  { file: 'README.md', startsWith: "import { createHmac, timingSafeEqual } from 'node:crypto'" },
  { file: 'README.md', startsWith: "import { HarnessClient } from './src/client/index.js'" },
  { file: 'README.md', startsWith: "const thread = harness.thread('customer-42'", preamble: CLIENT_PREAMBLE },
  { file: 'README.md', startsWith: "await harness.schedules.create({ scheduleId: 'nightly-report'", preamble: CLIENT_PREAMBLE },
  { file: 'docs/embedding.md', startsWith: '// tools.ts' },
];

const blocks = FILES.flatMap((f) => extractBlocks(join(REPO_ROOT, f), REPO_ROOT));
const matches = (b: DocBlock, e: { file: string; startsWith: string }) => b.file === e.file && b.code.trimStart().startsWith(e.startsWith);
const skipOf = (b: DocBlock) => SKIPPED.find((e) => matches(b, e));
const tsRunOf = (b: DocBlock) => RUN_TS.find((e) => matches(b, e));
const name = (b: DocBlock) => `${b.file}:${b.line} ${b.lang || 'text'} ${JSON.stringify(b.code.trim().split('\n')[0]!.slice(0, 60))}`;

const RUN_PLACEHOLDERS = /<run>|<run-id>|<runId>/g;
const hasRunPlaceholder = (command: string) => /<run>|<run-id>|<runId>/.test(command);
const COMMAND_TIMEOUT_MS = 90_000;

let address: string;
let temporalDir: string;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  address = temporalAddress();
  const temporal = await findTemporalBinary();
  if (!temporal) throw new Error('no temporal CLI binary (run `node bin/ensure-temporal.mjs`)');
  temporalDir = dirname(temporal);
});

afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  rmSync(join(REPO_ROOT, '.doc-blocks'), { recursive: true, force: true });
});

describe('README and docs', () => {
  it('every block is run here or skipped with a reason, and every skip names a block', () => {
    const unplanned = blocks.filter((b) => !['bash', 'sh', 'yaml'].includes(b.lang) && !skipOf(b) && !tsRunOf(b));
    expect(unplanned.map(where), 'blocks with no way to run: add them to RUN_TS, or to SKIPPED with the reason').toEqual([]);
    const stale = [...SKIPPED, ...RUN_TS].filter((e) => !blocks.some((b) => matches(b, e)));
    expect(stale, 'entries that match no block any more (the doc changed): update or remove them').toEqual([]);
  });

  const yamlBlocks = blocks.filter((b) => b.lang === 'yaml' && !skipOf(b));
  it.each(yamlBlocks.map((b) => [name(b), b] as const))('yaml %s fits the workspace schema', (_n, block) => {
    checkWorkspaceYaml(block);
  });

  const shellBlocks = blocks.filter((b) => (b.lang === 'bash' || b.lang === 'sh') && !skipOf(b));
  it.each(shellBlocks.map((b) => [name(b), b] as const))('shell %s runs as written', async (_n, block) => {
    await runShellBlock(block);
  }, 300_000);

  const tsBlocks = blocks.filter((b) => tsRunOf(b));
  it.each(tsBlocks.map((b) => [name(b), b] as const))('ts %s runs as written', async (_n, block) => {
    const { taskQueue } = await serveBlock('harness.yaml');
    await runTsBlock(block, tsRunOf(block)!.preamble ?? '', taskQueue);
  }, 180_000);
});

// YAML ---------------------------------------------------------------------------------------

const WORKSPACE_KEYS = Object.keys(workspaceSchema.shape);
const AGENT_KEYS = Object.keys(agentSchema.shape);
const BASE = { models: { m: { provider: 'scripted', script: [{ turns: [{ text: 'ok' }] }] } }, agents: [{ id: 'doc-agent', model: 'm' }] };

function checkWorkspaceYaml(block: DocBlock): void {
  let doc: unknown;
  try {
    doc = parseYaml(block.code);
  } catch (e) {
    throw new Error(`${where(block)}: not valid YAML: ${(e as Error).message}`);
  }
  const keys = Object.keys((doc ?? {}) as object);
  let workspace: Record<string, unknown>;
  if (keys.every((k) => WORKSPACE_KEYS.includes(k))) workspace = { ...BASE, ...(doc as object) };
  else if (AGENT_KEYS.length && keys.every((k) => AGENT_KEYS.includes(k))) workspace = { ...BASE, agents: [{ ...BASE.agents[0], ...(doc as object) }] };
  else throw new Error(`${where(block)}: top-level keys ${keys.join(', ')} are neither workspace nor agent keys; fix the block or skip it with a reason`);
  try {
    parseWorkspaceText(JSON.stringify(workspace), `${block.file}:${block.line}`);
  } catch (e) {
    const issues = (e as { issues?: { path: string; message: string }[] }).issues ?? [];
    const listed = issues.map((i) => `  ${i.path || '(top)'}: ${i.message}`).join('\n');
    throw new Error(`${where(block)} does not fit the workspace schema:\n${listed || (e as Error).message}`, { cause: e });
  }
}

// Shell --------------------------------------------------------------------------------------

interface Served {
  taskQueue: string;
  client: HarnessClient;
}

/** A worker for `workspace` on a task queue of its own, and a client for it (closed after all tests). */
async function serveBlock(workspace: string): Promise<Served> {
  const taskQueue = uniqueId('docs');
  const worker: HarnessWorker = await createHarnessWorker({
    workspace: join(REPO_ROOT, workspace),
    address,
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.worker.run();
  const client = await HarnessClient.connect({ address, taskQueue });
  cleanup.push(async () => {
    await client.close();
    worker.worker.shutdown();
    await running;
    await worker.close();
  });
  return { taskQueue, client };
}

async function runShellBlock(block: DocBlock): Promise<void> {
  const commands = shellCommands(block.code);
  const dev = commands.map((c) => /^(?:npx )?harness dev\b(.*)$/.exec(c)).find(Boolean);
  // An example's README speaks of that example's workspace; the others of ./harness.yaml.
  const example = /^examples\/[^/]+\//.exec(block.file)?.[0];
  const workspace = dev ? (/--workspace\s+(\S+)/.exec(dev[1]!)?.[1] ?? 'harness.yaml') : example ? `${example}harness.yaml` : 'harness.yaml';
  const { taskQueue, client } = await serveBlock(workspace);
  const env = shellEnv(taskQueue);
  let runId: string | undefined;
  // A block that decides a run it did not start decides one parked on a refund (routed as a person's would be).
  if (!commands.some(isHarnessRun) && commands.some((c) => hasRunPlaceholder(c) || c.includes('<id>'))) {
    const run = await client.startRun({ input: 'Please refund order A-1001' });
    runId = run.runId;
  }
  const schedules: string[] = [];
  try {
    const lastRun = await runCommands(block, commands, client, env, runId, schedules);
    // A decision the run refused (a signal's wrong id or approver) exits 0 but did nothing.
    if (lastRun) {
      const { ignoredDecisions } = await client.getRun(lastRun).status();
      expect(ignoredDecisions.map((d) => d.reason), `${where(block)}: decisions run ${lastRun} refused`).toEqual([]);
    }
  } finally {
    // Schedules are namespace-wide: leave none behind for the next block or test file.
    for (const id of schedules) await client.schedules.delete(id).catch(() => undefined);
  }
}

/** Runs the block's commands in order; returns the id of the last run they worked on. */
async function runCommands(
  block: DocBlock,
  commands: string[],
  client: HarnessClient,
  env: NodeJS.ProcessEnv,
  startedRunId: string | undefined,
  schedules: string[],
): Promise<string | undefined> {
  let runId = startedRunId;
  let approvalId: string | undefined;
  const following: { i: number; command: string; done: Promise<ShellResult> }[] = [];
  for (const [i, command] of commands.entries()) {
    if (/^(?:npx )?harness dev\b/.test(command)) continue; // the worker above stands for it
    if (runId) {
      const parked = await client.getRun(runId).waitFor((s) => s.state !== 'starting' && s.state !== 'running' && s.state !== 'queued', { timeoutMs: 60_000 });
      approvalId = parked.pendingApprovals[0]?.approvalId;
    }
    const filled = fill(command, runId, approvalId, block, i);
    if (isHarnessRun(command) && /--follow|-f\b/.test(command)) {
      // Followed in "another terminal": it runs on while the next commands decide the run.
      const followed = bashInBackground(filled, env);
      runId = await followed.runId.catch((e: Error) => {
        throw new Error(`${where(block)}: command ${i + 1} printed no run id:\n  $ ${command}\n${e.message}`);
      });
      following.push({ i, command, done: followed.done });
      continue;
    }
    const result = await bash(filled, env);
    if (result.code !== 0) {
      throw new Error(
        `${where(block)}: command ${i + 1} of ${commands.length} failed (exit ${result.code}):\n  $ ${command}\n` +
          (filled !== command ? `  (run as: ${filled})\n` : '') +
          `stdout:\n${tail(result.stdout)}\nstderr:\n${tail(result.stderr)}`,
      );
    }
    if (isHarnessRun(command) && !/--follow|-f\b/.test(command)) runId = result.stdout.trim().split('\n').at(-1);
    const created = /harness schedule create (\S+)/.exec(command)?.[1];
    if (created) schedules.push(created);
  }
  for (const f of following) {
    const result = await f.done;
    if (result.code !== 0) {
      throw new Error(
        `${where(block)}: command ${f.i + 1} (followed while the others ran) failed (exit ${result.code}):\n  $ ${f.command}\n` +
          `stdout:\n${tail(result.stdout)}\nstderr:\n${tail(result.stderr)}`,
      );
    }
  }
  return runId;
}

function isHarnessRun(command: string): boolean {
  return /^(?:\S+=\S+ )*(?:npx )?harness run\b/.test(command);
}

function fill(command: string, runId: string | undefined, approvalId: string | undefined, block: DocBlock, i: number): string {
  if (hasRunPlaceholder(command) && !runId) throw new Error(`${where(block)}: command ${i + 1} names a run (<run>) but no run was started before it`);
  if (command.includes('<id>') && !approvalId) throw new Error(`${where(block)}: command ${i + 1} names an approval (<id>) but the run has none pending`);
  return command.replace(RUN_PLACEHOLDERS, runId ?? '').replaceAll('<id>', approvalId ?? '');
}

function shellEnv(taskQueue: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: '1',
    TEMPORAL_ADDRESS: address,
    HARNESS_TASK_QUEUE: taskQueue,
    PATH: `${temporalDir}:${process.env.PATH ?? ''}`,
  };
  delete env.HARNESS_WORKSPACE;
  return env;
}

/** `npx harness` and `harness` both run this checkout's CLI (npx would resolve the same bin, slower). */
const PRELUDE = `harness() { node ${JSON.stringify(join(REPO_ROOT, 'bin/harness.mjs'))} "$@"; }
npx() { if [ "$1" = harness ]; then shift; harness "$@"; else command npx "$@"; fi; }
`;

interface ShellResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A `harness run --follow` left running: its run id (from `<id> started: …`) and its end. */
function bashInBackground(command: string, env: NodeJS.ProcessEnv): { runId: Promise<string>; done: Promise<ShellResult> } {
  let stdout = '';
  let found: (id: string) => void = () => undefined;
  const runId = new Promise<string>((resolve, reject) => {
    found = resolve;
    setTimeout(() => reject(new Error(`no "<run id> started" line within 60 s; output so far:\n${tail(stdout)}`)), 60_000).unref();
  });
  const done = bash(command, env, (chunk) => {
    stdout += chunk;
    const id = /^(\S+) started: /m.exec(stdout)?.[1];
    if (id) found(id);
  });
  return { runId, done };
}

function bash(command: string, env: NodeJS.ProcessEnv, onStdout?: (chunk: string) => void): Promise<ShellResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${PRELUDE}${command}`], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      onStdout?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, stdout, stderr: `${stderr}\n(killed: no exit within ${COMMAND_TIMEOUT_MS} ms)` });
    }, COMMAND_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function tail(text: string, lines = 25): string {
  const all = text.trimEnd().split('\n');
  return (all.length > lines ? ['…', ...all.slice(-lines)] : all).map((l) => `    ${l}`).join('\n');
}

// TypeScript ---------------------------------------------------------------------------------

async function runTsBlock(block: DocBlock, preamble: string, taskQueue: string): Promise<void> {
  const dir = join(REPO_ROOT, '.doc-blocks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${block.file.replace(/[/.]/g, '_')}_${block.line}.ts`);
  // The block imports `./src/…` as if it sat in the repo root; it sits one directory down.
  writeFileSync(file, `${preamble}${block.code.replaceAll("from './src/", "from '../src/")}\nprocess.exit(0);\n`);
  const result = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
      cwd: REPO_ROOT,
      env: shellEnv(taskQueue),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
  if (result.code !== 0) throw new Error(`${where(block)} failed (exit ${result.code}):\n${tail(result.out, 40)}`);
}
