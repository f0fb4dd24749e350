/**
 * Models declared local (`models.<id>.local: true`): the agent loop's model calls run as Temporal
 * local activities. History shows a local-activity marker per call (with its summary) and no
 * `callModel` activity task; the model gets the whole conversation (a local call cannot read it
 * by query), the run's event log gets the text once, and retries, timeouts and model errors work
 * as for a regular model call. The model is a real OpenAI client against the local stub.
 */
import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageText, RunFailedError, type HarnessClient, type HarnessEvent, type HarnessEventItem, type RunHandle } from '../../src/client/index.js';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { byAssistantTurns, inSequence, lastToolResult, reply, startOpenAIStub, type StubHandler } from '../support/openai-stub.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stub answering with `handler`, and a workspace whose model `gpt` (local, `modelLine` added) points at it. */
async function setup(handler: StubHandler, modelLine = 'local: true', limits = '') {
  const stub = await startOpenAIStub(handler);
  cleanups.push(() => stub.close());
  const envVar = `HARNESS_TEST_OPENAI_KEY_${randomUUID().slice(0, 8).toUpperCase()}`;
  process.env[envVar] = `sk-test-${randomUUID()}`;
  cleanups.push(() => {
    delete process.env[envVar];
  });
  const workspace = writeWorkspace(
    tempDir(),
    `models:
  gpt: { provider: openai, model: gpt-4o-mini, baseUrl: ${JSON.stringify(stub.baseUrl)}, apiKeyEnv: ${envVar}, ${modelLine} }
agents:
  - { id: a, model: gpt, tools: [echo], requireApproval: [echo] }
limits:
  modelRetry: { maximumAttempts: 3, initialInterval: 10ms, backoffCoefficient: 1 }
${limits}`,
  );
  return { stub, workspace };
}

async function historyOf(client: HarnessClient, runId: string): Promise<HistoryEvent[]> {
  return (await client.temporal.workflow.getHandle(runId).fetchHistory()).events ?? [];
}

function summaryOf(e: HistoryEvent): string {
  const data = e.userMetadata?.summary?.data;
  return data ? (JSON.parse(Buffer.from(data).toString('utf8')) as string) : '';
}

/** Summaries of the model calls' local-activity markers. */
const modelMarkers = (events: HistoryEvent[]) =>
  events
    .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
    .map(summaryOf)
    .filter((s) => s.startsWith('model '));
const scheduled = (events: HistoryEvent[]) =>
  events.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((name): name is string => name !== undefined);

async function eventsOf(client: HarnessClient, runId: string): Promise<HarnessEvent[]> {
  const seen: HarnessEvent[] = [];
  for await (const { event } of client.getRun(runId).events()) seen.push(event);
  return seen;
}

/** The event log in short: `step.started 1`, `output.delta 1#1 <text>`, `output.reset 1#2`, `step.completed 1`, `tool.result echo`… */
function shortLog(events: HarnessEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type === 'step.started' || e.type === 'step.completed') return [`${e.type} ${e.step}`];
    if (e.type === 'output.delta') return [`${e.type} ${e.step}#${e.attempt} ${e.text}`];
    if (e.type === 'output.reset') return [`${e.type} ${e.step}#${e.attempt}`];
    if (e.type === 'tool.result') return [`${e.type} ${e.toolName}`];
    return [];
  });
}

describe('models declared local', () => {
  it('calls the model as a local activity with the whole conversation: markers, no callModel task, text once in the log, approvals as usual', async () => {
    const { stub, workspace } = await setup(
      byAssistantTurns([reply.toolCall('echo', { text: 'hi' }), (req) => reply.text(`done (${lastToolResult(req)})`)]),
    );
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'say hi', runId: uniqueId('local-model') });
      await run.waitFor((s) => s.pendingApprovals.length === 1);
      await run.approve({ approver: 'ann' });
      expect((await run.result()).output).toBe('done (echo: hi)');

      // The second call got the user's message, the model's tool call and its result: the whole conversation.
      expect(stub.requests).toHaveLength(2);
      expect(stub.requests[1]!.body.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
      const events = await historyOf(client, run.runId);
      expect(modelMarkers(events)).toEqual(['model gpt · step 1', 'model gpt · step 2']);
      expect(scheduled(events)).toEqual(['callTool']);
      expect(shortLog(await eventsOf(client, run.runId))).toEqual([
        'step.started 1',
        'step.completed 1',
        'tool.result echo',
        'step.started 2',
        'output.delta 2#1 done (echo: hi)',
        'step.completed 2',
      ]);
    });
  });

  it('a retried call: the log has the retry reset before its text, never the text twice', async () => {
    const { stub, workspace } = await setup(inSequence([reply.error(500, 'overloaded'), reply.text('hello there')]));
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'hi', runId: uniqueId('local-model-retry') });
      expect((await run.result()).output).toBe('hello there');
      expect(stub.requests).toHaveLength(2);
      expect(shortLog(await eventsOf(client, run.runId))).toEqual(['step.started 1', 'output.reset 1#2', 'output.delta 1#2 hello there', 'step.completed 1']);
    });
  });

  it('a call over its timeout fails the run with MODEL_TIMEOUT naming models.<id>.timeout', async () => {
    const slow: StubHandler = () => new Promise((resolve) => setTimeout(() => resolve(reply.text('too late')), 1500));
    const { workspace } = await setup(slow, 'local: true, timeout: 300ms');
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'hi', runId: uniqueId('local-model-timeout') });
      const err = await run.result().then(() => expect.unreachable('expected the run to fail'), (e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).message).toContain('Model call (step 1) timed out after 300ms (models.gpt.timeout; a local model)');
    });
  });

  it('a model error that is not worth retrying fails the run at once with its classified message', async () => {
    const { stub, workspace } = await setup(() => reply.error(401, 'invalid api key'));
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'hi', runId: uniqueId('local-model-auth') });
      const err = await run.result().then(() => expect.unreachable('expected the run to fail'), (e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).message).toContain('Model "gpt" refused the credentials (HTTP 401): 401 invalid api key');
      expect(stub.requests).toHaveLength(1);
    });
  });

  it('while the call runs its tokens reach a follower on the live path; the log gets the text once, when the call returns', async () => {
    const words = 'one two three four five six seven eight nine ten eleven twelve';
    const workspace = writeWorkspace(
      tempDir(),
      `models:
  m: { provider: scripted, local: true, streamDelay: 30ms, script: [{ turns: [{ text: "${words}" }] }] }
agents:
  - { id: a, model: m }
`,
    );
    const collect = async (run: RunHandle, live: boolean) => {
      const items: HarnessEventItem[] = [];
      for await (const item of run.events({ live })) items.push(item);
      return items;
    };
    const textOf = (items: HarnessEventItem[], messageId: string) => {
      const texts = new MessageText();
      for (const { event } of items) texts.apply(event);
      return texts.text(messageId);
    };
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'count', runId: uniqueId('local-model-live') });
      const [live, durable] = await Promise.all([collect(run, true), collect(run, false)]);
      const messageId = `${run.runId}:step-1`;
      expect(textOf(live, messageId)).toBe(words);
      expect(textOf(durable, messageId)).toBe(words);
      // Word by word on the live path, ahead of the log's single delta.
      const liveDeltas = live.filter((i) => i.live && i.event.type === 'output.delta');
      expect(liveDeltas.length).toBeGreaterThan(5);
      const firstLive = live.findIndex((i) => i.live);
      const completed = live.findIndex((i) => i.event.type === 'step.completed');
      expect(firstLive).toBeLessThan(completed);
      expect(durable.filter((i) => i.event.type === 'output.delta').map((i) => (i.event as { text: string }).text)).toEqual([words]);
    });
  });
});
