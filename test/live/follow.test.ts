/**
 * followLive and LivePublisher over a real directory store: frames of another process reach every
 * follower of the run once; this process's own items come once (in-process), not again from the
 * medium; a follower from offset 0 also gets the start of an attempt already streaming.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveRunEvent } from '../../src/activities/live-run-events.js';
import { harnessDataConverter } from '../../src/codec/data-converter.js';
import { keyring } from '../../src/codec/keys.js';
import { DirectoryBlobStore } from '../../src/payloads/directory-store.js';
import { followLive } from '../../src/live/follow.js';
import { LivePublisher } from '../../src/live/publisher.js';
import { sharedMediumOf, type LiveClient } from '../../src/live/shared-medium.js';
import { eventually } from '../support/eventually.js';
import { tempDir, uniqueId } from '../support/harness.js';

const KEY = Buffer.alloc(32, 3).toString('base64');

function clientOn(dir: string): LiveClient {
  const dataConverter = harnessDataConverter({ keyring: keyring({ k: KEY }), payloadStore: { store: new DirectoryBlobStore(dir), threshold: 1 << 20 } });
  return { options: { namespace: 'default', loadedDataConverter: loadDataConverter(dataConverter) } };
}

function delta(runId: string, text: string, position: number): LiveRunEvent {
  return { position, event: { type: 'output.delta', runId, agentId: 'a', at: new Date().toISOString(), step: 1, attempt: 1, messageId: `${runId}:step-1`, text } } as LiveRunEvent;
}

/** Writes `items` as another process would: its own origin, through the same medium and codec. */
async function publishAsOtherProcess(client: LiveClient, runId: string, items: LiveRunEvent[]): Promise<{ more(): Promise<void>; end(): Promise<void> }> {
  const { medium, codec } = sharedMediumOf(client)!;
  const writer = medium.writer('default', runId);
  let seq = 0;
  await writer.write(await codec.encode({ origin: 'another-process', namespace: 'default', runId }, items, () => seq++));
  return {
    more: async () => writer.write(await codec.encode({ origin: 'another-process', namespace: 'default', runId }, [delta(runId, ' more', 5)], () => seq++)),
    end: () => writer.end(),
  };
}

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((s) => s()));

function textOf(items: LiveRunEvent[]): string {
  return items.map((i) => ('text' in i.event ? i.event.text : '')).join('');
}

describe('following live items through the payload store', () => {
  it('gives every follower of a run another process\'s items once; a resuming follower only the new ones', async () => {
    const client = clientOn(tempDir());
    const runId = uniqueId('run');
    const other = await publishAsOtherProcess(client, runId, [delta(runId, 'hello', 0)]);
    const fresh: LiveRunEvent[] = [];
    const fresh2: LiveRunEvent[] = [];
    const resumed: LiveRunEvent[] = [];
    stops.push(followLive(client, runId, (i) => fresh.push(i), { replay: true }));
    stops.push(followLive(client, runId, (i) => resumed.push(i)));
    await eventually(() => fresh.length, (n) => n === 1, 'the attempt\'s start, replayed');
    stops.push(followLive(client, runId, (i) => fresh2.push(i), { replay: true })); // joins the shared feed: its backlog
    await other.more();
    await other.end();
    await eventually(() => [fresh.length, fresh2.length, resumed.length].join(), (n) => n === '2,2,1', 'the next item for all');
    expect([textOf(fresh), textOf(fresh2), textOf(resumed)]).toEqual(['hello more', 'hello more', ' more']);
  });

  it('delivers this process\'s own items once: in-process, not again from the medium', async () => {
    const dir = tempDir();
    const client = clientOn(dir);
    const runId = uniqueId('run');
    const got: LiveRunEvent[] = [];
    stops.push(followLive(client, runId, (i) => got.push(i)));
    const publisher = new LivePublisher(client, runId);
    publisher.publish(delta(runId, 'one', 0));
    publisher.publish(delta(runId, ' two', 3));
    expect(textOf(got)).toBe('one two'); // synchronously, in-process
    // What went to the medium (this process's frames) is read back and skipped: a foreign item written after it proves the read.
    const liveDir = join(dir, '.live', 'default');
    await eventually(() => readdirSync(liveDir).map((n) => statSync(join(liveDir, n)).size), (sizes) => sizes.length === 1 && sizes[0]! > 0, 'this process\'s frames on disk');
    const other = await publishAsOtherProcess(client, runId, []);
    await other.more();
    await eventually(() => textOf(got), (t) => t === 'one two more', 'the foreign item', { timeoutMs: 3000 });
    publisher.close();
    await other.end();
    await eventually(() => readdirSync(join(dir, '.live', 'default')).length, (n) => n === 0, 'the live files to go');
  });
});
