/**
 * A small MCP server (official TypeScript SDK, stdio) for the MCP example: notes in memory, a
 * read-only `list_notes` and a destructive `delete_note`. `delete_note` honours the harness's
 * idempotency key: a repeated key gets the first call's answer instead of acting twice.
 * Logs go to stderr (stdout carries the protocol).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const notes = new Map([
  ['groceries', 'milk, eggs, coffee'],
  ['ideas', 'a durable agent that waits for approval'],
]);
/** Answers already given, by idempotency key (a real server would keep these in its database). */
const done = new Map<string, string>();

const server = new McpServer({ name: 'notes', version: '1.0.0' });

server.registerTool(
  'list_notes',
  { description: 'List every note with its text.', inputSchema: {}, annotations: { readOnlyHint: true } },
  () => ({ content: [{ type: 'text', text: [...notes].map(([id, text]) => `${id}: ${text}`).join('\n') || '(no notes)' }] }),
);

server.registerTool(
  'delete_note',
  { description: 'Delete a note by id.', inputSchema: { id: z.string() }, annotations: { destructiveHint: true } },
  ({ id }, extra) => {
    const key = extra._meta?.['temporal-harness/idempotency-key'];
    const earlier = typeof key === 'string' ? done.get(key) : undefined;
    if (earlier !== undefined) return { content: [{ type: 'text', text: earlier }] };
    const answer = notes.delete(id) ? `deleted note ${id}` : `there is no note ${id}`;
    if (typeof key === 'string') done.set(key, answer);
    console.error(`notes-server: ${answer} (key ${String(key)})`);
    return { content: [{ type: 'text', text: answer }] };
  },
);

await server.connect(new StdioServerTransport());
