import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from '@langchain/langgraph';
import { describe, expect, it } from 'vitest';
import { CarriedSaver } from '../../src/activities/graph/carried-saver.js';
import { bindCheckpointer, recognizeGraph } from '../../src/workspace/graph-module.js';
import { tempDir } from '../support/paths.js';
import { fourSteps, twoInterrupts } from '../fixtures/graphs.js';

const fileLines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : []);
const thread = (id: string) => ({ configurable: { thread_id: id } });

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) void _;
}

describe('CarriedSaver: a checkpoint that travels between processes', () => {
  it('an interrupted graph resumes from the exported checkpoint in a fresh saver, without re-running earlier nodes', async () => {
    const effects = join(tempDir(), 'effects.log');
    const config = { ...thread('t1'), context: { effects } };
    const first = new CarriedSaver();
    const g1 = bindCheckpointer(recognizeGraph(twoInterrupts)!, first);
    await drain(await g1.stream({ messages: [] }, config));
    const parked = await g1.getState(config);
    const interruptId = parked.tasks[0]!.interrupts![0]!.id!;
    const carried = await first.export('t1');
    expect(carried).toBeDefined();

    // Another "process": a new saver with only the carried snapshot.
    const second = new CarriedSaver();
    await second.import('t1', carried!);
    const g2 = bindCheckpointer(recognizeGraph(twoInterrupts)!, second);
    await drain(await g2.stream(new Command({ resume: { [interruptId]: { type: 'approve', approver: 'ann' } } }), config));
    const next = await g2.getState(config);
    expect(next.tasks[0]!.name).toBe('confirm_send');
    expect(fileLines(effects)).toEqual(['propose', 'confirm_amount', 'confirm_amount', 'confirm_send']);
  });

  it('exports nothing for a thread it has no checkpoint of', async () => {
    expect(await new CarriedSaver().export('none')).toBeUndefined();
  });

  it('reports every saved checkpoint and batch of writes, with the checkpoint step', async () => {
    const saver = new CarriedSaver();
    const steps: number[] = [];
    saver.onSaved = (metadata) => {
      if (metadata) steps.push(metadata.step);
    };
    const g = bindCheckpointer(recognizeGraph(fourSteps)!, saver);
    await drain(await g.stream({}, { ...thread('t2'), durability: 'sync' }));
    expect(steps).toEqual([-1, 0, 1, 2, 3, 4]);
  });

  it('the module export is not changed by binding a checkpointer (each run gets its own copy)', async () => {
    const a = bindCheckpointer(recognizeGraph(fourSteps)!, new CarriedSaver());
    await drain(await a.stream({}, thread('t3')));
    expect((fourSteps as unknown as { checkpointer?: unknown }).checkpointer).toBeUndefined();
  });
});
