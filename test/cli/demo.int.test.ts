/**
 * `harness demo` (what `npm start` runs) end to end: its own dev server, worker and run. Cloud
 * credentials in the environment must not leak into connections to that plaintext local server.
 */
import { describe, expect, it } from 'vitest';
import { uniqueId } from '../support/harness.js';
import { harness } from '../support/cli.js';

describe('harness demo', () => {
  it('runs to completion with an approval, ignoring TEMPORAL_API_KEY meant for a real cluster', async () => {
    const secret = `tc-key-${uniqueId('SECRET')}`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TEMPORAL_API_KEY: secret, HARNESS_TASK_QUEUE: uniqueId('demo') };
    delete env.TEMPORAL_ADDRESS;
    delete env.HARNESS_WORKSPACE;
    const r = await harness(['demo'], env, 150_000);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain('Result: completed');
    expect(r.stdout).toMatch(/Done\. Refunded \$42\.00 for order A-1001/);
    expect(`${r.stdout}${r.stderr}`).not.toContain(secret);
  }, 180_000);
});
