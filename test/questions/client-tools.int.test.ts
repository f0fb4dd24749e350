/**
 * Client tools against the real dev server and over HTTP: the model calls a tool marked in the
 * workspace's `tools.client`; the run parks with the call in `GET /runs/:id`; the caller's app
 * POSTs the result (checked against the tool's output schema, bounded), the model gets it, the
 * run completes. Bad results are refused with a clear 4xx and change nothing.
 */
import { describe, expect, it } from 'vitest';
import type { HarnessEvent, RunStatus } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import { CLIENT_TOOL_LIMITS } from '../../src/workflows/run/contract.js';
import { tempDir, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: pick_date, args: { purpose: delivery } }]
          - text: "Booked for {{lastToolResult}}"
agents:
  - { id: booker, model: m, tools: [pick_date] }
`,
    // The tools section's rest (writeWorkspace writes its module line).
    `  client:
    pick_date:
      description: Ask the user to pick a date in their calendar.
      input: { type: object, properties: { purpose: { type: string } }, required: [purpose] }
      output: { type: object, properties: { date: { type: string, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" } }, required: [date] }
`,
  );
}

const json = { 'Content-Type': 'application/json' };

describe('client tools', () => {
  it('parks on the call; the app supplies a schema-checked result over HTTP; the run completes', async () => {
    await withWorker(workspace(), async ({ client }) => {
      const app = createHttpApp(client);
      const run = await client.startRun({ agentId: 'booker', input: 'book a delivery' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const shown = (await (await app.request(`/runs/${run.runId}`)).json()) as RunStatus;
      expect(shown.pendingToolCalls).toEqual([expect.objectContaining({ toolName: 'pick_date', input: { purpose: 'delivery' }, step: 1 })]);
      const toolCallId = shown.pendingToolCalls![0]!.toolCallId;

      const post = (id: string, body: unknown) =>
        app.request(`/runs/${run.runId}/tool-calls/${encodeURIComponent(id)}`, { method: 'POST', headers: json, body: JSON.stringify(body) });
      const refusals: [string, Response, number, string][] = [
        ['fails the output schema', await post(toolCallId, { result: { date: 'next tuesday' } }), 400, 'INVALID_TOOL_RESULT'],
        ['no result', await post(toolCallId, {}), 400, 'INVALID_REQUEST'],
        ['unknown call', await post('nope', { result: { date: '2026-03-01' } }), 409, 'UNKNOWN_TOOL_CALL'],
        ['oversized', await post(toolCallId, { result: { date: '2026-03-01', pad: 'x'.repeat(CLIENT_TOOL_LIMITS.resultBytes) } }), 413, 'TOOL_RESULT_TOO_LARGE'],
      ];
      for (const [what, res, status, code] of refusals) {
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect({ what, status: res.status, code: body.error.code }).toEqual({ what, status, code });
      }
      const schemaRefusal = await (await post(toolCallId, { result: { date: 'soon' } })).json();
      expect(JSON.stringify(schemaRefusal)).toContain('pick_date');
      const unchanged = await run.status();
      expect(unchanged.pendingToolCalls).toEqual(shown.pendingToolCalls);
      expect(unchanged.toolResults).toEqual([]);

      const supplied = await post(toolCallId, { result: { date: '2026-03-01' } });
      expect(supplied.status).toBe(200);
      expect((await run.result()).output).toBe('Booked for {"date":"2026-03-01"}');
      expect((await run.status()).toolResults).toEqual([expect.objectContaining({ toolCallId, result: { date: '2026-03-01' }, isError: false })]);

      const events: HarnessEvent[] = [];
      for await (const { event } of run.events()) events.push(event);
      expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['client_tool.requested', 'client_tool.supplied']));
    });
  });
});
