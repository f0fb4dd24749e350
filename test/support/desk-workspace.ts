/**
 * The "desk" workspace the ask_human / client-tool surface tests share: `ship…` asks a person
 * (ask_human), `book…` calls the client tool `pick_date`, whose result the caller's app supplies.
 */
import type { HarnessClient } from '../../src/client/index.js';
import { createHttpApp, listenHttp, type HttpAppOptions } from '../../src/http/index.js';
import { tempDir, withWorker, writeWorkspace } from './harness.js';

/** Writes the desk workspace; `intro` and `question` are what the model says and asks for `ship…`. */
export function deskWorkspace({ intro = 'Let me ask.', question = 'Which office?' } = {}): string {
  return writeWorkspace(
    tempDir(),
    `
models:
  m:
    provider: scripted
    script:
      - when: ship
        turns:
          - text: ${JSON.stringify(intro)}
            toolCalls: [{ name: ask_human, args: { question: ${JSON.stringify(question)} } }]
          - text: "Shipping to: {{lastToolResult}}"
      - when: book
        turns:
          - toolCalls: [{ name: pick_date, args: { purpose: delivery } }]
          - text: "Booked for {{lastToolResult}}"
agents:
  - { id: desk, model: m, askHuman: true, tools: [pick_date] }
`,
    `  client:
    pick_date:
      description: Ask the user to pick a date in their calendar.
      input: { type: object, properties: { purpose: { type: string } }, required: [purpose] }
      output: { type: object, properties: { date: { type: string, pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" } }, required: [date] }
`,
  );
}

/** Runs `body` against a real HTTP server (and worker) for the desk workspace. */
export async function withDeskServer(body: (url: string, client: HarnessClient) => Promise<void>, options: HttpAppOptions = {}): Promise<void> {
  await withWorker(deskWorkspace(), async ({ client }) => {
    const server = await listenHttp(createHttpApp(client, { heartbeatMs: 1_000, ...options }), { port: 0 });
    try {
      await body(server.url, client);
    } finally {
      await server.close(1_000);
    }
  });
}
