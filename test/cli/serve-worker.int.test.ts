/**
 * `harness serve --worker`: the API and a worker in one process, so a model call the worker runs
 * streams its tokens to the server's `?live=true` event streams at once (id-less live deltas), and
 * Ctrl-C stops both.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { MessageText, type HarnessEvent } from '../../src/client/index.js';
import { temporalAddress, tempDir, uniqueId, writeWorkspace } from '../support/harness.js';
import { cliEnv, HarnessProcess } from '../support/cli.js';
import { startRecord } from '../support/eager-start.js';
import { readSse, type SseMessage } from '../support/sse-reader.js';

const TEXT = 'streamed through one process, word by word';
const workspace = writeWorkspace(
  tempDir(),
  `
models:
  m:
    provider: scripted
    streamDelay: 30ms
    script:
      - turns: [{ text: "${TEXT}" }]
agents:
  - { id: talker, model: m }
defaultAgent: talker
`,
);
let serve: HarnessProcess | undefined;
afterAll(() => serve?.kill('SIGKILL'));

describe('harness serve --worker', () => {
  it('runs the worker in the API process: runs start eagerly on it, live deltas reach its SSE streams, Ctrl-C stops both', async () => {
    const env = cliEnv({ address: temporalAddress(), taskQueue: uniqueId('serve-worker'), workspace });
    serve = new HarnessProcess(['serve', '--worker', '--port', '0', '--quiet'], env);
    await serve.waitForLine(/worker polling task queue/);
    const url = /harness API\s+(\S+)/.exec(await serve.waitForLine(/harness API/))![1]!;

    const started = await fetch(`${url}/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ agentId: 'talker', input: 'talk' }) });
    const { runId } = (await started.json()) as { runId: string };
    const messages: SseMessage[] = [];
    for await (const message of readSse(await fetch(`${url}/runs/${runId}/events?live=true`))) if (message.event) messages.push(message);

    const deltas = messages.filter((m) => m.event === 'output.delta');
    expect(deltas.some((m) => m.id === undefined)).toBe(true); // live, ahead of the log
    const texts = new MessageText();
    for (const m of deltas) texts.apply(JSON.parse(m.data!) as HarnessEvent);
    expect(texts.text(`${runId}:step-1`)).toBe(TEXT);

    // The API's client shares the worker's connection: the server handed the first workflow task
    // straight back to this process's worker (eager workflow start), no dispatch through matching.
    const connection = await Connection.connect({ address: temporalAddress() });
    try {
      expect((await startRecord(new Client({ connection }), runId)).eagerExecutionAccepted).toBe(true);
    } finally {
      await connection.close();
    }

    serve.kill('SIGINT');
    expect(await serve.exited).toBe(0);
    expect(serve.stdout).toContain('server stopped');
  });
});
