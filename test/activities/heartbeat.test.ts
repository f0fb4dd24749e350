import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { FIRST_HEARTBEAT_MS, withHeartbeat } from '../../src/activities/heartbeat.js';

/** Runs `work` inside withHeartbeat in a mock activity; returns how many heartbeats it sent. */
async function heartbeatsDuring(workMs: number, heartbeatTimeoutMs: number): Promise<number> {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs });
  let beats = 0;
  env.on('heartbeat', () => (beats += 1));
  await env.run(() => withHeartbeat(() => new Promise((resolve) => setTimeout(resolve, workMs))));
  return beats;
}

describe('withHeartbeat', () => {
  it('a call shorter than the first heartbeat sends none (no server round trip)', async () => {
    expect(await heartbeatsDuring(20, 30_000)).toBe(0);
  });

  it('a longer call heartbeats: first after FIRST_HEARTBEAT_MS, then every third of the timeout', async () => {
    // timeout 900 ms: first beat at min(500, 300) = 300 ms, then every 300 ms → beats at 300, 600, 900.
    expect(await heartbeatsDuring(1_000, 900)).toBeGreaterThanOrEqual(2);
    expect(await heartbeatsDuring(FIRST_HEARTBEAT_MS + 200, 30_000)).toBe(1);
  });
});
