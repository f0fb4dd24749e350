import { afterEach, describe, expect, it } from 'vitest';
import { MessageText } from '../../src/client/index.js';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';
import { eventReader } from '../support/event-reader.js';

const TEXT = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';

describe('a model call retried mid-stream', () => {
  let victim: WorkerProcess | undefined;
  afterEach(async () => victim?.kill());

  it('shows the client no duplicated text: the new attempt resets the message first', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 250ms
    script:
      - turns: [{ text: "${TEXT}" }]
agents:
  - { id: a, model: m }
limits:
  heartbeatTimeout: 3s
  modelRetry: { initialInterval: 10ms }
`,
    );
    const taskQueue = uniqueId('tq');
    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'a', input: 'talk' });

    const { events, readUntil } = eventReader(run);
    await readUntil((e) => e.type === 'output.delta'); // the first worker is mid-stream
    await victim.kill();
    await withWorker(workspace, () => readUntil(() => false), { taskQueue });

    const deltas = events.filter((e) => e.type === 'output.delta');
    const naive = deltas.map((e) => ('text' in e ? e.text : '')).join('');
    expect(naive.length).toBeGreaterThan(TEXT.length); // attempt 1 did stream some text before it died
    expect(events.filter((e) => e.type === 'output.reset')).toMatchObject([{ attempt: 2 }]);

    const texts = new MessageText();
    for (const e of events) texts.apply(e);
    expect(texts.text(`${run.runId}:step-1`)).toBe(TEXT);
    expect(events.at(-1)).toMatchObject({ type: 'run.completed', output: TEXT });
    await client.close();
  });
});
