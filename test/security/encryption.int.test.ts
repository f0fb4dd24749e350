import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HarnessClient } from '../../src/client/index.js';
import { AesGcmPayloadCodec, CodecError, encryptingDataConverter, keyring } from '../../src/codec/index.js';
import { fileLines, tempDir, temporalAddress, withWorker, writeWorkspace } from '../support/harness.js';
import { cliEnv, harness } from '../support/cli.js';
import { encodingOf, keyIdOf, rawHistory, withHarnessWorker } from '../support/security.js';

const newKey = () => randomBytes(32).toString('base64');

/** Distinct markers for everything that must not appear in clear: prompt, tool input, tool output, context, reason. */
function markers() {
  const id = randomUUID().slice(0, 8);
  return {
    prompt: `PROMPT-${id}`,
    toolInput: `TOOLIN-${id}`,
    stateValue: `STATEVAL-${id}`,
    contextUser: `CTXUSER-${id}`,
    reason: `REASON-${id}`,
    approver: `APPROVER-${id}`,
  };
}
type Markers = ReturnType<typeof markers>;

/** An agent that asks to run `record_effect` (needs approval) and `note_state` (whose output shows the context). */
function workspaceFor(m: Markers, effects: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls:
              - { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: ${m.toolInput}, amount: 42 } }
              - { name: note_state, args: { key: note, value: ${m.stateValue} } }
          - text: "Done. {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect, note_state]
    requireApproval: [record_effect]
`,
  );
}

/** Starts the run, approves it with a reason, waits for the result. */
async function approvedRun(client: HarnessClient, m: Markers) {
  const run = await client.startRun({ agentId: 'payer', input: `Please refund order ${m.prompt}`, context: { user: m.contextUser } });
  await run.waitFor((s) => s.state === 'waiting_for_approval');
  await run.approve({ approver: m.approver, reason: m.reason });
  const result = await run.result();
  return { run, result, status: await run.status() };
}

const savedEnv = { ...process.env };
afterEach(() => {
  for (const k of ['HARNESS_ENCRYPTION_KEY', 'HARNESS_ENCRYPTION_KEY_ID', 'HARNESS_ENCRYPTION_KEYS']) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

describe('payload encryption', () => {
  it('with HARNESS_ENCRYPTION_KEY set, the stored history holds no plaintext; the run completes normally', async () => {
    const m = markers();
    const effects = join(tempDir(), 'effects.log');
    process.env.HARNESS_ENCRYPTION_KEY = newKey();
    process.env.HARNESS_ENCRYPTION_KEY_ID = 'test-2025';
    // No converter passed anywhere: createHarnessWorker and HarnessClient.connect read the env.
    const { run, result, status } = await withHarnessWorker(workspaceFor(m, effects), ({ client }) => approvedRun(client, m));

    // With the key, everything reads as usual.
    expect(result.output).toContain(`recorded ${m.toolInput}`);
    expect(result.output).toContain(`user=${m.contextUser}`);
    expect(status.approvals[0]).toMatchObject({ approver: m.approver, reason: m.reason, decision: 'approve' });
    expect(fileLines(effects)).toHaveLength(1);

    // Without it, the server's copy shows none of it.
    const raw = await rawHistory(run.runId);
    for (const [what, value] of Object.entries(m)) {
      expect(raw.text.includes(value), `${what} (${value}) appears in the raw history`).toBe(false);
    }
    // Every payload is encrypted with the configured key id, except search attributes (which the
    // server indexes, so they cannot be; ours hold agent id, run state, thread id) and the SDK's
    // own marker metadata (the patch id; a local activity's seq, attempt, type and times), written
    // by the SDK core below the data converter — a local activity's result is encrypted.
    const others = userPayloads(raw);
    expect(others.length).toBeGreaterThan(10);
    const notEncrypted = others.filter((p) => encodingOf(p.payload) !== 'binary/encrypted').map((p) => p.path);
    expect(notEncrypted).toEqual([]);
    // The run's plan (a local activity's result, recorded in a marker) is among the encrypted ones.
    expect(others.some((p) => /markerRecordedEventAttributes\.details\.result/.test(p.path))).toBe(true);
    expect(new Set(others.map((p) => keyIdOf(p.payload)))).toEqual(new Set(['test-2025']));
  });

  it('the CLI encrypts with the same env: approve by update, status reads; without the key it cannot', async () => {
    const m = markers();
    process.env.HARNESS_ENCRYPTION_KEY = newKey();
    const runId = await withHarnessWorker(workspaceFor(m, join(tempDir(), 'e.log')), async ({ client, taskQueue }) => {
      const run = await client.startRun({ agentId: 'payer', input: `refund ${m.prompt}` });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const env = cliEnv({ address: temporalAddress(), taskQueue });
      const approved = await harness(['approve', run.runId, '--by', m.approver, '--reason', m.reason], env);
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain(`approved by ${m.approver} via update`);
      await run.result();
      const status = await harness(['status', run.runId, '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ state: 'completed', approvals: [{ reason: m.reason }] });

      const { HARNESS_ENCRYPTION_KEY: _drop, ...noKey } = env;
      const blind = await harness(['status', run.runId, '--json'], noKey);
      expect(blind.code).toBe(1);
      expect(blind.stderr).toMatch(/error \[ENCRYPTION_KEY_REQUIRED\]: The data of run "run-[^"]+" is encrypted and no key is configured here/);
      expect(blind.stdout).not.toContain(m.reason);
      const bad = await harness(['status', run.runId], { ...env, HARNESS_ENCRYPTION_KEY: 'short' });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/error \[INVALID_ENCRYPTION_KEY\]: HARNESS_ENCRYPTION_KEY is not valid base64/);
      return run.runId;
    });
    const raw = await rawHistory(runId);
    expect(raw.text.includes(m.reason)).toBe(false);
    expect(raw.text.includes(m.approver)).toBe(false);
  });

  it('control: the same scan finds every marker in a run without a key', async () => {
    const m = markers();
    const effects = join(tempDir(), 'effects.log');
    const { run } = await withWorker(workspaceFor(m, effects), ({ client }) => approvedRun(client, m));
    const raw = await rawHistory(run.runId);
    for (const value of Object.values(m)) expect(raw.text).toContain(value);
  });

  it('key rotation: a run parked under k1 is finished by processes holding k2 (encrypting) and k1', async () => {
    const m = markers();
    const effects = join(tempDir(), 'effects.log');
    const ws = workspaceFor(m, effects);
    const k1 = newKey();
    const k2 = newKey();
    const before = encryptingDataConverter(keyring({ k1 }));
    const after = encryptingDataConverter(keyring({ k2, k1 }, 'k2'));

    const { runId, taskQueue, approvalId } = await withHarnessWorker(
      ws,
      async ({ client, taskQueue }) => {
        const run = await client.startRun({ agentId: 'payer', input: `refund ${m.prompt}` });
        const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
        return { runId: run.runId, taskQueue, approvalId: parked.pendingApprovals[0]!.approvalId };
      },
      { dataConverter: before },
    );
    // The k1 worker is gone; new worker and client rotated to k2 decide and finish the run.
    const result = await withHarnessWorker(
      ws,
      async ({ client }) => {
        const run = client.getRun(runId);
        // The approval id from before: no status query (it could wait on the stopped worker's sticky queue).
        await run.approve({ approvalId, approver: 'alice', reason: m.reason });
        return run.result();
      },
      { dataConverter: after, taskQueue },
    );
    expect(result.output).toContain(`recorded ${m.toolInput}`);

    const raw = await rawHistory(runId);
    const ids = userPayloads(raw).map((p) => keyIdOf(p.payload));
    expect(new Set(ids)).toEqual(new Set(['k1', 'k2']));
    // Workflow input was written under k1, the result under k2.
    expect(keyIdOf(raw.payloads.find((p) => p.path.includes('workflowExecutionStartedEventAttributes.input'))!.payload)).toBe('k1');
    expect(keyIdOf(raw.payloads.find((p) => p.path.includes('workflowExecutionCompletedEventAttributes.result'))!.payload)).toBe('k2');
    expect(raw.text.includes(m.reason)).toBe(false);

    // Dropping k1 too early: the k2 result still reads, the k1 input no longer does.
    const k2Only = await HarnessClient.connect({ address: temporalAddress(), dataConverter: encryptingDataConverter(keyring({ k2 })) });
    try {
      expect((await k2Only.getRun(runId).result()).output).toContain('Done.');
    } finally {
      await k2Only.close();
    }
    const startInput = raw.payloads.find((p) => p.path.includes('workflowExecutionStartedEventAttributes.input'))!.payload;
    await expect(new AesGcmPayloadCodec(keyring({ k2 })).decode([startInput])).rejects.toMatchObject({
      code: 'UNKNOWN_ENCRYPTION_KEY',
      message: expect.stringMatching(/key id "k1"/),
    });
  });

  it('a client without the key id a payload names gets a clear error naming it', async () => {
    const m = markers();
    const ring = keyring({ 'team-a': newKey() });
    const { run } = await withHarnessWorker(workspaceFor(m, join(tempDir(), 'e.log')), ({ client }) => approvedRun(client, m), {
      dataConverter: encryptingDataConverter(ring),
    });
    const stranger = await HarnessClient.connect({ address: temporalAddress(), dataConverter: encryptingDataConverter(keyring({ 'team-b': newKey() })) });
    try {
      const err = await stranger.getRun(run.runId).result().then(
        () => expect.unreachable('expected the result to be unreadable'),
        (e: unknown) => e,
      );
      const codecErr = findCause(err, (e): e is CodecError => e instanceof CodecError);
      expect(codecErr?.code).toBe('UNKNOWN_ENCRYPTION_KEY');
      expect(codecErr?.message).toMatch(/encrypted with key id "team-a", which this process does not have \(it has: team-b\)/);
    } finally {
      await stranger.close();
    }
  });

  it('a worker without the key a run was started with fails its workflow task, naming the key id', async () => {
    const m = markers();
    const clientConverter = encryptingDataConverter(keyring({ 'client-key': newKey() }));
    const workerConverter = encryptingDataConverter(keyring({ 'worker-key': newKey() }));
    await withHarnessWorker(
      workspaceFor(m, join(tempDir(), 'e.log')),
      async ({ client }) => {
        const run = await client.startRun({ agentId: 'payer', input: `refund ${m.prompt}` });
        try {
          // Failure messages are encrypted too (encodeCommonAttributes): the server sees a
          // placeholder, the worker's key holder reads the reason.
          await expect
            .poll(
              async () => {
                const raw = await rawHistory(run.runId);
                const failure = raw.events.find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes?.failure;
                if (!failure?.encodedAttributes) return '';
                expect(failure.message).toBe('Encoded failure');
                const [plain] = await workerConverter.payloadCodecs![0]!.decode([failure.encodedAttributes]);
                return (JSON.parse(Buffer.from(plain!.data!).toString()) as { message: string }).message;
              },
              { timeout: 20_000, interval: 250 },
            )
            .toMatch(/key id "client-key", which this process does not have \(it has: worker-key\)/);
        } finally {
          await client.temporal.workflow.getHandle(run.runId).terminate('test cleanup');
        }
      },
      { dataConverter: workerConverter, clientDataConverter: clientConverter },
    );
  });
});

/** Payloads that carry our data: all but search attributes and the SDK's patch markers. */
function userPayloads(raw: Awaited<ReturnType<typeof rawHistory>>) {
  return raw.payloads.filter((p) => !/searchAttributes|markerRecordedEventAttributes\.details\.(patch-data|data)\b/i.test(p.path));
}

function findCause<T>(err: unknown, match: (e: unknown) => e is T): T | undefined {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as typeof e) if (match(e)) return e;
  return undefined;
}
