import { expect, it } from 'vitest';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../helpers.js';

it('seq timing', async () => {
  const ws = writeWorkspace(tempDir(), `
models:
  m:
    provider: scripted
    script:
      - turns:
          - text: "seen: {{userMessages}}"
agents:
  - id: a
    model: m
`);
  await withWorker(ws, async ({ client }) => {
    const thread = client.thread(uniqueId('st'), process.env.CAN ? { continueAsNewAfterRuns: Number(process.env.CAN) } : {});
    const times = [];
    for (let i = 0; i < 8; i++) {
      const t0 = Date.now();
      const h = await thread.send(`r${i}`, { agentId: 'a' });
      const t1 = Date.now();
      await h.result();
      times.push(`${t1 - t0}+${Date.now() - t1}`);
    }
    const t0 = Date.now();
    const r = await client.startRun({ agentId: 'a', input: 'solo' });
    await r.result();
    console.log('times', times.join(' '), 'solo', Date.now() - t0);
    expect(1).toBe(1);
  });
}, 120_000);
