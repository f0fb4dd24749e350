/**
 * Bad input against real runs, table-driven: each row sets up a run, does one bad thing, and
 * asserts the error (class, code, what and where) and that nothing changed (same status, no tool
 * ran). 429 / 5xx retries and 400 / 401 fast failures are covered in
 * test/models/openai-provider.int.test.ts and not repeated here.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecisionRejectedError, HarnessClientError, RunFailedError, type HarnessClient, type RunHandle, type RunStatus } from '../../src/client/index.js';
import { approvalDecisionSignal, decideApprovalUpdate, DECISION_LIMITS } from '../../src/workflows/run/contract.js';
import { fileLines, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';

function workspace(dir: string, effects: string): string {
  const f = JSON.stringify(effects);
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
              - { name: record_effect, args: { file: ${f}, label: first } }
              - { name: record_effect, args: { file: ${f}, label: second } }
          - text: "results: {{lastToolResult}}"
      - when: throwing tool
        turns:
          - toolCalls: [{ name: explode, args: { message: disk full } }]
          - text: "results: {{lastToolResult}}"
      - when: unknown tool
        turns:
          - toolCalls: [{ name: always_fails, args: { message: not mine } }]
          - text: "results: {{lastToolResult}}"
      - turns:
          - toolCalls: [{ name: record_effect, args: { file: ${f}, label: refund, amount: 42 } }]
          - text: "final: {{lastToolResult}}"
  gpt:
    provider: openai
    model: gpt-4o-mini
    baseUrl: http://127.0.0.1:9/v1
    apiKeyEnv: HARNESS_BAD_INPUT_UNSET_KEY
agents:
  - id: payer
    model: m
    tools: [record_effect, explode]
    requireApproval: [record_effect]
  - id: keyless
    model: gpt
    tools: [echo]
limits:
  maxInputChars: 100
  toolRetry: { maximumAttempts: 2, initialInterval: 10ms }
  modelRetry: { maximumAttempts: 2, initialInterval: 10ms }
`,
  );
}

interface Ctx {
  client: HarnessClient;
  effects: string;
}

/** A run parked on one (or two) record_effect approvals. */
async function parked(ctx: Ctx, input = 'refund please'): Promise<{ run: RunHandle; before: RunStatus }> {
  const run = await ctx.client.startRun({ agentId: 'payer', input });
  const before = await run.waitFor((s) => s.state === 'waiting_for_approval' && s.pendingApprovals.length === (input === 'two refunds' ? 2 : 1));
  return { run, before };
}

/** The run is as it was: same state, same pending approvals, no new decisions. */
async function expectUnchanged(run: RunHandle, before: RunStatus): Promise<void> {
  const after = await run.status();
  expect(after.state).toBe(before.state);
  expect(after.pendingApprovals).toEqual(before.pendingApprovals);
  expect(after.approvals).toEqual(before.approvals);
}

async function rejection(p: Promise<unknown>): Promise<HarnessClientError> {
  const err = await p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HarnessClientError);
  return err as HarnessClientError;
}

interface Row {
  name: string;
  act: (ctx: Ctx) => Promise<void>;
}

const rows: Row[] = [
  {
    name: 'invalid decision payload (update): refused, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const id = before.pendingApprovals[0]!.approvalId;
      const err = await rejection(run.decide({ approvalId: id, decision: 'maybe' } as never));
      expect(err).toBeInstanceOf(DecisionRejectedError);
      expect(err.code).toBe('INVALID_DECISION_PAYLOAD');
      expect(err.message).toMatch(/decision/);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'invalid decision payload (signal): recorded as ignored with the reason, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      await run.decide({ approvalId: before.pendingApprovals[0]!.approvalId, decision: 'maybe' } as never, { via: 'signal' });
      const after = await run.waitFor((s) => s.ignoredDecisions.length === 1);
      expect(JSON.stringify(after.ignoredDecisions[0])).toMatch(/decision/);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'decision over 64 KiB through the client (update or signal): DECISION_TOO_LARGE before sending, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const id = before.pendingApprovals[0]!.approvalId;
      for (const via of ['update', 'signal'] as const) {
        const err = await rejection(run.decide({ approvalId: id, decision: 'reject', reason: 'r'.repeat(DECISION_LIMITS.payloadBytes) }, { via }));
        expect(err).toBeInstanceOf(DecisionRejectedError);
        expect(err.code).toBe('DECISION_TOO_LARGE');
        expect(err.message).toMatch(/over the limit of 65536 bytes .*by reference/);
      }
      await expectUnchanged(run, before);
      expect((await run.status()).ignoredDecisionCount).toBe(0);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'oversized update from any Temporal client: refused by the validator (DECISION_TOO_LARGE), nothing in history',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const raw = ctx.client.temporal.workflow.getHandle(run.runId);
      const eventsBefore = (await raw.describe()).historyLength;
      const big = { approvalId: before.pendingApprovals[0]!.approvalId, decision: 'edit' as const, input: { file: ctx.effects, label: 'x'.repeat(100_000) } };
      const err = (await raw.executeUpdate(decideApprovalUpdate, { args: [big] }).catch((e: unknown) => e)) as Error;
      expect(err.cause).toMatchObject({ type: 'DECISION_TOO_LARGE' });
      expect((err.cause as Error).message).toMatch(/^Approval decision of \d+ bytes is over the limit of 65536 bytes/);
      expect((await raw.describe()).historyLength).toBe(eventsBefore);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'oversized signal from any Temporal client: recorded as a digest (size, sha-256, first characters), never whole',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const raw = ctx.client.temporal.workflow.getHandle(run.runId);
      const big = { approvalId: before.pendingApprovals[0]!.approvalId, decision: 'approve' as const, reason: 'z'.repeat(100_000) };
      await raw.signal(approvalDecisionSignal, big);
      const after = await run.waitFor((s) => s.ignoredDecisionCount === 1);
      const [ignored] = after.ignoredDecisions;
      expect(ignored).toMatchObject({ code: 'DECISION_TOO_LARGE', payload: { bytes: JSON.stringify(big).length, truncated: true } });
      expect(ignored!.payload.sha256).toBe(createHash('sha256').update(JSON.stringify(big)).digest('hex'));
      expect(ignored!.payload.head).toBe(JSON.stringify(big).slice(0, 200));
      expect(JSON.stringify(after).length).toBeLessThan(10_000);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'signal over the server blob cap (256 KiB): refused by the server, nothing recorded, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const raw = ctx.client.temporal.workflow.getHandle(run.runId);
      const huge = { approvalId: before.pendingApprovals[0]!.approvalId, decision: 'approve' as const, reason: 'h'.repeat(300 * 1024) };
      const err = (await raw.signal(approvalDecisionSignal, huge).catch((e: unknown) => e)) as Error;
      expect(`${err.message} ${(err.cause as Error | undefined)?.message}`).toMatch(/size exceeds limit/i);
      await expectUnchanged(run, before);
      expect((await run.status()).ignoredDecisionCount).toBe(0);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'approval id over 500 characters: INVALID_DECISION_PAYLOAD naming the field, not quoting the id',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const err = await rejection(run.approve({ approvalId: 'a'.repeat(5000) }));
      expect(err.code).toBe('INVALID_DECISION_PAYLOAD');
      expect(err.message).toMatch(/approvalId: Too big: expected string to have <=500 characters/);
      expect(err.message.length).toBeLessThan(1000);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'unknown approval id: UNKNOWN_APPROVAL naming the id, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const err = await rejection(run.approve({ approvalId: 'call-that-never-was' }));
      expect(err.code).toBe('UNKNOWN_APPROVAL');
      expect(err.message).toContain('call-that-never-was');
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'already-decided approval id: APPROVAL_ALREADY_DECIDED, the tool does not run twice',
    act: async (ctx) => {
      const { run, before } = await parked(ctx, 'two refunds');
      const [first] = before.pendingApprovals;
      await run.reject({ approvalId: first!.approvalId, approver: 'ann', reason: 'no' });
      const mid = await run.status();
      const err = await rejection(run.approve({ approvalId: first!.approvalId, approver: 'ann' }));
      expect(err.code).toBe('APPROVAL_ALREADY_DECIDED');
      expect(err.message).toContain(first!.approvalId);
      await expectUnchanged(run, mid);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'edit input failing the tool schema: INVALID_EDIT_INPUT naming the field, run unchanged',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const err = await rejection(run.edit({ file: ctx.effects, label: 'x', amount: 'lots' }));
      expect(err.code).toBe('INVALID_EDIT_INPUT');
      expect(err.message).toMatch(/amount/);
      expect(err.message).toMatch(/record_effect/);
      await expectUnchanged(run, before);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'decision on a finished run: RUN_NOT_ACTIVE',
    act: async (ctx) => {
      const { run, before } = await parked(ctx);
      const id = before.pendingApprovals[0]!.approvalId;
      await run.approve({ approvalId: id });
      await run.result();
      const done = await run.status();
      for (const via of ['update', 'signal'] as const) {
        const err = await rejection(run.decide({ approvalId: id, decision: 'approve' }, { via }));
        expect(err.code).toBe('RUN_NOT_ACTIVE');
        expect(err.message).toMatch(new RegExp(`${run.runId} is completed`));
      }
      await expectUnchanged(run, done);
      expect(fileLines(ctx.effects)).toHaveLength(1);
    },
  },
  {
    name: 'signal or update to a run that does not exist: RUN_NOT_FOUND naming the id',
    act: async (ctx) => {
      const ghost = ctx.client.getRun(uniqueId('no-such-run'));
      for (const via of ['update', 'signal'] as const) {
        const err = await rejection(ghost.decide({ approvalId: 'x', decision: 'approve' }, { via }));
        expect(err.code).toBe('RUN_NOT_FOUND');
        expect(err.message).toContain(ghost.runId);
      }
      const err = await rejection(ghost.status());
      expect(err.code).toBe('RUN_NOT_FOUND');
    },
  },
  {
    name: 'input over limits.maxInputChars: refused by policy before any model or tool call',
    act: async (ctx) => {
      const run = await ctx.client.startRun({ agentId: 'payer', input: `refund ${'x'.repeat(200)}` });
      const err = await rejection(run.result());
      expect(err).toBeInstanceOf(RunFailedError);
      expect(err.code).toBe('RUN_FAILED');
      expect(err.message).toMatch(/over the limit of 100 \(limits\.maxInputChars\)/);
      const status = await run.status();
      expect(status.state).toBe('failed');
      expect(status.policy?.reasons.join('\n')).toMatch(/maxInputChars/);
      expect(status.step).toBe(0);
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
  {
    name: 'missing API-key env var: the run fails naming the variable, nothing else runs',
    act: async (ctx) => {
      delete process.env.HARNESS_BAD_INPUT_UNSET_KEY;
      const run = await ctx.client.startRun({ agentId: 'keyless', input: 'hello' });
      const err = await rejection(run.result());
      expect(err.code).toBe('RUN_FAILED');
      expect(err.message).toMatch(/environment variable HARNESS_BAD_INPUT_UNSET_KEY, which is not set/);
      expect((await run.status()).pendingApprovals).toEqual([]);
    },
  },
  {
    name: 'a tool that throws: reported to the model as a tool error after its retries',
    act: async (ctx) => {
      const run = await ctx.client.startRun({ agentId: 'payer', input: 'throwing tool' });
      const result = await run.result();
      expect(result.output).toMatch(/^results: .*explode.*disk full/s);
    },
  },
  {
    name: 'a model naming an unknown tool: a tool error to the model listing the available tools',
    act: async (ctx) => {
      const run = await ctx.client.startRun({ agentId: 'payer', input: 'unknown tool' });
      const result = await run.result();
      expect(result.output).toBe('results: Unknown tool "always_fails". Available tools: record_effect, explode.');
      expect(fileLines(ctx.effects)).toEqual([]);
    },
  },
];

describe('bad input in runs (one row per case)', () => {
  it.each(rows)('$name', async ({ act }) => {
    const dir = tempDir();
    const effects = join(dir, 'effects.log');
    await withWorker(workspace(dir, effects), ({ client }) => act({ client, effects }));
  });
});
