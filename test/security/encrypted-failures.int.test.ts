/**
 * Issue 15 §4: with HARNESS_ENCRYPTION_KEY set, a raw history dump (no codec, references left as
 * references) and the payload store's files contain none of: the input, tool arguments, tool
 * output, a tool's exception text, the model's error text. Failure messages and stack traces are
 * encoded (Temporal's failure converter with `encodeCommonAttributes`), so the codec encrypts them;
 * a client with the key still reads them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunFailedError } from '../../src/client/index.js';
import { tempDir, writeWorkspace } from '../support/harness.js';
import { rawHistory, withHarnessWorker } from '../support/security.js';

const ENV_KEYS = ['HARNESS_ENCRYPTION_KEY', 'HARNESS_PAYLOAD_DIR'] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function markers() {
  const id = randomUUID().slice(0, 8);
  return { input: `INPUT-${id}`, toolArg: `TOOLARG-${id}`, exception: `EXCEPTION-${id}`, modelError: `MODELERR-${id}`, bigFiller: `BIGFILL${id}` };
}

function workspace(m: ReturnType<typeof markers>): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: ${m.input}
        turns:
          - toolCalls:
              - { name: echo, args: { text: ${m.toolArg} } }
              - { name: explode, args: { message: ${m.exception} } }
              - { name: big_result, args: { index: 1, bytes: 200000 } }
          - text: "Done. {{lastToolResult}}"
  strict:
    provider: scripted
    script:
      - when: ${m.modelError}
        turns: [{ text: never }]
agents:
  - id: a
    model: m
    tools: [echo, explode, big_result]
  - id: b
    model: strict
limits:
  toolRetry: { initialInterval: 10ms, maximumAttempts: 2 }
  modelRetry: { initialInterval: 10ms, maximumAttempts: 2 }
`,
  );
}

/** Every file under `dir`, read as text (blobs are protobuf; plaintext would show). */
function filesText(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const path = join(dir, entry);
    if (statSync(path).isFile()) text += readFileSync(path).toString('utf8');
  }
  return text;
}

describe('encrypted failures and payloads (HARNESS_ENCRYPTION_KEY)', () => {
  it('history and the payload store hold no input, tool args, tool output, tool exception or model error text', async () => {
    const m = markers();
    const payloadDir = tempDir();
    process.env.HARNESS_ENCRYPTION_KEY = randomBytes(32).toString('base64');
    process.env.HARNESS_PAYLOAD_DIR = payloadDir;
    const bigInput = `${m.input} ${m.bigFiller.repeat(20_000)}`; // ~300 KB: stored by reference
    // No converter passed anywhere: createHarnessWorker and HarnessClient.connect read the env.
    const { ok, failed } = await withHarnessWorker(workspace(m), async ({ client }) => {
      const ok = await client.startRun({ agentId: 'a', input: bigInput });
      const result = await ok.result();
      // With the key, everything reads as usual: tool output, the tool's exception text.
      expect(result.output).toContain(`echo: ${m.toolArg}`);
      expect(result.output).toContain(m.exception);
      // The run keeps the big input by reference (a preview in its state); the client reads it back
      // whole from the store, where it is encrypted like every payload.
      expect(result.messages[0]).toMatchObject({ role: 'user', contentRef: { size: bigInput.length } });
      expect(await ok.readContent(result.messages[0]!.contentRef!)).toBe(bigInput);

      const failed = await client.startRun({ agentId: 'b', input: `${m.input} asks the strict model` });
      const err = await failed.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      // Decoded by the client's failure converter: the rule (workspace config) is named, the input is not.
      expect((err as Error).message).toContain(`no rule matching the latest user message`);
      expect((err as Error).message).toContain(m.modelError);
      return { ok, failed };
    });

    const secrets = [m.input, m.toolArg, m.exception, m.modelError, m.bigFiller, 'abcdefghijabcdefghij'];
    for (const runId of [ok.runId, failed.runId]) {
      const raw = await rawHistory(runId);
      for (const s of secrets) expect(raw.text, `${s} in the raw history of ${runId}`).not.toContain(s);
      // Failure messages are encoded: the server sees the placeholder, not the text.
      const failures = raw.events.flatMap((e) => [e.activityTaskFailedEventAttributes?.failure, e.workflowExecutionFailedEventAttributes?.failure]).filter(Boolean);
      for (const f of failures) {
        expect(f!.message).toBe('Encoded failure');
        expect(f!.stackTrace ?? '').toBe('');
      }
      if (runId === failed.runId) expect(failures.length).toBeGreaterThan(0);
      // The big input went by reference.
      if (runId === ok.runId) expect(raw.text).toContain('temporal.api.sdk.v1.ExternalStorageReference');
    }
    const stored = filesText(payloadDir);
    expect(stored.length).toBeGreaterThan(200_000);
    for (const s of secrets) expect(stored, `${s} in the payload store`).not.toContain(s);
  });
});
