/**
 * A long answer (5,000 tokens) keeps the run's history bounded by time, not tokens: deltas go to
 * the workflow in batches (one signal per batch interval at most), and every character still
 * reaches a follower once, in order.
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { MessageText, type HarnessEvent } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

const WORDS = 5000;
const TEXT = Array.from({ length: WORDS }, (_, i) => `w${i}`).join(' ');
const { EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED } = temporal.api.enums.v1.EventType;

describe('a 5,000-token answer', () => {
  it('reaches a follower whole while the history grows with the stream time, not with the tokens', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 1ms
    script:
      - turns: [{ text: "${TEXT}" }]
agents:
  - { id: a, model: m }
`,
    );
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'talk' });
      const events: HarnessEvent[] = [];
      for await (const { event } of run.events()) events.push(event);
      const texts = new MessageText();
      for (const event of events) texts.apply(event);
      expect(texts.text(`${run.runId}:step-1`)).toBe(TEXT);
      // One delta per token in the log, but for those held back during the first batch interval
      // (in case the call ended within it), which go to the log joined into one.
      const deltas = events.filter((e) => e.type === 'output.delta').length;
      expect(deltas).toBeLessThanOrEqual(WORDS);
      expect(deltas).toBeGreaterThan(WORDS / 2);

      const at = (type: string) => Date.parse(events.find((e) => e.type === type)!.at);
      const streamMs = at('step.completed') - at('step.started');
      const history = (await client.temporal.workflow.getHandle(run.runId).fetchHistory()).events ?? [];
      const signals = history.filter((e) => e.eventType === EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;
      // One batch per 100 ms at most (plus the final flush), whatever the token count.
      expect(signals).toBeGreaterThan(0);
      expect(signals).toBeLessThanOrEqual(Math.ceil(streamMs / 100) + 2);
      expect(history.length).toBeLessThan(WORDS);
    });
  }, 120_000);
});
