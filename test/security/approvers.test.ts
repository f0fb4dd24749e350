import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentSpec } from '../../src/workspace/agent-spec.js';
import { loadWorkspace, WorkspaceError } from '../../src/workspace/index.js';
import { RunLedger } from '../../src/workflows/run/ledger.js';
import type { AgentSpec } from '../../src/workflows/run/agent-spec.js';
import { tempDir, TEST_TOOLS } from '../support/paths.js';

async function load(requireApproval: string) {
  const file = join(tempDir(), 'harness.yaml');
  writeFileSync(
    file,
    `tools: { module: ${JSON.stringify(TEST_TOOLS)} }
models:
  m: { provider: scripted, script: [{ turns: [{ text: hi }] }] }
agents:
  - id: a
    model: m
    tools: [echo, record_effect]
    requireApproval: ${requireApproval}
`,
  );
  return loadWorkspace(file).catch((e: unknown) => e);
}

describe('workspace approvers', () => {
  it('carries names and roles into the tool spec (one approver may be a plain string)', async () => {
    const ws = await load(`
      - { tool: record_effect, approvers: [alice, "role:finance", alice] }
      - { tool: echo, approvers: "role:ops" }`);
    expect(ws).not.toBeInstanceOf(Error);
    const plan = agentSpec(ws as Awaited<ReturnType<typeof loadWorkspace>>, 'a')!;
    const spec = (name: string) => plan.tools.find((t) => t.name === name)!;
    expect(spec('record_effect')).toMatchObject({ requiresApproval: true, approvers: ['alice', 'role:finance'] });
    expect(spec('echo')).toMatchObject({ requiresApproval: true, approvers: ['role:ops'] });
    const plain = agentSpec(ws as Awaited<ReturnType<typeof loadWorkspace>>, 'a', { requireApproval: ['echo'] })!;
    expect(plain.tools.find((t) => t.name === 'echo')!.approvers).toEqual(['role:ops']);
  });

  it('a plain tool name lets anyone decide', async () => {
    const ws = (await load('[record_effect]')) as Awaited<ReturnType<typeof loadWorkspace>>;
    expect(agentSpec(ws, 'a')!.tools.find((t) => t.name === 'record_effect')!.approvers).toBeUndefined();
  });

  it.each([
    ['[]', /list at least one approver/],
    ['["role:"]', /"role:" needs a role name/],
    ['[""]', /an approver is a name or "role:<role>"/],
    ['{ name: alice }', /expected a tool name, or \{ tool, .*approvers\?.*\(approvers: .*expected array/],
    ['[5]', /\(approvers\.0: .*expected string/],
  ])('refuses approvers: %s', async (approvers, message) => {
    const err = await load(`[{ tool: record_effect, approvers: ${approvers} }]`);
    expect(err).toBeInstanceOf(WorkspaceError);
    const issue = (err as WorkspaceError).issues.find((i) => i.path.startsWith('agents[0].requireApproval[0]'));
    expect(issue?.message).toMatch(message);
  });
});

const agent: AgentSpec = {
  agentId: 'a',
  modelId: 'm',
  tools: [
    { name: 'pay', description: '', requiresApproval: true, approvers: ['alice', 'bob', 'role:finance'], inputSchema: { type: 'object' } },
    { name: 'open', description: '', requiresApproval: true, inputSchema: { type: 'object' } },
  ],
  limits: {} as AgentSpec['limits'],
};

function parked() {
  const run = new RunLedger('r1', { agentId: 'a', input: 'pay' });
  run.setAgent(agent);
  run.requestApproval({ id: 'c1', name: 'pay', args: { amount: 5 } }, 't0');
  run.requestApproval({ id: 'c2', name: 'open', args: {} }, 't0');
  return run;
}

describe('who may decide', () => {
  it.each([
    [{ approvalId: 'c1', decision: 'approve', approver: 'alice' }],
    [{ approvalId: 'c1', decision: 'reject', approver: 'bob' }],
    [{ approvalId: 'c1', decision: 'approve', approver: 'carol', approverRoles: ['support', 'finance'] }],
    [{ approvalId: 'c1', decision: 'approve', approver: 'carol', approverRoles: ['role:finance'] }],
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 1 }, approverRoles: ['finance'] }],
    // A tool without approvers: anyone, or nobody named at all.
    [{ approvalId: 'c2', decision: 'approve' }],
    [{ approvalId: 'c2', decision: 'approve', approver: 'mallory' }],
  ])('accepts %j', (payload) => {
    expect(parked().problemWith(payload)).toBeUndefined();
  });

  it.each([
    [{ approvalId: 'c1', decision: 'approve', approver: 'mallory' }, /^"mallory" may not decide/],
    [{ approvalId: 'c1', decision: 'approve', approver: 'Alice' }, /"Alice" may not decide/],
    [{ approvalId: 'c1', decision: 'approve' }, /^A decision without an approver may not decide/],
    [{ approvalId: 'c1', decision: 'approve', approver: 'carol', approverRoles: ['support'] }, /"carol" \(roles: support\) may not/],
    [{ approvalId: 'c1', decision: 'approve', approverRoles: ['finance-lead'] }, /may not decide/],
    // A role does not pass as a name, nor a name as a role.
    [{ approvalId: 'c1', decision: 'approve', approver: 'role:finance' }, /may not decide/],
    [{ approvalId: 'c1', decision: 'approve', approver: 'x', approverRoles: ['alice'] }, /may not decide/],
    // Checked before the edit's schema: who comes before what.
    [{ approvalId: 'c1', decision: 'edit', input: { amount: 1 }, approver: 'mallory' }, /may not decide/],
  ])('refuses %j with APPROVER_NOT_ALLOWED', (payload, message) => {
    const problem = parked().problemWith(payload);
    expect(problem?.code).toBe('APPROVER_NOT_ALLOWED');
    expect(problem?.message).toMatch(message);
    expect(problem?.message).toMatch(/approval "c1" \(tool "pay"\)\. Who may decide: alice, bob; or anyone with role finance\./);
    // A library message: how to send the decision in the payload's own terms, no CLI flags (the CLI adds those).
    expect(problem?.message).toMatch(/`approver` set to one of those names or `approverRoles`/);
    expect(problem?.message).not.toMatch(/--by|--role/);
  });

  it('unknown or decided approvals are reported as such, not as approver problems', () => {
    const run = parked();
    run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'alice' }, 'update', 't1');
    expect(run.problemWith({ approvalId: 'c1', decision: 'approve', approver: 'mallory' })?.code).toBe('APPROVAL_ALREADY_DECIDED');
    expect(run.problemWith({ approvalId: 'zz', decision: 'approve', approver: 'mallory' })?.code).toBe('UNKNOWN_APPROVAL');
  });

  it('validates approverRoles as a list of non-empty strings', () => {
    expect(parked().problemWith({ approvalId: 'c1', decision: 'approve', approverRoles: 'finance' })?.code).toBe('INVALID_DECISION_PAYLOAD');
    expect(parked().problemWith({ approvalId: 'c1', decision: 'approve', approverRoles: [''] })?.message).toMatch(/approverRoles\.0/);
  });

  it('records the asserted roles with the decision; deadline decisions bypass the list', () => {
    const run = parked();
    const record = run.applyDecision({ approvalId: 'c1', decision: 'approve', approver: 'carol', approverRoles: ['finance'] }, 'update', 't1');
    expect(record).toMatchObject({ approver: 'carol', approverRoles: ['finance'] });
    const other = new RunLedger('r2', { agentId: 'a', input: 'pay' });
    other.setAgent(agent);
    other.requestApproval({ id: 'c9', name: 'pay', args: {} }, 't0');
    expect(other.decideOnTimeout('c9', 'approve', 'approval timed out', 't2')).toMatchObject({ decision: 'approve', via: 'timeout' });
  });
});
