import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError, RunFailedError, type HarnessClient, type RunHandle } from '../../src/client/index.js';
import { createHttpApp } from '../../src/http/index.js';
import type { HarnessEvent } from '../../src/workflows/run/events.js';
import { toolContextQuery, transcriptQuery } from '../../src/workflows/run/contract.js';
import { RUN_STATE } from '../../src/workflows/shared/search-attributes.js';
import type { RunStatus } from '../../src/workflows/run/contract.js';
import { fileLines, tempDir, withWorker, writeWorkspace } from '../support/harness.js';
import { lastToolResult, reply, startOpenAIStub } from '../support/openai-stub.js';
import { chainWorkspace } from '../support/sub-agent-workspace.js';

const delegatedPending = (s: RunStatus) => s.state === 'waiting_for_approval' && s.pendingApprovals.length === 1;

async function eventsUntilEnd(run: RunHandle): Promise<HarnessEvent[]> {
  const events: HarnessEvent[] = [];
  for await (const { event } of run.events()) events.push(event);
  return events;
}

async function runStateAttribute(client: HarnessClient, runId: string): Promise<unknown> {
  return (await client.temporal.workflow.getHandle(runId).describe()).typedSearchAttributes.get(RUN_STATE);
}

describe('sub-agents', () => {
  it("a sub-agent's approval surfaces on the top-level run and an update there decides it", async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 7', context: { tenant: 'acme' } });
      const parked = await run.waitFor(delegatedPending);
      const [pending] = parked.pendingApprovals;
      const childId = pending!.origin!.runId;
      expect(childId).toBe(`${run.runId}.call_1_0`);
      expect(pending).toMatchObject({
        approvalId: 'call_1_0/call_1_0',
        toolName: 'record_effect',
        input: { label: 'refund', amount: 42 },
        path: ['support', 'billing'],
        origin: { runId: childId, approvalId: 'call_1_0' },
      });
      expect(await runStateAttribute(client, run.runId)).toBe('waiting_for_approval');
      const child = client.getRun(childId);
      const childStatus = await child.status();
      expect(childStatus).toMatchObject({
        agentId: 'billing',
        state: 'waiting_for_approval',
        parent: { workflowId: run.runId, toolCallId: 'call_1_0', path: ['support'], depth: 1 },
      });
      expect(lines(effects)).toEqual([]);
      // What the Web UI shows for the child run.
      const described = await client.temporal.workflow.getHandle(childId).describe();
      expect(await described.staticSummary()).toBe('sub-agent billing · from support');
      expect(described.parentExecution?.workflowId).toBe(run.runId);

      // Refused at the top with the sub-agent's own rules: approver rights and the tool's schema.
      const notAllowed = await run.approve({ approvalId: pending!.approvalId, approver: 'mallory' }).catch((e: unknown) => e);
      expect(notAllowed).toBeInstanceOf(DecisionRejectedError);
      expect((notAllowed as DecisionRejectedError).code).toBe('APPROVER_NOT_ALLOWED');
      const badEdit = await run.edit({ label: 7 }, { approvalId: pending!.approvalId, approver: 'alice' }).catch((e: unknown) => e);
      expect((badEdit as DecisionRejectedError).code).toBe('INVALID_EDIT_INPUT');

      const record = await run.edit({ file: effects, label: 'refund-edited', amount: 40 }, { approvalId: pending!.approvalId, approver: 'alice', reason: 'partial' });
      // The update answers with what the child applied.
      expect(record).toMatchObject({
        approvalId: 'call_1_0/call_1_0',
        decision: 'edit',
        approver: 'alice',
        via: 'update',
        input: { label: 'refund-edited', amount: 40 },
        path: ['support', 'billing'],
        origin: { runId: childId, approvalId: 'call_1_0' },
      });
      const again = await run.approve({ approvalId: pending!.approvalId, approver: 'bob' }).catch((e: unknown) => e);
      expect((again as DecisionRejectedError).code).toBe('APPROVAL_ALREADY_DECIDED');

      const result = await run.result();
      expect(result.output).toBe('support: billing: recorded refund-edited');
      expect(lines(effects)).toEqual([`refund-edited ${childId}:call_1_0`]);
      const childResult = await child.result();
      expect(childResult.approvals[0]).toMatchObject({ approvalId: 'call_1_0', decision: 'edit', approver: 'alice', via: 'update' });
      // The child ran with the parent's context.
      expect(await client.temporal.workflow.getHandle(childId).query(toolContextQuery)).toMatchObject({ context: { tenant: 'acme' } });
      // The top-level run's usage includes its sub-agent's.
      expect(result.usage.totalTokens).toBeGreaterThan(childResult.usage.totalTokens);

      const final = await run.status();
      expect(final.pendingApprovals).toEqual([]);
      expect(final.approvals).toEqual([expect.objectContaining({ approvalId: 'call_1_0/call_1_0', decision: 'edit', path: ['support', 'billing'] })]);
      const events = await eventsUntilEnd(run);
      const requested = events.find((e) => e.type === 'approval.requested');
      expect(requested).toMatchObject({ approval: { approvalId: 'call_1_0/call_1_0', path: ['support', 'billing'] } });
      expect(events.find((e) => e.type === 'subagent.started')).toMatchObject({ agentId: 'billing', runId: childId, path: ['support', 'billing'] });
      expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ decision: { approvalId: 'call_1_0/call_1_0', via: 'update' } });
      expect(events.map((e) => (e.type === 'run.state.changed' ? e.to : undefined)).filter(Boolean)).toEqual([
        'running',
        'waiting_for_approval',
        'running',
        'completed',
      ]);
    });
  });

  it('a signal to the top-level run decides it too; a refused one is recorded there and changes nothing', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 8' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      const approvalId = pendingApprovals[0]!.approvalId;
      await run.decide({ approvalId, decision: 'reject', approver: 'nobody-special' }, { via: 'signal' });
      const ignored = await run.waitFor((s) => s.ignoredDecisions.length === 1);
      expect(ignored.ignoredDecisions[0]!.reason).toMatch(/^APPROVER_NOT_ALLOWED/);
      expect(ignored.pendingApprovals).toHaveLength(1);

      await run.decide({ approvalId, decision: 'reject', approver: 'bob', reason: 'duplicate' }, { via: 'signal' });
      const result = await run.result();
      expect(result.output).toBe('support: billing: Tool call rejected by bob: duplicate. The tool did not run.');
      expect(lines(effects)).toEqual([]);
      const status = await run.status();
      expect(status.approvals).toEqual([expect.objectContaining({ approvalId, decision: 'reject', approver: 'bob', via: 'signal' })]);
    });
  });

  it('depth 2: a grandchild approval shows on every run above it and is decided from the top', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support deep' });
      const parked = await run.waitFor(delegatedPending);
      const [pending] = parked.pendingApprovals;
      const billingId = `${run.runId}.call_1_0`;
      const ledgerId = `${billingId}.call_1_0`;
      expect(pending).toMatchObject({
        approvalId: 'call_1_0/call_1_0/call_1_0',
        path: ['support', 'billing', 'ledger'],
        origin: { runId: ledgerId, approvalId: 'call_1_0' },
      });
      const middle = await client.getRun(billingId).status();
      expect(middle).toMatchObject({ state: 'waiting_for_approval', pendingApprovals: [{ approvalId: 'call_1_0/call_1_0' }] });

      const record = await run.approve({ approvalId: pending!.approvalId, approver: 'carol' });
      expect(record).toMatchObject({ approvalId: 'call_1_0/call_1_0/call_1_0', decision: 'approve', approver: 'carol', via: 'update' });
      const result = await run.result();
      expect(result.output).toBe('support: billing: ledger: recorded ledger');
      expect(lines(effects)).toEqual([`ledger ${ledgerId}:call_1_0`]);
      expect((await client.getRun(billingId).status()).approvals).toEqual([expect.objectContaining({ approvalId: 'call_1_0/call_1_0', decision: 'approve' })]);
    });
  });

  it('deciding on the sub-agent run directly still works, and the top-level run sees it resolved', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 9' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      await client.getRun(pendingApprovals[0]!.origin!.runId).approve({ approver: 'bob' });
      const result = await run.result();
      expect(result.output).toBe('support: billing: recorded refund');
      expect((await run.status()).approvals).toEqual([
        expect.objectContaining({ approvalId: 'call_1_0/call_1_0', decision: 'approve', approver: 'bob', path: ['support', 'billing'] }),
      ]);
    });
  });

  it('a call past limits.maxAgentDepth is a tool error the model sees, not a failed run', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects, 1), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support deep' });
      const result = await run.result();
      expect(result.output).toBe(
        'support: billing: Sub-agent "ledger" was not started: it would run 2 levels below the top-level run ' +
          '(support → billing → ledger), deeper than limits.maxAgentDepth (1) allows. Do the work without it, or answer with what you have.',
      );
      await expect(client.getRun(`${run.runId}.call_1_0.call_1_0`).status()).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    });
  });

  it("a failed sub-agent is a tool error for its caller, which goes on", async () => {
    const dir = tempDir();
    await withWorker(chainWorkspace(dir, join(dir, 'effects.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support broken' });
      const result = await run.result();
      const childId = `${run.runId}.call_1_0`;
      expect(result.output).toMatch(new RegExp(`^support: Sub-agent "billing" \\(run ${childId.replace(/[.]/g, '\\.')}\\) failed: .*no rule matching the latest user message`));
      expect((await client.getRun(childId).status()).state).toBe('failed');
    });
  });

  it("a graph agent as sub-agent: its interrupts surface on the caller and are decided there", async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const graphs = fileURLToPath(new URL('../fixtures/graphs.ts', import.meta.url));
    const ws = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    script:
      - turns:
          - toolCalls: [{ name: refunds, args: { input: refund order A-1 } }]
          - text: "boss: {{lastToolResult}}"
agents:
  - { id: boss, model: m, subAgents: [refunds] }
  - id: refunds
    execution: graph
    graph: { module: ${JSON.stringify(graphs)}, export: twoInterrupts }
`,
    );
    await withWorker(ws, async ({ client }) => {
      // The context reaches the graph (its nodes log to the effects file).
      const run = await client.startRun({ agentId: 'boss', input: 'go', context: { effects } });
      const first = await run.waitFor(delegatedPending);
      expect(first.pendingApprovals[0]).toMatchObject({ toolName: 'confirm_amount', path: ['boss', 'refunds'], interrupt: { node: 'confirm_amount' } });
      await run.edit({ value: { amount: 30 } }, { approvalId: first.pendingApprovals[0]!.approvalId, approver: 'ann' });
      const second = await run.waitFor((s) => s.pendingApprovals[0]?.toolName === 'confirm_send');
      await run.decide({ approvalId: second.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'bob' }, { via: 'signal' });
      expect((await run.result()).output).toBe('boss: proposed 42; amount edit: 30; send approve by bob');
      expect(lines(effects).filter((l) => l === 'propose')).toHaveLength(1);
    });
  });

  it("a run that continues as new keeps its sub-agents' decisions", async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const ws = writeWorkspace(
      dir,
      `
models:
  m:
    provider: scripted
    script:
      - when: ^billing job
        turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund } }]
          - text: "billing: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: billing, args: { input: billing job } }]
          - toolCalls: [{ name: echo, args: { text: one } }]
          - toolCalls: [{ name: echo, args: { text: two } }]
          - text: "support: {{lastToolResult}}"
agents:
  - { id: support, model: m, tools: [echo], subAgents: [billing] }
  - { id: billing, model: m, tools: [record_effect], requireApproval: [record_effect] }
limits:
  continueAsNewAfterEvents: 10
`,
    );
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'go' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      await run.approve({ approvalId: pendingApprovals[0]!.approvalId, approver: 'ann' });
      const result = await run.result();
      expect(result.output).toBe('support: echo: two');
      const executions = [];
      for await (const e of client.temporal.workflow.list({ query: `WorkflowId = "${run.runId}"` })) executions.push(e);
      expect(executions.length).toBeGreaterThanOrEqual(2);
      expect((await run.status()).approvals).toEqual([
        expect.objectContaining({ approvalId: pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'ann', path: ['support', 'billing'] }),
      ]);
      const again = await run.approve({ approvalId: pendingApprovals[0]!.approvalId, approver: 'ann' }).catch((e: unknown) => e);
      expect(again).toMatchObject({ code: 'RUN_NOT_ACTIVE' });
    });
  });

  it('requireApproval may name a sub-agent: the delegation waits, and an edit is checked against { input, context? }', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const ws = chainWorkspace(dir, effects);
    writeFileSync(ws, readFileSync(ws, 'utf8').replace('    subAgents: [billing]\n', '    subAgents: [billing]\n    requireApproval: [billing]\n'));
    await withWorker(ws, async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 12' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.pendingApprovals).toEqual([expect.objectContaining({ approvalId: 'call_1_0', toolName: 'billing', input: { input: 'billing job' } })]);
      // No child run while the delegation waits.
      await expect(client.getRun(`${run.runId}.call_1_0`).status()).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      await expect(run.edit({ request: 'x' })).rejects.toMatchObject({ code: 'INVALID_EDIT_INPUT' });
      await run.edit({ input: 'billing job, edited', context: 'approved by a lead' });
      // The child's own approval then surfaces like any other.
      const child = await run.waitFor(delegatedPending);
      expect(child.pendingApprovals[0]!.approvalId).toBe('call_1_0/call_1_0');
      expect(await client.getRun(`${run.runId}.call_1_0`).status()).toMatchObject({ agentId: 'billing' });
      const [first] = await client.temporal.workflow.getHandle(`${run.runId}.call_1_0`).query(transcriptQuery);
      expect(first).toEqual({ role: 'user', content: 'billing job, edited\n\nContext from support: approved by a lead' });
      await run.approve({ approvalId: 'call_1_0/call_1_0', approver: 'alice' });
      expect((await run.result()).output).toBe('support: billing: recorded refund');
    });
  });

  it('the HTTP API decides a delegated approval on the top-level run (the id URL-encoded)', async () => {
    const dir = tempDir();
    await withWorker(chainWorkspace(dir, join(dir, 'effects.log')), async ({ client }) => {
      const app = createHttpApp(client);
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 13' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      const url = `/runs/${run.runId}/approvals/${encodeURIComponent(pendingApprovals[0]!.approvalId)}`;
      const post = (body: unknown) => app.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const refused = await post({ decision: 'approve', approver: 'eve' });
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ error: { code: 'APPROVER_NOT_ALLOWED' } });
      const ok = await post({ decision: 'approve', approver: 'bob' });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ approvalId: 'call_1_0/call_1_0', decision: 'approve', approver: 'bob', path: ['support', 'billing'] });
      expect((await run.result()).output).toBe('support: billing: recorded refund');
    });
  });

  it('a real (OpenAI-compatible) model is offered the sub-agent as a tool and can call it', async () => {
    const stub = await startOpenAIStub((req) => {
      const system = String(req.body.messages[0]?.content);
      if (system.startsWith('You bill')) return reply.text(`billed: ${String(req.body.messages.at(-1)?.content)}`);
      return req.body.messages.some((m) => m.role === 'tool')
        ? reply.text(`support: ${lastToolResult(req)}`)
        : reply.toolCall('billing', { input: 'refund order 7', context: 'loyal customer' });
    });
    process.env.HARNESS_TEST_SUBAGENT_KEY = 'sk-test';
    try {
      const ws = writeWorkspace(
        tempDir(),
        `
models:
  gpt: { provider: openai, model: gpt-4o-mini, baseUrl: ${stub.baseUrl}, apiKeyEnv: HARNESS_TEST_SUBAGENT_KEY }
agents:
  - { id: support, model: gpt, systemPrompt: You support., tools: [echo], subAgents: [billing] }
  - { id: billing, description: Issues refunds., model: gpt, systemPrompt: You bill. }
`,
      );
      await withWorker(ws, async ({ client }) => {
        const run = await client.startRun({ agentId: 'support', input: 'refund please' });
        expect((await run.result()).output).toBe('support: billed: refund order 7\n\nContext from support: loyal customer');
        const tools = stub.requests[0]!.body.tools!.map((t) => t.function);
        expect(tools.map((t) => t.name)).toEqual(['echo', 'billing']);
        expect(tools[1]).toMatchObject({
          description: 'Delegate to the "billing" agent: Issues refunds.',
          parameters: { type: 'object', required: ['input'], properties: { input: { type: 'string' }, context: { type: 'string' } } },
        });
      });
    } finally {
      delete process.env.HARNESS_TEST_SUBAGENT_KEY;
      await stub.close();
    }
  });

  it("a sub-agent approval decided by its deadline resolves on the top-level run too, which resumes", async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    const ws = chainWorkspace(dir, effects);
    writeFileSync(ws, readFileSync(ws, 'utf8').replace('    requireApproval: [record_effect]\n', '    requireApproval: [{ tool: record_effect, timeout: 1s, onTimeout: approve }]\n'));
    await withWorker(ws, async ({ client }) => {
      // Nobody decides: the run only has to finish (however fast the deadline beats the reports up).
      const run = await client.startRun({ agentId: 'support', input: 'support deep' });
      const result = await run.result();
      expect(result.output).toBe('support: billing: ledger: recorded ledger');
      expect((await run.status()).approvals).toEqual([
        expect.objectContaining({ approvalId: 'call_1_0/call_1_0/call_1_0', decision: 'approve', via: 'timeout' }),
      ]);
      const events = await eventsUntilEnd(run);
      expect(events.find((e) => e.type === 'approval.requested')).toMatchObject({ approval: { path: ['support', 'billing', 'ledger'] } });
      const states = events.flatMap((e) => (e.type === 'run.state.changed' ? [e.to] : []));
      expect(states).toEqual(['running', 'waiting_for_approval', 'running', 'completed']);
    });
  });

  it('a terminated top-level run has its sub-agent asked to cancel (parent close policy)', async () => {
    const dir = tempDir();
    await withWorker(chainWorkspace(dir, join(dir, 'effects.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 14' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      const child = client.getRun(pendingApprovals[0]!.origin!.runId);
      await client.temporal.workflow.getHandle(run.runId).terminate('test');
      await expect(child.result()).rejects.toMatchObject({ code: 'RUN_CANCELLED' });
      expect((await child.status()).state).toBe('cancelled');
    });
  });

  it('cancelling the top-level run cancels its sub-agent, which ends cancelled', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(chainWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'support', input: 'support: refund order 10' });
      const { pendingApprovals } = await run.waitFor(delegatedPending);
      const childId = pendingApprovals[0]!.origin!.runId;
      await run.cancel();
      const err = await run.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).code).toBe('RUN_CANCELLED');
      const child = client.getRun(childId);
      expect((await child.result().catch((e: unknown) => e)) as RunFailedError).toMatchObject({ code: 'RUN_CANCELLED' });
      expect((await client.temporal.workflow.getHandle(childId).describe()).status.name).toBe('CANCELLED');
      expect((await child.status()).state).toBe('cancelled');
      const status = await run.status();
      expect(status.state).toBe('cancelled');
      expect(status.pendingApprovals).toEqual([]);
      expect(status.approvals).toEqual([expect.objectContaining({ approvalId: 'call_1_0/call_1_0', via: 'cancel' })]);
      expect(lines(effects)).toEqual([]);
    });
  });
});

const lines = fileLines;
