/**
 * The `harness` CLI end to end, spawned as a user would run it, against the test dev server and a
 * `harness worker` subprocess. Independent commands run concurrently: each spawn costs ~1 s of tsx.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HarnessClient } from '../../src/client/index.js';
import { RUN_STATES, type RunStatus } from '../../src/workflows/run/contract.js';
import { connectClient, temporalAddress, tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { cliEnv, harness, HarnessProcess, shellWords, type CliResult } from '../support/cli.js';

const dir = tempDir();
const effects = join(dir, 'effects.log');
const workspace = writeWorkspace(
  dir,
  `
models:
  m:
    provider: scripted
    script:
      - when: effect
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
      - turns:
          - text: hello
agents:
  - id: ops
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
defaultAgent: ops
`,
);
const taskQueue = uniqueId('cli-tq');
let env: NodeJS.ProcessEnv;
let client: HarnessClient;
let worker: HarnessProcess;

const effectLines = () => {
  try {
    return readFileSync(effects, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

/** A run parked on its record_effect approval (started through the client: faster than a spawn). */
async function parkedRun(): Promise<{ runId: string; approvalId: string; status: RunStatus }> {
  const run = await client.startRun({ agentId: 'ops', input: 'please do the effect' });
  const status = await run.waitFor((s) => s.state === 'waiting_for_approval');
  return { runId: run.runId, approvalId: status.pendingApprovals[0]!.approvalId, status };
}

function expectCleanError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack trace
}

beforeAll(async () => {
  env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
  client = await connectClient(taskQueue);
  worker = new HarnessProcess(['worker'], env);
  await worker.waitForLine(/worker polling task queue/);
});

afterAll(async () => {
  worker?.kill('SIGKILL');
  await client?.close();
});

describe('harness CLI', () => {
  it('worker prints one line once it polls, naming queue, address and agents', () => {
    const line = worker.stdout.split('\n').find((l) => l.includes('worker polling'))!;
    expect(line).toContain(taskQueue);
    expect(line).toContain(temporalAddress());
    expect(line).toContain('agents: ops');
    expect(line).toContain('(namespace default; plaintext)');
  });

  it('run prints only the run id; status shows the approval; approve decides it by update', async () => {
    const started = await harness(['run', 'please do the effect'], env);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/^run-[0-9a-f-]+\n$/);
    expect(started.stderr).toBe(''); // a worker polls: no warning
    const runId = started.stdout.trim();
    await client.getRun(runId).waitFor((s) => s.state === 'waiting_for_approval');

    const [json, human] = await Promise.all([harness(['status', runId, '--json'], env), harness(['status', runId], env)]);
    const status = JSON.parse(json.stdout) as RunStatus;
    expect(status).toMatchObject({ runId, agentId: 'ops', state: 'waiting_for_approval' });
    const approvalId = status.pendingApprovals[0]!.approvalId;
    expect(status.pendingApprovals[0]).toMatchObject({ toolName: 'record_effect', input: { label: 'refund', amount: 42 } });
    expect(human.stdout).toContain('waiting_for_approval');
    expect(human.stdout).toContain(`harness approve ${runId} --approval ${approvalId}`);
    expect(human.stdout).toContain(
      `temporal workflow signal --workflow-id ${runId} --name approvalDecision --input '{"approvalId":"${approvalId}","decision":"approve"}'`,
    );

    const approved = await harness(['approve', runId, '--by', 'alice', '--reason', 'customer verified'], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`${approvalId}  record_effect  approved by alice via update`);
    expect(approved.stdout).toContain('reason: customer verified');
    const done = await client.getRun(runId).waitFor((s) => s.state === 'completed');
    expect(done.output).toBe('final: recorded refund');

    // Visibility is eventually consistent: list again until the run is listed as completed.
    const listed = await eventually(
      async () => {
        const list = await harness(['list', '--state', 'completed', '--json'], env);
        expect(list.code, list.stderr).toBe(0);
        return JSON.parse(list.stdout) as Array<{ runId: string; state: string }>;
      },
      (runs) => runs.some((r) => r.runId === runId),
      `run ${runId} in \`harness list --state completed\``,
    );
    expect(listed.find((r) => r.runId === runId)).toMatchObject({ state: 'completed', agentId: 'ops' });
    const [table, finalStatus] = await Promise.all([
      harness(['list', '--state', 'completed', '--agent', 'ops'], env),
      harness(['status', runId], env),
    ]);
    expect(table.stdout).toMatch(/RUN ID\s+AGENT\s+STATE\s+STARTED/);
    expect(table.stdout).toMatch(new RegExp(`${runId}\\s+ops\\s+completed`));
    expect(finalStatus.stdout).toContain('approved by alice via update');
    expect(finalStatus.stdout).toContain('final: recorded refund');
  });

  it('transcript prints the messages by page; a big input shows as a preview with its blob id, --full and --blob print it whole', async () => {
    const input = `long ${'x'.repeat(20_000)}`;
    const run = await client.startRun({ agentId: 'ops', input });
    await run.result();
    const [json, full, human, page] = await Promise.all([
      harness(['transcript', run.runId, '--json'], env),
      harness(['transcript', run.runId, '--full', '--json'], env),
      harness(['transcript', run.runId], env),
      harness(['transcript', run.runId, '--offset', '1', '--limit', '1', '--json'], env),
    ]);
    expect(json.code, json.stderr).toBe(0);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number; role: string; content: string; contentRef?: { blobId: string; size: number } });
    expect(lines.map((l) => [l.index, l.role])).toEqual([[0, 'user'], [1, 'assistant']]);
    expect(lines[0]!.contentRef).toMatchObject({ size: input.length });
    expect(lines[0]!.content.length).toBeLessThan(2000);
    expect((JSON.parse(full.stdout.split('\n')[0]!) as { content: string }).content).toBe(input);
    expect(human.stdout).toContain(`#0 user [${input.length} bytes by reference: blob ${lines[0]!.contentRef!.blobId}]`);
    expect(page.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { index: number }).index)).toEqual([1]);
    const [blob, missing] = await Promise.all([
      harness(['transcript', run.runId, '--blob', lines[0]!.contentRef!.blobId], env),
      harness(['transcript', run.runId, '--blob', `sha256-${'0'.repeat(64)}`], env),
    ]);
    expect(blob.stdout).toBe(input);
    expectCleanError(missing, /^error \[CONTENT_NOT_FOUND\]: Run .* references no content with blob id/);
  });

  it('refuses bad decisions with their code, then applies a valid edit', async () => {
    const { runId, approvalId } = await parkedRun();
    const [badJson, badSchema, unknown] = await Promise.all([
      harness(['edit', runId, '--approval', approvalId, '--input', '{label: edited'], env),
      harness(['edit', runId, '--approval', approvalId, '--input', '{"file": 5, "label": "edited"}'], env),
      harness(['approve', runId, '--approval', 'call_nope'], env),
    ]);
    expectCleanError(badJson, /^error \[INVALID_JSON\]: --input is not valid JSON/);
    expectCleanError(badSchema, /^error \[INVALID_EDIT_INPUT\]: .*file/);
    expectCleanError(unknown, /^error \[UNKNOWN_APPROVAL\]: No pending approval "call_nope".*Pending approvals: /);

    const edited = await harness(
      ['edit', runId, '--approval', approvalId, '--input', JSON.stringify({ file: effects, label: 'edited', amount: 21 }), '--by', 'carol'],
      env,
    );
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain('edited by carol via update');
    await client.getRun(runId).waitFor((s) => s.state === 'completed');
    expect(effectLines()).toContain(`edited ${runId}:${approvalId}`);
  });

  it('reject --reason records who and why; --signal decides by signal', async () => {
    const [a, b] = await Promise.all([parkedRun(), parkedRun()]);
    const [rejected, signalled] = await Promise.all([
      harness(['reject', a.runId, '--reason', 'amount too high', '--by', 'bob'], env),
      harness(['approve', b.runId, '--signal', '--by', 'dan'], env),
    ]);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toContain('rejected by bob via update');
    expect(rejected.stdout).toContain('reason: amount too high');
    expect(signalled.code, signalled.stderr).toBe(0);
    expect(signalled.stdout).toContain('sent as signal');

    const doneA = await client.getRun(a.runId).waitFor((s) => s.state === 'completed');
    expect(doneA.output).toContain('Tool call rejected by bob: amount too high');
    const doneB = await client.getRun(b.runId).waitFor((s) => s.state === 'completed');
    expect(doneB.approvals[0]).toMatchObject({ decision: 'approve', approver: 'dan', via: 'signal' });
  });

  it('run --follow prints the approval and its commands, then the output', async () => {
    const follow = new HarnessProcess(['run', '--follow', 'please do the effect'], env);
    const approveLine = await follow.waitForLine(/approve: harness approve /);
    await follow.waitForLine(/waiting_for_approval/);
    expect(follow.stdout).toMatch(/signal: {2}\S*temporal workflow signal --workflow-id run-\S+ --name approvalDecision --input '\{"approvalId":/);
    // Run the printed command as is (minus the program name): it must decide the approval.
    const approve = await harness(shellWords(approveLine.replace(/^.*approve: harness /, '')), env);
    expect(approve.code, approve.stderr).toBe(0);
    expect(await follow.exited).toBe(0);
    expect(follow.stdout).toMatch(/completed/);
    expect(follow.stdout).toMatch(/Output:\n {2}final: recorded refund/);
  });

  it('cancel ends a waiting run as cancelled', async () => {
    const { runId } = await parkedRun();
    const cancelled = await harness(['cancel', runId], env);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toContain(`cancellation requested for ${runId}`);
    await client.getRun(runId).waitFor((s) => s.state === 'cancelled');
  });

  it('reports expected errors in one clear line, with a non-zero exit', async () => {
    const badDir = tempDir();
    const badWorkspace = join(badDir, 'harness.yaml');
    writeFileSync(badWorkspace, 'models:\n  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }\nagents:\n  - { id: a, model: m, tools: [nope] }\n');
    const [unknownAgent, notFound, badWorker, refused, badState] = await Promise.all([
      harness(['run', '--agent', 'nope', 'hello'], env),
      harness(['status', 'run-does-not-exist'], env),
      harness(['worker', '--workspace', badWorkspace], env),
      harness(['status', 'run-x', '--address', '127.0.0.1:1'], env),
      harness(['list', '--state', 'bogus'], env),
    ]);
    expectCleanError(unknownAgent, /^error \[UNKNOWN_AGENT\]: Unknown agent "nope"\. Known agents: ops\./);
    expect(unknownAgent.stdout).toBe('');
    expectCleanError(notFound, /^error \[RUN_NOT_FOUND\]: No run "run-does-not-exist"\. Check the id with `harness list`\./);
    expectCleanError(badWorker, /^error \[WORKSPACE_INVALID\]: Invalid workspace file .*harness\.yaml:\n {2}- agents\[0\]\.tools\[0\]: unknown tool "nope"/);
    expect(badWorker.stderr).toContain(badWorkspace);
    expect(badWorker.stdout).not.toContain('polling');
    expectCleanError(refused, /^error \[TEMPORAL_UNAVAILABLE\]: Cannot reach the Temporal server at 127\.0\.0\.1:1 \(connection refused\)\..*harness dev/);
    expectCleanError(badState, new RegExp(`argument 'bogus' is invalid\\. Allowed choices are ${RUN_STATES.join(', ')}\\.`));
  });

  it('--help lists the commands and each command has examples', async () => {
    const [top, approve] = await Promise.all([harness(['--help'], env), harness(['approve', '--help'], env)]);
    expect(top.code).toBe(0);
    for (const cmd of ['demo', 'dev', 'worker', 'run', 'status', 'approve', 'reject', 'edit', 'list', 'cancel', 'schedule']) {
      expect(top.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    }
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('--approval <id>');
    expect(approve.stdout).toContain('Examples:');
    expect(approve.stdout).not.toMatch(/\x1b\[/); // no colours when not a TTY
  });

  it('worker shuts down gracefully on SIGINT', async () => {
    worker.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(worker.stdout).toContain('worker stopped');
    expect(worker.stderr).not.toMatch(/^\s+at /m);
  });
});
