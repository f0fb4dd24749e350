import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir, uniqueId, withWorker, writeWorkspace } from '../helpers.js';

it('stress: concurrent sends across continue-as-new every run', async () => {
  const dir = tempDir();
  const ws = writeWorkspace(dir, `
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
  void join;
  await withWorker(ws, async ({ client }) => {
    const thread = client.thread(uniqueId('st'), process.env.CAN ? { continueAsNewAfterRuns: Number(process.env.CAN) } : {});
    const t0 = Date.now();
    const handles = [];
    for (let round = 0; round < 3; round++) {
      const sent = await Promise.all(Array.from({ length: 8 }, (_, i) => thread.send(`r${round}-${i}`, { agentId: 'a' })));
      handles.push(...sent);
      await new Promise((r) => setTimeout(r, 150));
    }
    const results = await Promise.all(handles.map((h) => h.result()));
    console.log('elapsed', Date.now() - t0);
    const status = await thread.status();
    expect(status.runs.filter((r) => r.state === 'completed')).toHaveLength(24);
    expect(status.messageCount).toBe(48);
    const last = results.map((r) => r.output).sort((a, b) => a.length - b.length).at(-1)!;
    expect(last.split(' | ')).toHaveLength(24);
  }, {});
}, 120_000);
