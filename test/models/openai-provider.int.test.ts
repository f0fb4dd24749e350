/**
 * The `openai` provider inside real runs: a Temporal dev server, an in-process worker, and the
 * local OpenAI-compatible stub as the model endpoint. Covers the approval round trip on the wire,
 * Temporal retrying rate limits, fast failure on auth / bad requests / missing keys, and that no
 * API key ever reaches workflow history.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { RunFailedError } from '../../src/client/index.js';
import type { HarnessClient } from '../../src/client/index.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { historyText } from '../support/history-text.js';
import {
  always,
  byAssistantTurns,
  inSequence,
  lastToolResult,
  reply,
  startOpenAIStub,
  type OpenAIStub,
  type StubHandler,
} from '../support/openai-stub.js';

const SYSTEM_PROMPT = 'You are the refunds agent. Record every refund.';

interface Setup {
  stub: OpenAIStub;
  workspace: string;
  dir: string;
  envVar: string;
  apiKey: string;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A temp dir, a stub answering with `handlerFor(dir)`, a workspace whose `gpt` model points at it,
 * and a fresh env var holding a fresh key (unless `setKey` is false). Model retries are real but
 * fast (100 ms, no backoff).
 */
async function setup(handlerFor: (dir: string) => StubHandler, { setKey = true, limits = '' } = {}): Promise<Setup> {
  const dir = tempDir();
  const stub = await startOpenAIStub(handlerFor(dir));
  cleanups.push(() => stub.close());
  const envVar = `HARNESS_TEST_OPENAI_KEY_${randomUUID().slice(0, 8).toUpperCase()}`;
  const apiKey = `sk-test-${randomUUID()}`;
  if (setKey) process.env[envVar] = apiKey;
  cleanups.push(() => {
    delete process.env[envVar];
  });
  const workspace = writeWorkspace(
    dir,
    `models:
  gpt:
    provider: openai
    model: gpt-4o-mini
    baseUrl: ${stub.baseUrl}
    apiKeyEnv: ${envVar}
agents:
  - id: refunds
    model: gpt
    systemPrompt: ${JSON.stringify(SYSTEM_PROMPT)}
    tools: [echo, record_effect]
    requireApproval: [record_effect]
  - id: plain
    model: gpt
limits:
  modelRetry:
    maximumAttempts: 4
    initialInterval: 100ms
    backoffCoefficient: 1
    maximumInterval: 100ms
${limits}`,
  );
  return { stub, workspace, dir, envVar, apiKey };
}

async function failureOf(client: HarnessClient, agentId: string, input: string, runId = uniqueId('run')): Promise<RunFailedError> {
  const run = await client.startRun({ agentId, input, runId });
  const err = await run.result().then(
    () => expect.unreachable('expected the run to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunFailedError);
  expect((err as RunFailedError).code).toBe('RUN_FAILED');
  return err as RunFailedError;
}

/**
 * The failure the model-call activity raised, found in the run's failure chain
 * (RunFailedError → WorkflowFailedError → RUN_FAILED → ActivityFailure → this → the SDK's error).
 */
function modelFailure(err: unknown): ApplicationFailure {
  for (let e = err as { cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof ApplicationFailure && e.type?.startsWith('MODEL_')) return e;
  }
  return expect.unreachable('no MODEL_* ApplicationFailure in the failure chain');
}

describe('openai provider in a real run (OpenAI stub + Temporal dev server)', () => {
  it('round-trips a tool call that needs approval: prompt, tools, tool result and key on the wire; usage summed; no key in history', async () => {
    const effectsIn = (dir: string) => join(dir, 'effects.log');
    const s = await setup((dir) =>
      byAssistantTurns([
        reply.toolCall('record_effect', { file: effectsIn(dir), label: 'refund-A-1' }, { usage: { prompt_tokens: 120, completion_tokens: 20 } }),
        (req) => reply.text(`Refund recorded (${lastToolResult(req)}).`, { usage: { prompt_tokens: 160, completion_tokens: 9 } }),
      ]),
    );
    const effects = effectsIn(s.dir);

    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'Refund order A-1', runId: uniqueId('run') });
      const waiting = await run.waitFor((st) => st.pendingApprovals.length === 1);
      // The approval is bound to the id the model gave the tool call (the stub's `call_<request>_<i>`).
      expect(waiting.pendingApprovals[0]).toMatchObject({ approvalId: 'call_0_0', toolName: 'record_effect' });
      expect(s.stub.requests).toHaveLength(1); // nothing more happens until someone decides
      await run.approve({ approver: 'ops@example.com' });
      const result = await run.result();

      expect(result.output).toBe('Refund recorded (recorded refund-A-1).');
      expect(result.steps).toBe(2);
      expect(result.usage).toEqual({ inputTokens: 280, outputTokens: 29, totalTokens: 309 });
      expect(readFileSync(effects, 'utf8').trim().split('\n')).toHaveLength(1);

      const [first, second] = s.stub.requests;
      expect(s.stub.requests).toHaveLength(2);
      for (const r of [first!, second!]) {
        expect(r.path).toBe('/v1/chat/completions');
        expect(r.headers.authorization).toBe(`Bearer ${s.apiKey}`);
        expect(r.body.model).toBe('gpt-4o-mini');
        expect(r.body.tools?.map((t) => t.function.name).sort()).toEqual(['echo', 'record_effect']);
      }
      expect(first!.body.messages).toEqual([
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: 'Refund order A-1' },
      ]);
      expect(first!.body.tools?.find((t) => t.function.name === 'record_effect')).toMatchObject({
        type: 'function',
        function: {
          description: 'Record a side effect in a file.',
          parameters: { type: 'object', properties: { file: { type: 'string' }, label: { type: 'string' }, amount: { type: 'number' } } },
        },
      });
      expect(second!.body.messages).toEqual([
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: 'Refund order A-1' },
        expect.objectContaining({
          role: 'assistant',
          tool_calls: [
            { id: 'call_0_0', type: 'function', function: { name: 'record_effect', arguments: JSON.stringify({ file: effects, label: 'refund-A-1' }) } },
          ],
        }),
        expect.objectContaining({ role: 'tool', tool_call_id: 'call_0_0', content: 'recorded refund-A-1' }),
      ]);

      const history = await historyText(client, run.runId);
      // Positive control: decoded payloads are searchable (the tool result travels in history).
      expect(history).toContain('recorded refund-A-1');
      expect(history).not.toContain(s.apiKey);
    });
  });

  it('retries a rate limit through Temporal: 429, 429, then an answer completes the run after 3 requests', async () => {
    const s = await setup(() =>
      inSequence([
        reply.error(429, 'Rate limit reached for gpt-4o-mini on requests per min (RPM).', { code: 'rate_limit_exceeded' }),
        reply.error(429, 'Rate limit reached for gpt-4o-mini on requests per min (RPM).', { code: 'rate_limit_exceeded' }),
        reply.text('Third time lucky.', { usage: { prompt_tokens: 11, completion_tokens: 4 } }),
      ]),
    );
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'plain', input: 'hello', runId: uniqueId('run') });
      const result = await run.result();
      expect(result.output).toBe('Third time lucky.');
      expect(result.steps).toBe(1); // retries of one model call are one step
      expect(result.usage).toEqual({ inputTokens: 11, outputTokens: 4, totalTokens: 15 });
      expect(s.stub.requests).toHaveLength(3);
      // Every attempt sends the same conversation: the activity rebuilds it from the run.
      expect(s.stub.requests[1]!.body.messages).toEqual(s.stub.requests[0]!.body.messages);
      expect(s.stub.requests[2]!.body.messages).toEqual(s.stub.requests[0]!.body.messages);

      // Temporal made the attempts (the OpenAI client has maxRetries 0): the call completed on attempt 3,
      // and the attempt's start event carries the last 429 as `lastFailure`.
      // The model call is found by its activity type: whatever else the run schedules (planning is
      // a local activity today, a scheduled one in older runs) has its own events.
      const { events } = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const modelCalls = (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callModel');
      expect(modelCalls).toHaveLength(1);
      const scheduledId = modelCalls[0]!.eventId!.toString();
      const started = (events ?? []).flatMap((e) =>
        e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduledId ? [e.activityTaskStartedEventAttributes] : [],
      );
      expect(started.map((a) => a.attempt)).toEqual([3]);
      expect(started[0]!.lastFailure?.applicationFailureInfo?.type).toBe('MODEL_RATE_LIMITED');
      expect(started[0]!.lastFailure?.message).toMatch(/^Model "gpt" is rate limited \(HTTP 429\): 429 Rate limit reached/);
      expect(await historyText(client, run.runId)).not.toContain(s.apiKey);
    });
  });

  it('fails fast on 401: a non-retryable MODEL_AUTH failure that points at the API key env var; one request; no key in history', async () => {
    const s = await setup(() =>
      always(reply.error(401, 'Incorrect API key provided: sk-test-***. You can find your API key at https://platform.openai.com/account/api-keys.', { code: 'invalid_api_key' })),
    );
    await withWorker(s.workspace, async ({ client }) => {
      const runId = uniqueId('run');
      const err = await failureOf(client, 'plain', 'hello', runId);
      const failure = modelFailure(err);
      expect(failure.type).toBe('MODEL_AUTH');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toBe(
        `Model "gpt" refused the credentials (HTTP 401): 401 Incorrect API key provided: sk-test-***. You can find your API key at https://platform.openai.com/account/api-keys. Check the API key in the environment variable ${s.envVar} on the worker.`,
      );
      // The run's own error (what `status().error` and RunFailedError show) is that classified message.
      expect(err.message).toContain(failure.message);
      // Retries are 100 ms apart with 4 attempts allowed: a retry would have shown up before the run failed.
      expect(s.stub.requests).toHaveLength(1);
      expect(s.stub.requests[0]!.headers.authorization).toBe(`Bearer ${s.apiKey}`);
      expect((await client.getRun(runId).status()).state).toBe('failed');
      expect(await historyText(client, runId)).not.toContain(s.apiKey);
    });
  });

  it('fails fast on 400: a non-retryable MODEL_BAD_REQUEST failure with the server message and a hint; one request', async () => {
    const s = await setup(() =>
      always(reply.error(400, "Invalid value for 'temperature': must be between 0 and 2.", { param: 'temperature', code: 'invalid_value' })),
    );
    await withWorker(s.workspace, async ({ client }) => {
      const err = await failureOf(client, 'plain', 'hello');
      const failure = modelFailure(err);
      expect(err.message).toContain(failure.message);
      expect(failure.type).toBe('MODEL_BAD_REQUEST');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toMatch(/^Model "gpt" rejected the request \(HTTP 400\): 400 Invalid value for 'temperature'/);
      expect(failure.message).toMatch(/Check the model name and settings in the workspace file\.$/);
      expect(s.stub.requests).toHaveLength(1);
    });
  });

  it('fails without calling the endpoint when the API-key env var is not set, naming the variable', async () => {
    const s = await setup(() => always(reply.text('never sent')), { setKey: false });
    await withWorker(s.workspace, async ({ client }) => {
      const err = await failureOf(client, 'plain', 'hello');
      expect(err.message).toContain(`environment variable ${s.envVar}, which is not set on this worker`);
      expect(modelFailure(err)).toMatchObject({ type: 'MODEL_CONFIG', nonRetryable: true });
      expect(s.stub.requests).toHaveLength(0);
    });
  });

  it('a model call over limits.modelCallTimeout on every attempt fails the run with that reason', async () => {
    // The endpoint answers only after 5 s; each attempt is cut at 400 ms and retried.
    const slow: StubHandler = () => new Promise((resolve) => setTimeout(() => resolve(reply.text('too late')), 5_000));
    const s = await setup(() => slow, { limits: '  modelCallTimeout: 400ms\n' });
    await withWorker(s.workspace, async ({ client }) => {
      const err = await failureOf(client, 'plain', 'hello');
      expect(err.message).toContain('Model call (step 1) timed out after 400ms (limits.modelCallTimeout)');
      expect(s.stub.requests).toHaveLength(4); // limits.modelRetry.maximumAttempts
    });
  });

  it('cancelling a run during a hanging model call ends it cancelled without waiting for the model', async () => {
    const hang: StubHandler = () => new Promise((resolve) => setTimeout(() => resolve(reply.text('never')), 30_000));
    const s = await setup(() => hang, { limits: '  heartbeatTimeout: 3s\n' });
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'plain', input: 'hello' });
      await eventually(() => s.stub.requests.length, (n) => n === 1, 'the model call to reach the stub', { timeoutMs: 10_000 });
      await run.cancel();
      await expect(run.result()).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
      // The run ends cancelled at once although the model would hang for 30 s, and nothing retries it.
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      expect(history.events!.some((e) => e.activityTaskCancelRequestedEventAttributes)).toBe(true);
      expect(s.stub.requests).toHaveLength(1);
    });
  });

  it('a tool call whose arguments are not JSON goes back to the model as a tool error, and the run goes on', async () => {
    const s = await setup(() =>
      byAssistantTurns([reply.toolCall('echo', '{not json'), (req) => reply.text(`Fixed it after: ${lastToolResult(req)}`)]),
    );
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'refunds', input: 'echo something' });
      const result = await run.result();
      expect(result.output).toMatch(/^Fixed it after: Invalid call of tool "echo": .*arguments were: \{not json\. Send the arguments as a JSON object\.$/);
      // The second request carries the assistant's call and its error result: a valid conversation.
      const second = s.stub.requests[1]!.body!.messages!;
      expect(second.some((m) => m.role === 'tool')).toBe(true);
    });
  });
});
