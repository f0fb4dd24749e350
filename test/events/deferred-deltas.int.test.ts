/**
 * A model that answers before the first batch of deltas is due costs no signal: the workflow puts
 * its text in the run's log itself, where the activity's final flush would have put it.
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { HarnessClient, HarnessEvent, RunHandle } from '../../src/client/index.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { withHarnessWorker } from '../support/security.js';

function workspace(streamDelay: string): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    ${streamDelay}
    script:
      - turns:
          - { text: "Thinking done, here it is.", reasoning: "Short question." }
agents:
  - { id: a, model: m }
`,
  );
}

async function eventsOf(run: RunHandle): Promise<HarnessEvent[]> {
  const events: HarnessEvent[] = [];
  for await (const { event } of run.events()) events.push(event);
  return events;
}

async function signalsIn(run: RunHandle, client: HarnessClient): Promise<number> {
  const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
  return (history.events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).length;
}

describe('deltas of a quick model call', () => {
  it.each([
    ['answers at once: the workflow publishes the text, no signal', '', 0],
    ['streams for longer than a batch: the activity publishes live, by signal', 'streamDelay: 60ms', 1],
  ])('%s', async (_name, streamDelay, minSignals) => {
    await withWorker(workspace(streamDelay), async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const events = await eventsOf(run);
      const kinds: string[] = events.map((e) => e.type);
      const first = (t: string) => kinds.indexOf(t);
      // Text and reasoning, complete, between the step's start and its end.
      const text = (type: string) => events.filter((e) => e.type === type).map((e) => ('text' in e ? e.text : '')).join('');
      expect(text('output.delta')).toBe('Thinking done, here it is.');
      expect(text('reasoning.delta')).toBe('Short question.');
      expect(first('step.started')).toBeLessThan(first('reasoning.delta'));
      expect(kinds.lastIndexOf('output.delta')).toBeLessThan(first('step.completed'));
      expect(events.filter((e) => e.type === 'output.reset')).toEqual([]);

      const signals = await signalsIn(run, client);
      if (minSignals === 0) expect(signals).toBe(0);
      else expect(signals).toBeGreaterThanOrEqual(minSignals);
    });
  });

  it.each([
    ['a quick answer too long to stay inline is streamed by signal after all: the log has it whole', '', 1],
    ['a local call (models.<id>.local) answering that long gives the log its whole text from the result, no signal', 'local: true', 0],
  ])('%s', async (_name, modelLine, minSignals) => {
    const long = Array.from({ length: 1500 }, (_, i) => `word${i}`).join(' ');
    const ws = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    ${modelLine}
    script:
      - turns: [{ text: "${long}" }]
agents:
  - { id: a, model: m }
`,
    );
    const dataConverter = harnessDataConverter({ payloadStore: { store: new DirectoryBlobStore(tempDir()), threshold: 32 * 1024 } });
    await withHarnessWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      await run.result();
      const events = await eventsOf(run);
      expect(events.filter((e) => e.type === 'output.delta').map((e) => ('text' in e ? e.text : '')).join('')).toBe(long);
      // The run keeps it by reference (a preview inline), as any long answer.
      const [, answer] = (await run.transcript()).messages;
      expect(answer).toMatchObject({ role: 'assistant', contentRef: { size: long.length } });
      const signals = await signalsIn(run, client);
      if (minSignals === 0) expect(signals).toBe(0);
      else expect(signals).toBeGreaterThanOrEqual(minSignals);
    }, { dataConverter });
  });
});
