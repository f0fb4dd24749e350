/**
 * The live path: a follower in the worker's process gets the model's deltas from the live channel,
 * ahead of the durable log, and still sees each character once; a durable-only follower of the same
 * run gets the log exactly as before. SSE sends live deltas without an `id`, so a reconnect resumes
 * on the log.
 */
import { describe, expect, it } from 'vitest';
import { MessageText, type HarnessEventItem, type RunHandle } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { readSse, type SseMessage } from '../support/sse-reader.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

const TEXT = 'one two three four five six seven eight nine ten eleven twelve';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    streamDelay: 30ms
    script:
      - turns: [{ text: "${TEXT}", reasoning: "Counting up." }]
agents:
  - { id: a, model: m }
`,
  );
}

async function collect(run: RunHandle, live: boolean): Promise<HarnessEventItem[]> {
  const items: HarnessEventItem[] = [];
  for await (const item of run.events({ live })) items.push(item);
  return items;
}

function text(items: { event: HarnessEventItem['event'] }[], messageId: string): string {
  const texts = new MessageText();
  for (const { event } of items) texts.apply(event);
  return texts.text(messageId);
}

describe('live deltas in the worker process', () => {
  it('reach a follower ahead of the log, each character once; a durable-only follower gets the log unchanged', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'count' });
      const [live, durable] = await Promise.all([collect(run, true), collect(run, false)]);
      const messageId = `${run.runId}:step-1`;

      expect(text(live, messageId)).toBe(TEXT);
      expect(text(durable, messageId)).toBe(TEXT);
      const reasoning = (items: HarnessEventItem[]) =>
        items.map(({ event }) => (event.type === 'reasoning.delta' ? event.text : '')).join('');
      expect(reasoning(live)).toBe('Counting up.');
      expect(reasoning(durable)).toBe('Counting up.');

      expect(durable.some((i) => i.live)).toBe(false);
      expect(durable.map((i) => i.offset)).toEqual(durable.map((_, i) => i)); // the whole log, in order
      const liveDeltas = live.filter((i) => i.live);
      expect(liveDeltas.length).toBeGreaterThan(0);
      // A live item carries the offset of the last log event read before it (its text may have been
      // skipped as already shown); log events keep theirs, in order.
      let lastOffset = -1;
      for (const item of live) {
        if (item.live) expect(item.offset).toBeGreaterThanOrEqual(lastOffset);
        else {
          expect(item.offset).toBeGreaterThan(lastOffset);
          expect(durable[item.offset]!.event.type).toBe(item.event.type);
        }
        lastOffset = item.offset;
      }
      expect(live.at(-1)!.event).toMatchObject({ type: 'run.completed', output: TEXT });
    });
  });

  it('are sent by SSE without an id, so Last-Event-ID stays on the log', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const app = createHttpApp(client);
      const run = await client.startRun({ agentId: 'a', input: 'count' });
      const res = await app.request(`/runs/${run.runId}/events?live=true`, { headers: { Host: 'localhost' } });
      expect(res.status).toBe(200);
      const messages: SseMessage[] = [];
      for await (const message of readSse(res)) if (message.event) messages.push(message);

      const deltas = messages.filter((m) => m.event === 'output.delta');
      expect(deltas.some((m) => m.id === undefined)).toBe(true);
      const events = deltas.map((m) => ({ event: JSON.parse(m.data!) as HarnessEventItem['event'] }));
      expect(text(events, `${run.runId}:step-1`)).toBe(TEXT);
      const ids = messages.filter((m) => m.id !== undefined).map((m) => Number(m.id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(messages.at(-1)!.event).toBe('end');
    });
  });
});
