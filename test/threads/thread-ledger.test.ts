import { describe, expect, it } from 'vitest';
import type { AgentThreadInput, ThreadOnBusy } from '../../src/workflows/threads/contract.js';
import { RECENT_RUNS_KEPT, ThreadLedger } from '../../src/workflows/threads/thread-ledger.js';
import type { TranscriptMessage } from '../../src/workflows/shared/conversation.js';

const thread = (onBusy: ThreadOnBusy, extra: Partial<AgentThreadInput> = {}) => new ThreadLedger({ threadId: 't1', onBusy, ...extra });
const sub = (runId: string, input = `say ${runId}`) => ({ runId, agentId: 'a', input });
const user = (content: string): TranscriptMessage => ({ role: 'user', content });
const reply = (content: string): TranscriptMessage => ({ role: 'assistant', content, toolCalls: [] });

describe('ThreadLedger: submissions and the queue', () => {
  it('an idle thread takes a run at once; later ones queue FIFO with their place', () => {
    const t = thread('enqueue');
    expect(t.submit(sub('r1')).result).toEqual({ runId: 'r1', queued: false, position: 0 });
    expect(t.startNext()).toMatchObject({ runId: 'r1', upTo: 0 });
    expect(t.submit(sub('r2')).result).toEqual({ runId: 'r2', queued: true, position: 1 });
    expect(t.submit(sub('r3')).result).toEqual({ runId: 'r3', queued: true, position: 2 });
    expect(t.startNext()).toBeUndefined(); // one at a time
    expect(t.status()).toMatchObject({ activeRunId: 'r1', queued: ['r2', 'r3'] });

    t.complete('r1', [user('say r1'), reply('one')]);
    expect(t.startNext()).toMatchObject({ runId: 'r2', upTo: 2 });
    t.complete('r2', [user('say r2'), reply('two')]);
    expect(t.startNext()).toMatchObject({ runId: 'r3', upTo: 4 });
    expect(t.status().runs.map((r) => [r.runId, r.state])).toEqual([
      ['r1', 'completed'],
      ['r2', 'completed'],
      ['r3', 'running'],
    ]);
    expect(t.runsStarted).toBe(3);
  });

  it('a failed or cancelled run adds only its user message, and records the error', () => {
    const t = thread('enqueue', { messages: [user('seed'), reply('ok')] });
    t.submit(sub('r1', 'do it'));
    expect(t.startNext()).toMatchObject({ upTo: 2 });
    t.fail('r1', { cancelled: false, error: 'model exploded' });
    expect(t.messages.slice(2)).toEqual([user('do it')]);
    t.submit(sub('r2', 'again'));
    t.startNext();
    t.fail('r2', { cancelled: true, error: 'Run cancelled' });
    expect(t.status()).toMatchObject({
      messageCount: 4,
      runs: [
        { runId: 'r1', state: 'failed', error: 'model exploded' },
        { runId: 'r2', state: 'cancelled', error: 'Run cancelled' },
      ],
    });
  });

  it('keeps the input excerpt to 200 characters and the last 100 runs', () => {
    const t = thread('enqueue');
    t.submit(sub('long', 'x'.repeat(500)));
    expect(t.status().runs[0]!.input).toHaveLength(200);
    t.startNext();
    t.complete('long', []);
    for (let i = 0; i < RECENT_RUNS_KEPT + 5; i++) {
      t.submit(sub(`r${i}`));
      t.startNext();
      t.complete(`r${i}`, []);
    }
    const runs = t.status().runs;
    expect(runs).toHaveLength(RECENT_RUNS_KEPT);
    expect(runs[0]!.runId).toBe('r5');
  });

  it('carries messages, recent runs and the queue for continue-as-new, but never with a run active', () => {
    const t = thread('enqueue');
    t.submit(sub('r1'));
    t.startNext();
    t.submit(sub('r2'));
    expect(() => t.carry()).toThrow(/r1 is active/);
    t.complete('r1', [user('say r1'), reply('one')]);
    const carried = t.carry();
    const next = new ThreadLedger({ threadId: 't1', onBusy: 'enqueue', ...carried });
    expect(next.status()).toMatchObject({ queued: ['r2'], messageCount: 2, runs: [{ runId: 'r1' }, { runId: 'r2', state: 'queued' }] });
    expect(next.runsStarted).toBe(0);
    expect(next.startNext()).toMatchObject({ runId: 'r2', upTo: 2 });
  });

  it('transcript(upTo) is a prefix', () => {
    const t = thread('enqueue', { messages: [user('a'), reply('b'), user('c')] });
    expect(t.transcript(2)).toEqual([user('a'), reply('b')]);
    expect(t.transcript()).toHaveLength(3);
  });
});

describe('ThreadLedger: validation and onBusy strategies', () => {
  it('refuses malformed payloads and reused run ids', () => {
    const t = thread('enqueue');
    expect(t.problemWith(null)?.code).toBe('INVALID_SUBMISSION');
    expect(t.problemWith({ agentId: 'a' })?.message).toMatch(/input must be a non-empty string/);
    expect(t.problemWith({ agentId: '', input: 'x' })?.message).toMatch(/agentId/);
    expect(t.problemWith({ agentId: 'a', input: 'x', runId: 'has space' })?.message).toMatch(/runId/);
    expect(t.problemWith({ agentId: 'a', input: 'x', context: [1] })?.message).toMatch(/context/);
    expect(t.problemWith({ agentId: 'a', input: 'x', agent: 'typo' })?.message).toMatch(/unknown field\(s\) agent/);
    expect(t.problemWith({ agentId: 'a', input: 'x' })).toBeUndefined();
    t.submit(sub('r1'));
    expect(t.problemWith(sub('r1'))).toMatchObject({ code: 'RUN_ALREADY_EXISTS' });
  });

  it('enqueue never refuses a busy thread', () => {
    const t = thread('enqueue');
    t.submit(sub('r1'));
    t.startNext();
    expect(t.problemWith(sub('r2'))).toBeUndefined();
  });

  it('reject refuses while a run is active or queued, with the busy run named', () => {
    const t = thread('reject');
    expect(t.problemWith(sub('r1'))).toBeUndefined();
    t.submit(sub('r1'));
    // Queued but not started yet (e.g. during continue-as-new): still busy.
    expect(t.problemWith(sub('r2'))).toMatchObject({ code: 'THREAD_BUSY', message: expect.stringMatching(/^Thread t1 is busy with run r1;/) });
    t.startNext();
    expect(t.problemWith(sub('r2'))?.code).toBe('THREAD_BUSY');
    t.complete('r1', []);
    expect(t.problemWith(sub('r2'))).toBeUndefined();
  });

  it('interrupt names the active run to cancel, drops queued runs, and keeps message order', () => {
    const t = thread('interrupt');
    expect(t.submit(sub('r1', 'first')).interrupt).toBeUndefined(); // idle: nothing to interrupt
    t.startNext();
    const second = t.submit(sub('r2', 'second'));
    expect(second).toEqual({ result: { runId: 'r2', queued: true, position: 1 }, interrupt: 'r1' });
    // r2 has not started when r3 arrives: it is dropped, r3 goes next.
    expect(t.submit(sub('r3', 'third')).interrupt).toBe('r1');
    expect(t.status()).toMatchObject({ activeRunId: 'r1', queued: ['r3'] });

    t.fail('r1', { cancelled: true, error: 'Run cancelled' });
    expect(t.messages).toEqual([user('first'), user('second')]);
    expect(t.status().runs).toEqual([
      expect.objectContaining({ runId: 'r1', state: 'cancelled', error: 'Interrupted by run r3 (onBusy: interrupt)' }),
      expect.objectContaining({ runId: 'r2', state: 'cancelled', error: expect.stringMatching(/Superseded by run r3 before it started/) }),
      expect.objectContaining({ runId: 'r3', state: 'queued' }),
    ]);
    expect(t.startNext()).toMatchObject({ runId: 'r3', upTo: 2 });
  });

  it('an unknown onBusy (e.g. from a hand-started thread) falls back to enqueue', () => {
    expect(new ThreadLedger({ threadId: 't', onBusy: 'sometimes' as ThreadOnBusy }).onBusy).toBe('enqueue');
  });
});
