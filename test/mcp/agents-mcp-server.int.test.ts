/**
 * Agents as an MCP server, driven by the official SDK's client: over stdio (`harness mcp` spawned
 * as a real process) and over Streamable HTTP (`/mcp` of the HTTP API, behind its bearer tokens).
 * A call starts a durable run that parks on an approval; the client learns it waits (or is asked
 * by elicitation), the approval is decided through MCP, and the client receives the answer; the
 * tool ran once, and the decision is recorded under the MCP caller's name.
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { bearerTokens, createHttpApp, listenHttp, parseApiTokens } from '../../src/http/index.js';
import { cliEnv, HARNESS_BIN, REPO_ROOT } from '../support/cli.js';
import { fileLines, tempDir, temporalAddress, withWorker, refundWorkspace } from '../support/harness.js';

const ALICE = `alice-${'1'.repeat(40)}`;
const MALLORY = `mallory-${'3'.repeat(40)}`;

/** `record_effect` needs alice's approval; each execution appends a line to `effects`. */
function workspace(effects: string): string {
  return refundWorkspace(
    effects,
    `  - id: payer
    description: Pays refunds.
    model: m
    tools: [record_effect]
    requireApproval:
      - { tool: record_effect, approvers: [alice] }
`,
  );
}

const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const structured = (r: unknown) => (r as CallToolResult).structuredContent as { runId: string; state: string; pendingApprovals?: { approvalId: string }[] };

describe('harness mcp (stdio, a real process)', () => {
  it('a call parks on an approval and says so at once; harness_decide approves and answers with the reply', async () => {
    const effects = join(tempDir(), 'effects.log');
    const file = workspace(effects);
    await withWorker(file, async ({ client: harness, taskQueue }) => {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [HARNESS_BIN, 'mcp', '--approver', 'alice'],
        env: cliEnv({ address: temporalAddress(), taskQueue, workspace: file }) as Record<string, string>,
        cwd: REPO_ROOT,
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const client = new Client({ name: 'test-client', version: '1.0.0' });
      await client.connect(transport);
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name).sort()).toEqual(['harness_decide', 'harness_run_status', 'payer']);
        expect(tools.find((t) => t.name === 'payer')?.description).toMatch(/^Pays refunds\. Starts a durable run/);

        const first = await client.callTool({ name: 'payer', arguments: { message: 'refund order A-1001' } });
        const { runId, state, pendingApprovals } = structured(first);
        expect(state).toBe('waiting_for_approval');
        expect(text(first)).toContain(`Run ${runId} (agent payer) is waiting for a person to approve a tool call`);
        expect(text(first)).toContain('record_effect {"file"');
        expect(text(first)).toContain(`harness approve ${runId}`);
        expect(fileLines(effects)).toHaveLength(0);

        const status = await client.callTool({ name: 'harness_run_status', arguments: { runId } });
        expect(structured(status)).toMatchObject({ runId, state: 'waiting_for_approval' });

        const decided = await client.callTool({ name: 'harness_decide', arguments: { runId, approvalId: pendingApprovals![0]!.approvalId, decision: 'approve' } });
        expect(decided.isError).toBeFalsy();
        expect(text(decided)).toBe('final: recorded refund');
        expect(fileLines(effects)).toHaveLength(1);
        expect((await harness.getRun(runId).status()).approvals[0]).toMatchObject({ decision: 'approve', approver: 'alice', via: 'update' });
      } finally {
        await client.close();
      }
      expect(stderr).toContain('harness mcp: 1 agent(s) as tools (payer)');
    });
  });
});

describe('/mcp under the HTTP API (Streamable HTTP, bearer tokens)', () => {
  it('asks the caller by elicitation, records the decision under the principal, and answers with the reply in the same call', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client: harness }) => {
      const shutdown = new AbortController();
      const app = createHttpApp(harness, {
        authenticate: bearerTokens(parseApiTokens(`alice=${ALICE} mallory=${MALLORY}`)),
        mcp: { agents: [{ id: 'payer', description: 'Pays refunds.' }] },
        signal: shutdown.signal,
      });
      const server = await listenHttp(app, { port: 0 });
      const url = new URL(`${server.url}/mcp`);
      const asked: string[] = [];
      const client = new Client({ name: 'test-client', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
      client.setRequestHandler(ElicitRequestSchema, (request) => {
        asked.push(request.params.message);
        return { action: 'accept', content: { decision: 'approve', reason: 'customer verified' } };
      });
      const transport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${ALICE}` } } });
      try {
        await client.connect(transport);
        const reply = await client.callTool({ name: 'payer', arguments: { message: 'refund order A-1001' } });
        expect(reply.isError).toBeFalsy();
        expect(text(reply)).toBe('final: recorded refund');
        expect(asked).toHaveLength(1);
        expect(asked[0]).toMatch(/^Agent payer \(run run-[^)]+\) asks to run record_effect \{"file":.*"amount":42\}\. Approve it\?$/);
        const { runId } = structured(reply);
        expect((await harness.getRun(runId).status()).approvals[0]).toMatchObject({ decision: 'approve', approver: 'alice', reason: 'customer verified' });
        expect(fileLines(effects)).toHaveLength(1);

        // The session is alice's: mallory cannot use its id, and nobody gets in without a token.
        const headers = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'mcp-session-id': transport.sessionId! };
        const listTools = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
        const foreign = await fetch(url, { method: 'POST', headers: { ...headers, Authorization: `Bearer ${MALLORY}` }, body: listTools });
        expect(foreign.status).toBe(403);
        expect(await foreign.json()).toMatchObject({ error: { message: expect.stringContaining('opened by someone else') } });
        expect((await fetch(url, { method: 'POST', headers, body: listTools })).status).toBe(401);
      } finally {
        await client.close();
        shutdown.abort();
        await server.close();
      }
    });
  });

  it('without elicitation the call answers that the run waits; a decision by a principal the tool does not allow is refused and nothing runs', async () => {
    const effects = join(tempDir(), 'effects.log');
    await withWorker(workspace(effects), async ({ client: harness }) => {
      const shutdown = new AbortController();
      const app = createHttpApp(harness, {
        authenticate: bearerTokens(parseApiTokens(`alice=${ALICE} mallory=${MALLORY}`)),
        mcp: { agents: [{ id: 'payer' }] },
        signal: shutdown.signal,
      });
      const server = await listenHttp(app, { port: 0 });
      const connectAs = async (token: string) => {
        const c = new Client({ name: 'test-client', version: '1.0.0' });
        await c.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
        return c;
      };
      const mallory = await connectAs(MALLORY);
      const alice = await connectAs(ALICE);
      try {
        const first = await mallory.callTool({ name: 'payer', arguments: { message: 'refund order A-1001' } });
        const { runId } = structured(first);
        expect(structured(first).state).toBe('waiting_for_approval');

        const refused = await mallory.callTool({ name: 'harness_decide', arguments: { runId, decision: 'approve' } });
        expect(refused.isError).toBe(true);
        expect(text(refused)).toMatch(/^APPROVER_NOT_ALLOWED: /);
        expect(fileLines(effects)).toHaveLength(0);

        const approved = await alice.callTool({ name: 'harness_decide', arguments: { runId, decision: 'approve' } });
        expect(text(approved)).toBe('final: recorded refund');
        expect((await harness.getRun(runId).status()).approvals[0]).toMatchObject({ approver: 'alice' });
        expect(fileLines(effects)).toHaveLength(1);
      } finally {
        await mallory.close();
        await alice.close();
        shutdown.abort();
        await server.close();
      }
    });
  });
});
