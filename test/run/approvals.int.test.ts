import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError, RunFailedError } from '../../src/client/index.js';
import { tempDir, withWorker, writeWorkspace, fileLines } from '../support/harness.js';

/** A workspace whose scripted agent calls `record_effect` (needs approval) and then answers. */
function refundWorkspace(dir: string, effects: string): string {
  return writeWorkspace(
    dir,
    `
models:
  m:
    provider: scripted
    script:
      - when: two refunds
        turns:
          - toolCalls:
              - { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: first, amount: 10 } }
              - { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: second, amount: 20 } }
              - { name: echo, args: { text: no approval needed } }
          - text: "results: {{lastToolResult}}"
      - when: unknown tool
        turns:
          - toolCalls:
              - { name: echo, args: { text: hi } }
              - { name: echo, args: { wrong: 1 } }
              - { name: always_fails, args: { message: not mine } }
          - text: "results: {{lastToolResult}}"
      - when: failing tool
        turns:
          - toolCalls: [{ name: explode, args: { message: disk full } }]
          - text: "results: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
agents:
  - id: payer
    model: m
    tools: [record_effect, echo, explode]
    requireApproval: [record_effect]
limits:
  toolRetry: { maximumAttempts: 2, initialInterval: 10ms }
`,
  );
}

const lines = fileLines;

describe('approvals', () => {
  it('parks on a tool call needing approval, then runs it once approved', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(refundWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      expect(parked.pendingApprovals).toHaveLength(1);
      const [pending] = parked.pendingApprovals;
      expect(pending).toMatchObject({ toolName: 'record_effect', input: { label: 'refund', amount: 42 } });
      // The tool has not run while the run waits.
      expect(lines(effects)).toEqual([]);

      const record = await run.approve({ approver: 'alice', reason: 'looks right' });
      expect(record).toMatchObject({ approvalId: pending!.approvalId, decision: 'approve', approver: 'alice', via: 'update' });

      const result = await run.result();
      expect(result.output).toBe('final: recorded refund');
      expect(lines(effects)).toEqual([`refund ${run.runId}:${pending!.approvalId}`]);
      const status = await run.status();
      expect(status.state).toBe('completed');
      expect(status.approvals[0]).toMatchObject({ approver: 'alice', reason: 'looks right' });
    });
  });

  it('reject: the tool never runs and the model is told who rejected it and why', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(refundWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      await run.reject({ approver: 'bob', reason: 'duplicate request' });
      const result = await run.result();
      expect(result.output).toBe('final: Tool call rejected by bob: duplicate request. The tool did not run.');
      expect(lines(effects)).toEqual([]);
      expect(result.approvals[0]).toMatchObject({ decision: 'reject', approver: 'bob', reason: 'duplicate request' });
    });
  });

  it('edit: the same tool runs with the edited input', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(refundWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      await run.waitFor((s) => s.state === 'waiting_for_approval');
      const record = await run.edit({ file: effects, label: 'edited', amount: 40 }, { approver: 'carol' });
      expect(record).toMatchObject({
        decision: 'edit',
        requestedInput: { label: 'refund', amount: 42 },
        input: { label: 'edited', amount: 40 },
      });
      const result = await run.result();
      expect(result.output).toBe('final: recorded edited');
      expect(lines(effects).map((l) => l.split(' ')[0])).toEqual(['edited']);
    });
  });

  it('several approvals in one step: each decided on its own, tools without approval run meanwhile', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(refundWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'two refunds' });
      const parked = await run.waitFor((s) => s.pendingApprovals.length === 2);
      const [first, second] = parked.pendingApprovals;
      await run.approve({ approvalId: second!.approvalId, approver: 'dana' });
      // One decision is not enough: the run still waits for the other.
      const half = await run.waitFor((s) => s.approvals.length === 1);
      expect(half.state).toBe('waiting_for_approval');
      expect(half.pendingApprovals.map((p) => p.approvalId)).toEqual([first!.approvalId]);
      await run.reject({ approvalId: first!.approvalId, approver: 'dana', reason: 'too much' });
      const result = await run.result();
      expect(result.output).toBe(
        'results: Tool call rejected by dana: too much. The tool did not run.\nrecorded second\necho: no approval needed',
      );
      expect(lines(effects).map((l) => l.split(' ')[0])).toEqual(['second']);
    });
  });

  it('a decision by signal is applied like one by update', async () => {
    const dir = tempDir();
    await withWorker(refundWorkspace(dir, join(dir, 'e.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'refund please' });
      const parked = await run.waitFor((s) => s.state === 'waiting_for_approval');
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      await run.decide({ approvalId, decision: 'approve', approver: 'sig' }, { via: 'signal' });
      const result = await run.result();
      expect(result.approvals[0]).toMatchObject({ approvalId, via: 'signal', approver: 'sig' });
    });
  });

  it('unknown tools and schema-invalid tool input go back to the model as tool errors', async () => {
    const dir = tempDir();
    await withWorker(refundWorkspace(dir, join(dir, 'e.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'unknown tool' });
      const result = await run.result();
      // In call order: the good call, the schema-invalid one, the one naming a tool the agent lacks.
      expect(result.output).toMatch(
        /^results: echo: hi\nInvalid input for tool "echo":[\s\S]*\nUnknown tool "always_fails"\. Available tools: record_effect, echo, explode\.$/,
      );
    });
  });

  it('a tool that keeps throwing is retried by policy, then reported to the model as an error', async () => {
    const dir = tempDir();
    await withWorker(refundWorkspace(dir, join(dir, 'e.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'failing tool' });
      const result = await run.result();
      expect(result.output).toBe('results: Tool "explode" threw: disk full');
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const toolAttempts = history.events!.filter(
        (e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt === 2,
      );
      expect(toolAttempts).toHaveLength(1);
    });
  });
});

describe('bad decisions are refused and change nothing', () => {
  it('update: unknown id, already decided, bad edit input, malformed payload; signal: recorded as ignored', async () => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(refundWorkspace(dir, effects), async ({ client }) => {
      const run = await client.startRun({ agentId: 'payer', input: 'two refunds' });
      const parked = await run.waitFor((s) => s.pendingApprovals.length === 2);
      const [first, second] = parked.pendingApprovals;

      const refused = async (p: Promise<unknown>) => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(DecisionRejectedError);
        return err as DecisionRejectedError;
      };

      const unknown = await refused(run.decide({ approvalId: 'call_nope', decision: 'approve' }));
      expect(unknown.code).toBe('UNKNOWN_APPROVAL');
      expect(unknown.message).toContain(first!.approvalId);

      const badEdit = await refused(run.edit({ file: effects, label: 'x', amount: 'lots' }, { approvalId: first!.approvalId }));
      expect(badEdit.code).toBe('INVALID_EDIT_INPUT');
      expect(badEdit.message).toMatch(/record_effect.*\/amount/);

      const editWithoutInput = await refused(run.decide({ approvalId: first!.approvalId, decision: 'edit' }));
      expect(editWithoutInput.code).toBe('INVALID_DECISION_PAYLOAD');

      const malformed = await refused(
        run.decide({ approvalId: first!.approvalId, decision: 'maybe' } as never),
      );
      expect(malformed.code).toBe('INVALID_DECISION_PAYLOAD');
      expect(malformed.message).toContain('decision');

      await run.approve({ approvalId: second!.approvalId, approver: 'erin' });
      const twice = await refused(run.reject({ approvalId: second!.approvalId }));
      expect(twice.code).toBe('APPROVAL_ALREADY_DECIDED');
      expect(twice.message).toContain('erin');

      // Signals cannot be refused: a bad one is recorded with its reason and changes nothing.
      await run.decide({ approvalId: 'call_nope', decision: 'approve' }, { via: 'signal' });
      await run.decide({ approvalId: second!.approvalId, decision: 'reject' }, { via: 'signal' });
      await run.decide({ bogus: true } as never, { via: 'signal' });
      const after = await run.waitFor((s) => s.ignoredDecisions.length === 3);
      expect(after.ignoredDecisions.map((d) => d.reason.split(':')[0])).toEqual([
        'UNKNOWN_APPROVAL',
        'APPROVAL_ALREADY_DECIDED',
        'INVALID_DECISION_PAYLOAD',
      ]);
      expect(after.state).toBe('waiting_for_approval');
      expect(after.pendingApprovals.map((p) => p.approvalId)).toEqual([first!.approvalId]);
      expect(after.approvals).toHaveLength(1);

      // Refused updates never entered history: only the one accepted update did.
      const history = await client.temporal.workflow.getHandle(run.runId).fetchHistory();
      const accepted = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(1);

      await run.approve({ approvalId: first!.approvalId });
      await run.result();
      const finished = await refused(run.approve({ approvalId: first!.approvalId }));
      expect(finished.code).toBe('RUN_NOT_ACTIVE');
    });
  });

  it('a run of an unknown agent fails with a clear error before any model call', async () => {
    const dir = tempDir();
    await withWorker(refundWorkspace(dir, join(dir, 'e.log')), async ({ client }) => {
      const run = await client.startRun({ agentId: 'nobody', input: 'hi' });
      const err = await run.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RunFailedError);
      expect((err as RunFailedError).message).toMatch(/Unknown agent "nobody".*payer/);
      const status = await run.status();
      expect(status).toMatchObject({ state: 'failed', step: 0 });
    });
  });
});
