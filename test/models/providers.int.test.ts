/**
 * The anthropic, google, ollama and bedrock providers inside real runs: a Temporal dev server, an
 * in-process worker, and each provider's wire-format stub as the model endpoint. A tool call that
 * needs approval parks the run, is approved, runs once, and its result goes back to the model;
 * usage is summed; no credential reaches workflow history. Anthropic also shows Temporal retrying
 * a rate limit and a bad key failing fast.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { historyText } from '../support/history-text.js';
import { byTurns, startProviderStub, type StubAnswer, type StubProvider, type StubRequest } from '../support/provider-stubs/server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Sets a fresh env var to a fresh secret for the test's duration; returns [name, value]. */
function secretEnv(label: string): [string, string] {
  const name = `HARNESS_TEST_${label}_${randomUUID().slice(0, 8).toUpperCase()}`;
  const value = `${label.toLowerCase()}-${randomUUID()}`;
  process.env[name] = value;
  cleanups.push(() => {
    delete process.env[name];
  });
  return [name, value];
}

interface ProviderSetup {
  /** The model entry's YAML lines (indented under `m:`). */
  yaml: string;
  secrets: string[];
  /** Whether the provider's wire format carries tool call ids (Gemini and Ollama have none; LangChain makes one). */
  keepsCallIds: boolean;
}

function providerSetup(provider: StubProvider, baseUrl: string): ProviderSetup {
  if (provider === 'bedrock') {
    const [idEnv, id] = secretEnv('AKID');
    const [secretEnvName, secret] = secretEnv('SECRET');
    return {
      yaml: `provider: bedrock\n    model: anthropic.claude-stub\n    region: us-east-1\n    baseUrl: ${baseUrl}\n    accessKeyIdEnv: ${idEnv}\n    secretAccessKeyEnv: ${secretEnvName}`,
      secrets: [id, secret],
      keepsCallIds: true,
    };
  }
  const [env, key] = secretEnv('KEY');
  const model = { anthropic: 'claude-stub', google: 'gemini-stub', ollama: 'llama-stub' }[provider];
  return { yaml: `provider: ${provider}\n    model: ${model}\n    baseUrl: ${baseUrl}\n    apiKeyEnv: ${env}`, secrets: [key], keepsCallIds: provider === 'anthropic' };
}

async function setup(provider: StubProvider, answer: (req: StubRequest) => StubAnswer) {
  const dir = tempDir();
  const stub = await startProviderStub(provider, answer);
  cleanups.push(() => stub.close());
  const p = providerSetup(provider, stub.baseUrl);
  const workspace = writeWorkspace(
    dir,
    `models:
  m:
    ${p.yaml}
    pricing: { inputPerMillionTokens: 3, outputPerMillionTokens: 15 }
agents:
  - id: refunds
    model: m
    tools: [echo, record_effect]
    requireApproval: [record_effect]
limits:
  modelRetry: { maximumAttempts: 4, initialInterval: 100ms, backoffCoefficient: 1, maximumInterval: 100ms }
`,
  );
  return { dir, stub, workspace, ...p };
}

describe.each(['anthropic', 'google', 'ollama', 'bedrock'] as const)('provider %s in a real run (wire-format stub + Temporal dev server)', (provider) => {
  it('parks a tool call for approval, runs it once when approved, sends its result back; usage and cost summed; no credential in history', async () => {
    const effects = (dir: string) => join(dir, 'effects.log');
    let effectsFile = '';
    const s = await setup(
      provider,
      byTurns(provider, [
        () => ({ toolCall: { id: 'toolu_A1', name: 'record_effect', args: { file: effectsFile, label: 'refund-A-1' } }, usage: { input: 120, output: 20 } }),
        (req) => ({
          text: JSON.stringify(req.body).includes('recorded refund-A-1') ? 'Refund recorded.' : 'The tool result never arrived.',
          usage: { input: 160, output: 9 },
        }),
      ]),
    );
    effectsFile = effects(s.dir);

    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'Refund order A-1', runId: uniqueId('run') });
      const waiting = await run.waitFor((st) => st.pendingApprovals.length === 1);
      expect(waiting.pendingApprovals[0]).toMatchObject({ toolName: 'record_effect' });
      if (s.keepsCallIds) expect(waiting.pendingApprovals[0]!.approvalId).toBe('toolu_A1');
      expect(s.stub.requests).toHaveLength(1);
      expect(fileLines(effectsFile)).toHaveLength(0); // nothing runs before the decision
      await run.approve({ approver: 'ops@example.com' });
      const result = await run.result();

      expect(result.output).toBe('Refund recorded.');
      expect(result.steps).toBe(2);
      // Anthropic's stream counts one output token more per call (see providers.test.ts).
      const extra = provider === 'anthropic' ? 2 : 0;
      expect(result.usage).toMatchObject({ inputTokens: 280, outputTokens: 29 + extra, totalTokens: 309 + extra });
      expect(result.usage!.costUsd).toBeCloseTo((280 * 3 + (29 + extra) * 15) / 1_000_000, 12);
      expect(fileLines(effectsFile)).toHaveLength(1);
      expect(s.stub.requests).toHaveLength(2);

      const history = await historyText(client, run.runId);
      expect(history).toContain('recorded refund-A-1'); // positive control: payloads are searchable
      for (const secret of s.secrets) expect(history).not.toContain(secret);
    });
  });
});

/** The MODEL_* failure in a run's failure chain. */
function modelFailure(err: unknown): ApplicationFailure {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof ApplicationFailure && e.type?.startsWith('MODEL_')) return e;
  }
  return expect.unreachable('no MODEL_* ApplicationFailure in the failure chain');
}

describe('anthropic errors in a real run', () => {
  it('a 429 is retried by Temporal (the SDK does not retry) and the run completes', async () => {
    let calls = 0;
    const s = await setup('anthropic', () =>
      ++calls === 1 ? { error: { status: 429, message: 'Number of request tokens has exceeded your per-minute rate limit' } } : { text: 'Done.', usage: { input: 5, output: 2 } },
    );
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'hello', runId: uniqueId('run') });
      expect((await run.result()).output).toBe('Done.');
      expect(s.stub.requests).toHaveLength(2);
      const { events } = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const started = (events ?? []).flatMap((e) => (e.activityTaskStartedEventAttributes?.attempt === 2 ? [e.activityTaskStartedEventAttributes] : []));
      expect(started[0]?.lastFailure?.applicationFailureInfo?.type).toBe('MODEL_RATE_LIMITED');
    });
  });

  it('a 401 fails the run at once with MODEL_AUTH naming the env var; one request; no key in history', async () => {
    const s = await setup('anthropic', () => ({ error: { status: 401, message: 'invalid x-api-key' } }));
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'hello', runId: uniqueId('run') });
      const err = await run.result().then(
        () => expect.unreachable('expected the run to fail'),
        (e: unknown) => e,
      );
      const failure = modelFailure(err);
      expect(failure).toMatchObject({ type: 'MODEL_AUTH', nonRetryable: true });
      const envVar = /apiKeyEnv: (\S+)/.exec(s.yaml)![1]!;
      expect(failure.message).toMatch(new RegExp(`^Model "m" refused the credentials \\(HTTP 401\\): .*invalid x-api-key.* Check the API key in the environment variable ${envVar} on the worker\\.$`));
      expect(s.stub.requests).toHaveLength(1);
      expect(await historyText(client, run.runId)).not.toContain(s.secrets[0]!);
    });
  });
});
