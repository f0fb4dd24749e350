/** examples/mcp runs as its README says: the read-only tool at once, the destructive one after approval. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { uniqueId, withWorker } from '../support/harness.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/mcp/harness.yaml', import.meta.url));

describe('examples/mcp', () => {
  it('lists notes without approval; deletes one only after approval', async () => {
    await withWorker(EXAMPLE, async ({ client }) => {
      const list = await client.startRun({ input: 'What are my notes?', runId: uniqueId('run') });
      expect((await list.result()).output).toBe('Your notes:\ngroceries: milk, eggs, coffee\nideas: a durable agent that waits for approval');

      const del = await client.startRun({ input: 'Delete the groceries note', runId: uniqueId('run') });
      const waiting = await del.waitFor((st) => st.pendingApprovals.length === 1);
      expect(waiting.pendingApprovals[0]!.toolName).toBe('mcp__notes__delete_note');
      await del.approve();
      expect((await del.result()).output).toBe('Done: deleted note groceries');
    });
  });
});
