/**
 * Followers of one run through one client share one subscription: twelve of them (more than the
 * 10 updates a run may have in flight) all get the whole log, and the run's history holds about
 * as many poll updates as with a single follower, not twelve times as many.
 */
import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import type { HarnessClient, HarnessEventItem, RunHandle } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

async function pollUpdates(client: HarnessClient, runId: string): Promise<number> {
  const history = await client.temporal.workflow.getHandle(runId).fetchHistory();
  return (history.events ?? []).filter((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).length;
}

async function collect(run: RunHandle): Promise<HarnessEventItem[]> {
  const items: HarnessEventItem[] = [];
  for await (const item of run.events()) items.push(item);
  return items;
}

describe('many followers of one run', () => {
  it('share one long poll: twelve get the whole log, with about one follower\'s poll updates in history', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 20ms
    script:
      - turns: [{ text: "a few words for twelve readers to share" }]
agents:
  - { id: a, model: m }
`,
    );
    await withWorker(workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'a', input: 'go' });
      const all = await Promise.all(Array.from({ length: 12 }, () => collect(run)));
      expect(all[0]!.at(-1)!.event.type).toBe('run.completed');
      expect(all[0]!.map((i) => i.offset)).toEqual(all[0]!.map((_, i) => i));
      for (const items of all) expect(items).toEqual(all[0]);

      const alone = await client.startRun({ agentId: 'a', input: 'go' });
      await collect(alone);
      const [shared, single] = await Promise.all([pollUpdates(client, run.runId), pollUpdates(client, alone.runId)]);
      expect(single).toBeGreaterThan(0);
      // Twelve subscriptions of their own would make ~12× the polls; one shared makes about one's.
      expect(shared).toBeLessThanOrEqual(2 * single + 2);
    });
  });
});
