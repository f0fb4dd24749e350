/** The directory medium on a real directory: append-only files per attempt, tailed with fs.watch. */
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryLiveMedium, LIVE_DIR, STALE_LIVE_FILE_MS, runKey, sweepStaleLiveFiles } from '../../src/live/directory-medium.js';
import { eventually } from '../support/eventually.js';
import { tempDir } from '../support/harness.js';

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

function follow(medium: DirectoryLiveMedium, runId: string): { lines: [string, boolean][] } {
  const got = { lines: [] as [string, boolean][] };
  stops.push(medium.subscribe('default', runId, (line, past) => got.lines.push([line, past])));
  return got;
}

describe('directory live medium', () => {
  it('delivers one attempt\'s lines in order to a follower of its run only, then removes the file', async () => {
    const root = join(tempDir(), LIVE_DIR);
    const medium = new DirectoryLiveMedium(root);
    const mine = follow(medium, 'run-a');
    const other = follow(medium, 'run-b');
    const writer = medium.writer('default', 'run-a');
    await writer.write(['one', 'two']);
    await writer.write(['three']);
    await eventually(() => mine.lines.length, (n) => n === 3, 'three lines');
    expect(mine.lines).toEqual([
      ['one', false],
      ['two', false],
      ['three', false],
    ]);
    await writer.end();
    expect(readdirSync(join(root, 'default'))).toEqual([]);
    expect(other.lines).toEqual([]);
  });

  it('marks the lines an attempt wrote before the subscription as past, and delivers the rest as new', async () => {
    const root = join(tempDir(), LIVE_DIR);
    const medium = new DirectoryLiveMedium(root);
    const writer = medium.writer('default', 'run-a');
    await writer.write(['early-1', 'early-2']);
    const got = follow(medium, 'run-a');
    await eventually(() => got.lines.length, (n) => n === 2, 'the past lines');
    await writer.write(['late']);
    await eventually(() => got.lines.length, (n) => n === 3, 'the new line');
    expect(got.lines).toEqual([
      ['early-1', true],
      ['early-2', true],
      ['late', false],
    ]);
    await writer.end();
  });

  it('one watch serves every followed run; followers of one run share its lines', async () => {
    const root = join(tempDir(), LIVE_DIR);
    const medium = new DirectoryLiveMedium(root);
    const a1 = follow(medium, 'run-a');
    const a2 = follow(medium, 'run-a');
    const b = follow(medium, 'run-b');
    const wa = medium.writer('default', 'run-a');
    const wb = medium.writer('default', 'run-b');
    await Promise.all([wa.write(['a']), wb.write(['b'])]);
    await eventually(() => [a1.lines.length, a2.lines.length, b.lines.length], (n) => n.join() === '1,1,1', 'a line each');
    expect([a1.lines[0]![0], a2.lines[0]![0], b.lines[0]![0]]).toEqual(['a', 'a', 'b']);
    await Promise.all([wa.end(), wb.end()]);
  });

  it('sweeps live files not written for a while, and keeps fresh ones and other files', async () => {
    const store = tempDir();
    const dir = join(store, LIVE_DIR, 'default');
    mkdirSync(dir, { recursive: true });
    const stale = join(dir, `${runKey('old')}.x${'.live'}`);
    const fresh = join(dir, `${runKey('new')}.y${'.live'}`);
    const unrelated = join(dir, 'notes.txt');
    for (const f of [stale, fresh, unrelated]) writeFileSync(f, 'line\n');
    const old = new Date(Date.now() - STALE_LIVE_FILE_MS - 60_000);
    utimesSync(stale, old, old);
    utimesSync(unrelated, old, old);
    expect(await sweepStaleLiveFiles(store)).toBe(1);
    expect([existsSync(stale), existsSync(fresh), existsSync(unrelated)]).toEqual([false, true, true]);
  });
});
