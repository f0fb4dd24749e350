import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MessageText, type HarnessEventItem } from '../../src/client/index.js';
import { connectClient, tempDir, temporalAddress, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { cliEnv, harness, HarnessProcess } from '../support/cli.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';

describe('harness watch', () => {
  it('prints the run live (tokens, tools, decisions) and, with --json, the same events the client gets', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - { text: "Checking.", toolCalls: [{ name: echo, args: { text: hi } }] }
          - text: "Answer: {{lastToolResult}}"
agents:
  - { id: a, model: m, tools: [echo] }
`,
    );
    await withWorker(workspace, async ({ client, taskQueue }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const env = cliEnv({ address: temporalAddress(), taskQueue, workspace });
      const human = await harness(['watch', run.runId], env);
      expect(human.code).toBe(0);
      expect(human.stdout).toContain('Checking.');
      expect(human.stdout).toContain('→ echo {"text":"hi"}');
      expect(human.stdout).toContain('← echo: echo: hi');
      expect(human.stdout).toMatch(/Output:\n {2}Answer: echo: hi/);

      const json = await harness(['watch', run.runId, '--json', '--from', '2'], env);
      const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as unknown);
      const expected = [];
      for await (const item of run.events({ fromOffset: 2 })) expected.push(item);
      expect(lines).toEqual(expected);
    });
  });
});

describe.each(['directory', 'postgres'] as const)('harness watch and run --follow with a worker in another process, %s payload store', (store) => {
  const TEXT = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma';
  // An approval first, so `watch` is following before the answer streams; then the answer, word by word.
  const workspace = () =>
    writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 60ms
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: hi } }]
          - text: "${TEXT}"
agents:
  - { id: a, model: m, tools: [echo], requireApproval: [echo] }
`,
    );
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  });
  // The directory store is the test run's (HARNESS_PAYLOAD_DIR), shared as by `harness dev` and a terminal.
  let pg: TestPostgres | undefined;
  let storeEnv: Record<string, string> = {};
  beforeAll(async () => {
    if (store !== 'postgres') return;
    pg = await startPostgres();
    storeEnv = { HARNESS_PAYLOAD_STORE: 'postgres', HARNESS_PAYLOAD_POSTGRES_URL: pg.url, HARNESS_PAYLOAD_TABLE: `blobs_${uniqueId('t').replace(/\W/g, '_').toLowerCase()}` };
  });
  afterAll(async () => pg?.stop());

  const parse = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as HarnessEventItem);
  const answerOf = (items: HarnessEventItem[]) => {
    const texts = new MessageText();
    for (const { event } of items) texts.apply(event);
    return texts.text(`${items[0]!.event.runId}:step-2`);
  };

  it('prints tokens from the live path (the shared payload store) ahead of the log, each character once; --no-live reads the log alone', async () => {
    const taskQueue = uniqueId('tq');
    const ws = workspace();
    workers.push(await spawnWorker(ws, taskQueue, { env: storeEnv }));
    const client = await connectClient(taskQueue);
    try {
      const env = { ...cliEnv({ address: temporalAddress(), taskQueue, workspace: ws }), ...storeEnv };
      const run = await client.startRun({ agentId: 'a', input: 'recite' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const watch = new HarnessProcess(['watch', run.runId, '--json'], env);
      await watch.waitForLine(/"approval\.requested"/);
      await run.approve();
      expect(await watch.exited).toBe(0);
      const items = parse(watch.stdout);
      const liveText = items.map((i) => (i.live && i.event.type === 'output.delta' ? i.event.text : '')).join('');
      // Text came from the live path, ahead of its durable copy (the merge passes live text only then)...
      expect(liveText.length).toBeGreaterThan(0);
      expect(TEXT).toContain(liveText.slice(0, 10));
      // ...and every character once, live or logged.
      expect(answerOf(items)).toBe(TEXT);
      expect(items.at(-1)!.event).toMatchObject({ type: 'run.completed', output: TEXT });

      const durable = await harness(['watch', run.runId, '--json', '--no-live'], env);
      const logged = parse(durable.stdout);
      const expected: HarnessEventItem[] = [];
      for await (const item of run.events()) expected.push(item);
      expect(logged).toEqual(expected);
      expect(logged.map((i) => i.offset)).toEqual(logged.map((_, i) => i));

      // `run --follow` prints the answer once while it streams (live and durable copies merged), then under "Output:".
      const follow = new HarnessProcess(['run', '--agent', 'a', '--follow', 'recite'], env);
      const approvalLine = await follow.waitForLine(/harness approve run-/);
      await client.getRun(/harness approve (run-\S+)/.exec(approvalLine)![1]!).approve();
      expect(await follow.exited).toBe(0);
      expect(follow.stdout.split(TEXT)).toHaveLength(3);
    } finally {
      await client.close();
    }
  });
});
