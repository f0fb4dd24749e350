/**
 * MCP servers as tool sources in real runs: a real MCP server written with the official SDK
 * (test/fixtures/mcp/notes-server.ts), over stdio as a child process of the worker and over
 * Streamable HTTP, a scripted model, a Temporal dev server. A read-only tool runs without
 * approval; a destructive one parks, runs exactly once when approved and never when rejected;
 * an unreachable server becomes a clear tool error for the model after the retries.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectMcpServers } from '../../src/mcp/attach.js';
import { isWorkspaceError, loadWorkspace } from '../../src/workspace/index.js';
import { fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { startNotesHttpServer } from '../fixtures/mcp/notes-server.js';
import { historyText } from '../support/history-text.js';

const NOTES_SERVER = new URL('../fixtures/mcp/notes-server.ts', import.meta.url).pathname;
const REPO_ROOT = new URL('../..', import.meta.url).pathname;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setEnv(value: string): string {
  const name = `HARNESS_TEST_MCP_${randomUUID().slice(0, 8).toUpperCase()}`;
  process.env[name] = value;
  cleanups.push(() => {
    delete process.env[name];
  });
  return name;
}

const SCRIPT = `models:
  script:
    provider: scripted
    script:
      - when: read
        turns:
          - toolCalls: [{ name: mcp__SERVER__read_note, args: { id: n1 } }]
          - text: "Read: {{lastToolResult}}"
      - when: archive
        turns:
          - toolCalls: [{ name: mcp__SERVER__archive_note, args: { id: n3, gate: /nonexistent/never-opened } }]
          - text: "Result: {{lastToolResult}}"
      - when: touch grow
        turns:
          - toolCalls: [{ name: mcp__SERVER__touch_note, args: { id: grow } }]
          - text: "Result: {{lastToolResult}}"
      - when: pin
        turns:
          - toolCalls: [{ name: mcp__SERVER__pin_note, args: { id: n1 } }]
          - text: "Result: {{lastToolResult}}"
      - when: delete locked
        turns:
          - toolCalls: [{ name: mcp__SERVER__delete_note, args: { id: locked } }]
          - text: "Result: {{lastToolResult}}"
      - when: delete
        turns:
          - toolCalls: [{ name: mcp__SERVER__delete_note, args: { id: n2 } }]
          - text: "Result: {{lastToolResult}}"
limits:
  toolRetry: { maximumAttempts: 2, initialInterval: 100ms, backoffCoefficient: 1, maximumInterval: 100ms }
  heartbeatTimeout: 3s   # a cancelled call learns of it at its next heartbeat
`;

/** A workspace whose agent `notes` uses every tool of the MCP server `server` (its YAML given). */
function workspaceWith(dir: string, server: string, serverYaml: string, agentTools = `[mcp__${server}__*]`): string {
  return writeWorkspace(
    dir,
    `${SCRIPT.replaceAll('SERVER', server)}mcp:
  servers:
    ${server}:
${serverYaml}
agents:
  - id: notes
    model: script
    tools: ${agentTools}
`,
  );
}

/** The stdio notes server, its log in a temp dir handed over through an env var reference. */
function stdioSetup(agentTools?: string) {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const logEnv = setEnv(log);
  const yaml = `      command: ${JSON.stringify(process.execPath)}
      args: ["--import", "tsx", ${JSON.stringify(NOTES_SERVER)}, "--stdio"]
      cwd: ${JSON.stringify(REPO_ROOT)}
      env: { NOTES_LOG: "\${${logEnv}}" }`;
  return { dir, log, workspace: workspaceWith(dir, 'notes', yaml, agentTools) };
}

async function httpSetup() {
  const dir = tempDir();
  const log = join(dir, 'calls.log');
  const token = `tok-${randomUUID()}`;
  const server = await startNotesHttpServer(log, token);
  cleanups.push(() => server.close());
  const tokenEnv = setEnv(token);
  const yaml = `      url: ${server.url}
      headers: { Authorization: "Bearer \${${tokenEnv}}" }`;
  return { dir, log, token, server, workspace: workspaceWith(dir, 'remote', yaml) };
}

describe('MCP tools over stdio (official SDK server as a child process)', () => {
  it('runs a read-only tool without approval, as a callTool activity, with the idempotency key in _meta', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'notes', input: 'read my note', runId: uniqueId('run') });
      const result = await run.result();
      expect(result.output).toBe('Read: note n1: buy milk');
      const lines = fileLines(s.log);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^read n1 ${run.runId}:call_\\d+_0$`));
      const { events } = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const toolCalls = (events ?? []).filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'callTool');
      expect(toolCalls).toHaveLength(1);
      // Nothing waited for a decision.
      expect((await run.status()).approvals).toHaveLength(0);
    });
  });

  it('parks a destructive tool; approved, it runs exactly once', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'notes', input: 'delete my note', runId: uniqueId('run') });
      const waiting = await run.waitFor((st) => st.pendingApprovals.length === 1);
      expect(waiting.pendingApprovals[0]).toMatchObject({ toolName: 'mcp__notes__delete_note', input: { id: 'n2' } });
      expect(fileLines(s.log)).toHaveLength(0);
      await run.approve({ approver: 'ops@example.com' });
      expect((await run.result()).output).toBe('Result: deleted note n2');
      expect(fileLines(s.log).filter((l) => l.startsWith('delete n2 '))).toHaveLength(1);
    });
  });

  it('rejected, a destructive tool never runs', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'notes', input: 'delete my note', runId: uniqueId('run') });
      await run.waitFor((st) => st.pendingApprovals.length === 1);
      await run.reject({ approver: 'ops@example.com', reason: 'keep it' });
      const result = await run.result();
      expect(result.output).toMatch(/^Result: .*keep it/);
      expect(fileLines(s.log)).toHaveLength(0);
    });
  });

  it('a tool that answers isError reaches the model as a tool error, without a retry', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'notes', input: 'delete locked note', runId: uniqueId('run') });
      await run.waitFor((st) => st.pendingApprovals.length === 1);
      await run.approve();
      expect((await run.result()).output).toBe('Result: Tool "mcp__notes__delete_note" failed: note locked is locked');
      expect(fileLines(s.log)).toHaveLength(1);
    });
  });

  it('cancelling the run cancels the MCP call in flight: the server sees the cancellation', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const run = await client.startRun({ agentId: 'notes', input: 'archive it', runId: uniqueId('run') });
      await eventually(() => fileLines(s.log).some((l) => l.startsWith('archive n3 ')), (seen) => seen, 'the archive call to reach the server');
      await run.cancel();
      await expect(run.result()).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
      await eventually(() => fileLines(s.log).some((l) => l.startsWith('archive-cancelled n3 ')), (seen) => seen, 'the server to see the cancellation');
    });
  });

  it('follows tools/list_changed: a tool the server adds is offered to runs planned afterwards, gated by its annotations', async () => {
    const s = stdioSetup();
    await withWorker(s.workspace, async ({ client, workspace }) => {
      const toolsOf = () => workspace.agents.get('notes')!.tools;
      expect(toolsOf()).not.toContain('mcp__notes__pin_note');
      // The call makes the server register pin_note and notify the worker's connection.
      const grow = await client.startRun({ agentId: 'notes', input: 'touch grow', runId: uniqueId('run') });
      expect((await grow.result()).output).toBe('Result: touched note grow');
      await eventually(() => toolsOf(), (tools) => tools.includes('mcp__notes__pin_note'), 'the worker to refresh the tool list');
      expect(workspace.agents.get('notes')!.requireApproval.map((r) => r.tool)).toContain('mcp__notes__pin_note');

      const pin = await client.startRun({ agentId: 'notes', input: 'pin it', runId: uniqueId('run') });
      const waiting = await pin.waitFor((st) => st.pendingApprovals.length === 1);
      expect(waiting.pendingApprovals[0]).toMatchObject({ toolName: 'mcp__notes__pin_note', input: { id: 'n1' } });
      expect(fileLines(s.log).filter((l) => l.startsWith('pin '))).toHaveLength(0);
      await pin.approve();
      expect((await pin.result()).output).toBe('Result: pinned note n1');
      expect(fileLines(s.log).filter((l) => l.startsWith('pin n1 '))).toHaveLength(1);
    });
  });

  it('a worker refuses to start when an agent names a tool its server does not list, naming server and tool', async () => {
    const s = stdioSetup('[mcp__notes__read_note, mcp__notes__shred_note]');
    const err = await connectMcpServers(await loadWorkspace(s.workspace)).then(
      () => expect.unreachable('expected a WorkspaceError'),
      (e: unknown) => e,
    );
    expect(isWorkspaceError(err) && err.code).toBe('MCP_TOOLS_INVALID');
    expect((err as Error).message).toContain('agents[0].tools[1]: MCP server "notes" has no tool "shred_note"; its tools: read_note, delete_note, touch_note');
  });
});

describe('MCP tools over Streamable HTTP (official SDK server, headers from env vars)', () => {
  it('runs the read-only tool without approval and the destructive one once after approval; the token never reaches history', async () => {
    const s = await httpSetup();
    await withWorker(s.workspace, async ({ client }) => {
      const read = await client.startRun({ agentId: 'notes', input: 'read my note', runId: uniqueId('run') });
      expect((await read.result()).output).toBe('Read: note n1: buy milk');

      const del = await client.startRun({ agentId: 'notes', input: 'delete my note', runId: uniqueId('run') });
      await del.waitFor((st) => st.pendingApprovals.length === 1);
      expect(fileLines(s.log).filter((l) => l.startsWith('delete'))).toHaveLength(0);
      await del.approve();
      expect((await del.result()).output).toBe('Result: deleted note n2');
      // The key is the run id and the tool call id (the approval's id).
      const approvalId = (await del.status()).approvals[0]!.approvalId;
      expect(fileLines(s.log).filter((l) => l.startsWith('delete n2 '))).toEqual([`delete n2 ${del.runId}:${approvalId}`]);
      expect(await historyText(client, del.runId)).not.toContain(s.token);
    });
  });

  it('a server that is down becomes a clear tool error for the model after the retries; the run goes on', async () => {
    const s = await httpSetup();
    await withWorker(s.workspace, async ({ client }) => {
      await s.server.close(); // discovered at worker start, gone by the time the model calls it
      const run = await client.startRun({ agentId: 'notes', input: 'read my note', runId: uniqueId('run') });
      const result = await run.result();
      expect(result.output).toMatch(/^Read: .*MCP server "remote" did not answer the call of "read_note"/);
      const { events } = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const failed = (events ?? []).find((e) => e.activityTaskFailedEventAttributes);
      expect(failed?.activityTaskFailedEventAttributes?.failure?.applicationFailureInfo?.type).toBe('MCP_SERVER_UNAVAILABLE');
    });
  });
});
