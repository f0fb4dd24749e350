/**
 * Records the workflow histories the replay test (test/replay.int.test.ts) replays against
 * today's workflow code. Each scenario runs on a fresh dev server with the test tools and is
 * saved as test/fixtures/histories/<scenario>.json; the scenario's name says what it covers.
 *
 *   npm run record-fixtures                      # record scenarios that have no fixture yet
 *   npm run record-fixtures -- --rewrite         # re-record every scenario (overwrites)
 *   npm run record-fixtures -- run-graph-interrupts run-tool-approvals   # just these (overwrites)
 *
 * Until the first release tag, workflow changes re-record everything (`--rewrite`). From the
 * release on, old fixtures are kept (they are runs of released code that must still replay) and a
 * `patched()` change adds a scenario of its new path (docs/upgrading.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { HarnessClient, type RunHandle } from '../src/client/index.js';
import { startDevServer } from '../src/devserver/index.js';
import { createHarnessWorker } from '../src/worker/index.js';
import { grantsWorkflowId } from '../src/workflows/grants/contract.js';
import { runSlotsWorkflowId } from '../src/workflows/slots/contract.js';
import { threadWorkflowId } from '../src/workflows/threads/contract.js';

Runtime.install({ logger: new DefaultLogger('WARN') });
// Payloads over the threshold go to a store of this recording only; `fetchHistory` resolves the
// references, so a saved fixture holds its payloads inline (replay needs no blobs) and the
// encryption key, if set in this shell, never applies to fixtures.
delete process.env.HARNESS_ENCRYPTION_KEY;
delete process.env.HARNESS_ENCRYPTION_KEYS;
const tools = fileURLToPath(new URL('../test/fixtures/tools.ts', import.meta.url));
const graphs = fileURLToPath(new URL('../test/fixtures/graphs.ts', import.meta.url));
const outDir = fileURLToPath(new URL('../test/fixtures/histories/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'harness-record-'));
process.env.HARNESS_PAYLOAD_STORE = 'directory';
process.env.HARNESS_PAYLOAD_DIR = join(dir, 'payloads');
const effects = join(dir, 'effects.log');
const workspace = join(dir, 'harness.yaml');
// A webhook receiver for `notified`'s approval notices: its first request fails (a retried send), the rest succeed.
let hookRequests = 0;
const hooks = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(hookRequests++ === 0 ? 500 : 204).end());
});
await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
writeFileSync(
  workspace,
  `tools:
  module: ${JSON.stringify(tools)}
  client:
    pick: { description: pick a value, output: { type: object, required: [value] } }
  perTool:
    note_state: { local: true, timeout: 2s }
models:
  m:
    provider: scripted
    script:
      - when: ^pick
        turns:
          - toolCalls: [{ name: pick, args: {} }]
          - text: "picked: {{lastToolResult}}"
      - when: ^ask
        turns:
          - toolCalls: [{ name: ask_human, args: { question: "Which label?" } }]
          - text: "asked: {{lastToolResult}}"
      - when: ^forward
        turns:
          - toolCalls: [{ name: asker, args: { input: ask } }]
          - text: "forwarded: {{lastToolResult}}"
      - when: ^local
        turns:
          - toolCalls: [{ name: note_state, args: { key: color, value: green } }, { name: echo, args: { text: regular } }]
          - text: "local: {{lastToolResult}}"
      - when: ^delegate
        turns:
          - toolCalls: [{ name: recorder, args: { input: record } }]
          - text: "delegated: {{lastToolResult}}"
      - turns:
          - toolCalls:
              - { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: a, amount: 1 } }
              - { name: record_effect, args: { file: ${JSON.stringify(effects)}, label: b, amount: 2 } }
              - { name: echo, args: { text: free } }
          - toolCalls: [{ name: record_effect, args: { file: ${JSON.stringify(effects)}, label: c, amount: 3 } }]
          - text: "done: {{lastToolResult}}"
  # A model declared local: its calls are local activities (markers), like the local tool's.
  ml:
    provider: scripted
    local: true
    script:
      - turns:
          - toolCalls: [{ name: note_state, args: { key: color, value: blue } }, { name: echo, args: { text: regular } }]
          - text: "local model: {{lastToolResult}}"
  # The judge of agent "judged": approves label a, answers "reject" for b (escalated), garbage otherwise (escalated).
  jm:
    provider: scripted
    script:
      - when: '"label":"a"'
        turns: [{ text: '{"decision": "approve", "reason": "a is fine"}' }]
      - when: '"label":"b"'
        turns: [{ text: '{"decision": "reject", "reason": "not b"}' }]
      - turns: [{ text: "no idea" }]
agents:
  - id: recorder
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
    memory: { sync: facts, extract: simple }
  - id: ruled
    model: m
    tools: [record_effect, echo]
    requireApproval:
      - tool: record_effect
        rules:
          - { when: "amount <= 1", decide: approve, reason: tiny }
          - { when: "amount == 2", decide: reject, reason: two is refused }
          - { name: two people, when: "amount >= 3", decide: ask, approvals: 2, approvers: [rec, rec2] }
  - id: granted
    model: m
    tools: [record_effect, echo]
    requireApproval: [{ tool: record_effect, grants: [agent] }]
  - id: judged
    model: m
    tools: [record_effect, echo]
    requireApproval: [{ tool: record_effect, judge: { model: jm, instructions: Approve label a only. } }]
  - id: notified
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
    notify: [{ url: ${JSON.stringify(hookUrl)}, name: hook, retry: { initialInterval: 100ms } }]
  - id: asker
    model: m
    askHuman: true
    tools: [pick]
  - id: local-runner
    model: m
    tools: [note_state, echo]
    requireApproval: [note_state]
  - id: local-model-runner
    model: ml
    tools: [note_state, echo]
    requireApproval: [note_state]
  - id: delegator
    model: m
    subAgents: [recorder]
  - id: question-delegator
    model: m
    subAgents: [asker]
  - id: graph-recorder
    execution: graph
    graph: { module: ${JSON.stringify(graphs)}, export: twoInterrupts }
defaultAgent: recorder
memory:
  store: { kind: file, path: ${JSON.stringify(join(dir, 'memory.sqlite'))} }
  embeddings: { provider: offline-hash }
  namespace: fixture
policies:
  - { id: cap, effect: limit, limits: { maxSteps: 5 } }
`,
);

// Two approvals in one step (edit by update, reject by signal), a bad signal, then an approval.
async function approvalsScenario(run: RunHandle): Promise<void> {
  const first = await run.waitFor((s) => s.pendingApprovals.length === 2);
  const [a, b] = first.pendingApprovals;
  await run.edit({ file: effects, label: 'a-edited', amount: 5 }, { approvalId: a!.approvalId, approver: 'rec' });
  await run.decide({ approvalId: 'nope', decision: 'approve' }, { via: 'signal' });
  await run.decide({ approvalId: b!.approvalId, decision: 'reject', reason: 'no' }, { via: 'signal' });
  await run.waitFor((s) => s.step === 2 && s.pendingApprovals.length === 1);
  await run.approve({ approver: 'rec' });
}

/**
 * Records one scenario; `runId` is `fixture-<scenario>` (the id the replay test replays it under:
 * a run whose commands derive from its own id, a sub-agent's child id, replays only under it).
 * Returns the workflow id to save (its latest run), or a workflow id and the run of its chain.
 */
type Scenario = (client: HarnessClient, runId: string) => Promise<string | { workflowId: string; runId: string }>;

/** A run of `recorder` (or routed, without an agent) through `approvalsScenario` to completion. */
const approvalsRun =
  (agentId?: string): Scenario =>
  async (client, runId) => {
    const run = await client.startRun({ ...(agentId && { agentId }), input: 'record', runId });
    await approvalsScenario(run);
    await run.result();
    return run.runId;
  };

/** The same run with `continueAsNewAfterEvents: 10`: its first run (which hands over) or its last. */
const continuedRun =
  (save: 'first' | 'last'): Scenario =>
  async (client, runId) => {
    const run = await client.startRun({ agentId: 'recorder', input: 'record', runId });
    await approvalsScenario(run);
    await run.result();
    if (save === 'last') return run.runId;
    const { raw } = await client.temporal.workflow.getHandle(run.runId).describe();
    return { workflowId: run.runId, runId: raw.workflowExecutionInfo!.firstRunId! };
  };

/**
 * `delegator` calls `recorder` as a sub-agent; its two approvals, then its third, are decided
 * through the parent: an edit by update, a bad signal, a reject by signal, an approve by update.
 */
const subAgentRun =
  (save: 'parent' | 'child'): Scenario =>
  async (client, runId) => {
    const run = await client.startRun({ agentId: 'delegator', input: 'delegate', runId });
    const first = await run.waitFor((s) => s.pendingApprovals.length === 2);
    const [a, b] = first.pendingApprovals;
    await run.edit({ file: effects, label: 'a-edited', amount: 5 }, { approvalId: a!.approvalId, approver: 'rec' });
    await run.decide({ approvalId: 'nope', decision: 'approve' }, { via: 'signal' });
    await run.decide({ approvalId: b!.approvalId, decision: 'reject', reason: 'no' }, { via: 'signal' });
    const second = await run.waitFor((s) => s.approvals.length === 2 && s.pendingApprovals.length === 1);
    await run.approve({ approvalId: second.pendingApprovals[0]!.approvalId, approver: 'rec' });
    await run.result();
    return save === 'parent' ? run.runId : second.pendingApprovals[0]!.origin!.runId;
  };

/**
 * `question-delegator`: its sub-agent asks a question, shown on the parent and answered there (an
 * answer to an unknown question refused first); the child applies the forwarded answer.
 */
const subAgentQuestionRun =
  (save: 'parent' | 'child'): Scenario =>
  async (client, runId) => {
    const run = await client.startRun({ agentId: 'question-delegator', input: 'forward', runId });
    const parked = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
    const question = parked.pendingQuestions![0]!;
    await run.answer('wrong', { questionId: `${question.questionId}-nope` }).catch(() => undefined);
    await run.answer('label-y', { questionId: question.questionId, answeredBy: 'rec' });
    await run.result();
    return save === 'parent' ? run.runId : question.origin!.runId;
  };

/**
 * `granted`: step 1's two calls are asked (the first approved with an agent grant, by update), step
 * 2's call is covered by that grant. Grants left by an earlier scenario are revoked first, so the
 * run asks; saves the run or the agent's grants keeper.
 */
const grantRun =
  (save: 'run' | 'keeper'): Scenario =>
  async (client, runId) => {
    const grants = client.grants('granted');
    for (const g of await grants.list()) await grants.revoke(g.grantId, { revokedBy: 'rec' });
    const run = await client.startRun({ agentId: 'granted', input: 'record', runId });
    const first = await run.waitFor((s) => s.pendingApprovals.length === 2);
    const [a, b] = first.pendingApprovals;
    await run.approve({ approvalId: a!.approvalId, approver: 'rec', grant: { scope: 'agent', expiresInMs: 3600_000 } });
    await run.approve({ approvalId: b!.approvalId, approver: 'rec' });
    await run.result();
    return save === 'run' ? run.runId : grantsWorkflowId('granted');
  };

/** Two capped runs: the second waits `queued` behind the first; saves the queued run or the keeper. */
const queuedBehindHolder =
  (save: 'queued-run' | 'slot-keeper'): Scenario =>
  async (client, runId) => {
    const holder = await client.startRun({ input: 'record', runId: `${runId}-holder` });
    await holder.waitFor((st) => st.state === 'waiting_for_approval');
    const run = await client.startRun({ input: 'record', runId });
    await run.waitFor((st) => st.state === 'queued');
    await approvalsScenario(holder);
    await holder.result();
    await approvalsScenario(run);
    await run.result();
    return save === 'queued-run' ? run.runId : runSlotsWorkflowId('record-capped');
  };

/** A run of `agentId` whose one approval is given by update (approver `rec`), then completes. */
const approvedOnce =
  (agentId: string, input: string): Scenario =>
  async (client, runId) => {
    const run = await client.startRun({ agentId, input, runId, context: { user: 'rec' } });
    await run.waitFor((s) => s.pendingApprovals.length === 1);
    await run.approve({ approver: 'rec' });
    await run.result();
    return run.runId;
  };

/** `fromWorker`: started by the worker's own client (`HarnessWorker.client()`: eager start, planned at start). */
const scenarios: Record<string, { queue: 'record' | 'record-capped' | 'record-long'; fromWorker?: true; record: Scenario }> = {
  // A named agent: two approvals in one step (edit by update, reject by signal), a bad signal, a third approval.
  'run-tool-approvals': { queue: 'record', record: approvalsRun('recorder') },
  // Approval notifications: a webhook per approval requested and decided, the first send retried.
  'run-approval-notifications': { queue: 'record', record: approvalsRun('notified') },
  // No agent named: routed to the default agent (planning as a local activity), a policy's limits applied.
  'run-routed-to-default-agent': { queue: 'record', record: approvalsRun() },
  // The same, started by the worker's own client: eagerly, with its plan in the start input (no planning local activity).
  'run-planned-at-start': { queue: 'record', fromWorker: true, record: approvalsRun() },
  // Approval rules: step 1's calls decided by rule (approve, reject); step 2's needs 2 approvers (update, then signal).
  'run-approval-rules': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'ruled', input: 'record', runId });
      const parked = await run.waitFor((s) => s.pendingApprovals.length === 1);
      const approvalId = parked.pendingApprovals[0]!.approvalId;
      await run.approve({ approvalId, approver: 'rec' });
      await run.decide({ approvalId, decision: 'approve', approver: 'rec2' }, { via: 'signal' });
      await run.result();
      return run.runId;
    },
  },
  // A model judge: step 1's first call approved by it (via judge), the second escalated (it answered
  // "reject") and approved by a person; step 2's call escalated (an unreadable answer), approved by signal.
  'run-judged-approvals': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'judged', input: 'record', runId });
      const first = await run.waitFor((s) => s.pendingApprovals.length === 1 && s.step === 1);
      await run.approve({ approvalId: first.pendingApprovals[0]!.approvalId, approver: 'rec' });
      const second = await run.waitFor((s) => s.pendingApprovals.length === 1 && s.step === 2);
      await run.decide({ approvalId: second.pendingApprovals[0]!.approvalId, decision: 'approve', approver: 'rec' }, { via: 'signal' });
      await run.result();
      return run.runId;
    },
  },
  // ask_human: the run parks on the question; an answer to an unknown question is refused (no trace), then the answer.
  'run-ask-human': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'asker', input: 'ask', runId });
      const parked = await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      await run.answer('wrong', { questionId: 'nope' }).catch(() => undefined);
      await run.answer('label-x', { questionId: parked.pendingQuestions![0]!.questionId, answeredBy: 'rec' });
      await run.result();
      return run.runId;
    },
  },
  // A client tool: the run parks on its call; a result failing its output schema is refused (no trace), then one is supplied.
  'run-client-tool': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'asker', input: 'pick', runId });
      const parked = await run.waitFor((s) => (s.pendingToolCalls ?? []).length === 1);
      const toolCallId = parked.pendingToolCalls![0]!.toolCallId;
      await run.supplyToolResult(toolCallId, { other: 1 }).catch(() => undefined);
      await run.supplyToolResult(toolCallId, { value: 7 }, { suppliedBy: 'rec' });
      await run.result();
      return run.runId;
    },
  },
  // A fork from step 2 of a finished run: it starts with that step's call, edited and approved at
  // once, reads steps before it from the original (a transcript reference), and finishes.
  'run-forked-from-step': {
    queue: 'record',
    record: async (client, runId) => {
      const original = await client.startRun({ agentId: 'recorder', input: 'record', runId: `${runId}-original` });
      await approvalsScenario(original);
      await original.result();
      const step2 = (await original.status()).approvals.at(-1)!.approvalId;
      const fork = await client.fork(original.runId, {
        fromStep: 2,
        toolCalls: [{ id: step2, input: { file: effects, label: 'c-forked', amount: 1 }, decision: 'approve', reason: 'smaller' }],
        approver: 'rec',
        runId,
      });
      await fork.result();
      return fork.runId;
    },
  },
  // Cancelled while an ask_human question waits: the question is closed (question.closed), the run ends cancelled.
  'run-question-closed-on-cancel': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'asker', input: 'ask', runId });
      await run.waitFor((s) => (s.pendingQuestions ?? []).length === 1);
      await run.cancel();
      await run.result().catch(() => undefined);
      return run.runId;
    },
  },
  // A tool declared local (tools.perTool.note_state.local): approved by update, then run as a local
  // activity (a marker) beside a regular tool call of the same step.
  'run-local-tool': { queue: 'record', record: approvedOnce('local-runner', 'local') },
  // A model declared local (models.ml.local): both model calls are local activities (markers), the
  // approval by update between them, the local tool and a regular one in the same step.
  'run-local-model': { queue: 'record', record: approvedOnce('local-model-runner', 'go') },
  // A grant given while approving covers a later call of the run (a findGrant local activity, via grant).
  'run-grant-covers-later-call': { queue: 'record', record: grantRun('run') },
  // The agent's grants keeper (approvalGrants): a revoke, then a grant added by signal-with-start.
  'grants-keeper-add-revoke': { queue: 'record', record: grantRun('keeper') },
  // Cancelled while waiting for approval: the pending approval is closed, the run ends cancelled.
  'run-cancelled-while-waiting': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'recorder', input: 'record', runId });
      await run.waitFor((s) => s.pendingApprovals.length === 2);
      await run.cancel();
      await run.result().catch(() => undefined);
      return run.runId;
    },
  },
  // A graph agent: two interrupts, the first edited by update, the second approved by signal.
  'run-graph-interrupts': {
    queue: 'record',
    record: async (client, runId) => {
      const run = await client.startRun({ agentId: 'graph-recorder', input: 'record', runId, context: { effects } });
      const first = await run.waitFor((s) => s.pendingApprovals.length === 1);
      await run.edit({ value: { amount: 30 } }, { approvalId: first.pendingApprovals[0]!.approvalId, approver: 'rec' });
      const second = await run.waitFor((s) => s.pendingApprovals[0]?.toolName === 'confirm_send');
      await run.decide({ approvalId: second.pendingApprovals[0]!.approvalId, decision: 'approve' }, { via: 'signal' });
      await run.result();
      return run.runId;
    },
  },
  // continueAsNewAfterEvents: 10: the first run of the chain, which hands over while parked on its
  // first step's two approvals (pending approvals carried).
  'run-continued-as-new-first': { queue: 'record-long', record: continuedRun('first') },
  // The same, its last run: it starts from the carried state and finishes.
  'run-continued-as-new-last': { queue: 'record-long', record: continuedRun('last') },
  // A run whose sub-agent's approvals are decided through it (the parent's history)...
  'run-sub-agent-parent': { queue: 'record', record: subAgentRun('parent') },
  // ... and that sub-agent's own history.
  'run-sub-agent-child': { queue: 'record', record: subAgentRun('child') },
  // A run whose sub-agent's ask_human question is answered through it (the parent's history)...
  'run-sub-agent-question-parent': { queue: 'record', record: subAgentQuestionRun('parent') },
  // ... and that sub-agent's own history.
  'run-sub-agent-question-child': { queue: 'record', record: subAgentQuestionRun('child') },
  // maxConcurrentRuns: 1 on a queue whose slot keeper is not running: the run's signal fails, the
  // requestSlot activity starts the keeper, the run gets the free slot.
  'run-capped-starts-slot-keeper': { queue: 'record-capped', record: approvalsRun() },
  // maxConcurrentRuns: 1, keeper running: the run joins the line by signal and waits queued behind another.
  'run-capped-queued-behind-holder': { queue: 'record-capped', record: queuedBehindHolder('queued-run') },
  // The slot keeper (runSlots) of that scenario: grants, a queued run, releases.
  'slot-keeper-grants-in-order': { queue: 'record-capped', record: queuedBehindHolder('slot-keeper') },
  // A thread: a second message queued behind a run waiting for approval, then both finish, each
  // followed by its memory sync (the recorder agent syncs facts, deterministically).
  'thread-queued-message-memory-sync': {
    queue: 'record',
    record: async (client, runId) => {
      const thread = client.thread(runId);
      const first = await thread.send('I live in Lyon. Please record this.', { agentId: 'recorder', runId: `${runId}-1` });
      const second = await thread.send('My favourite colour is green. Record it.', { agentId: 'recorder', runId: `${runId}-2` });
      await approvalsScenario(first);
      await first.result();
      await approvalsScenario(second);
      await second.result();
      while (!(await thread.status()).runs.every((r) => r.memory !== undefined)) await new Promise((r) => setTimeout(r, 100));
      return threadWorkflowId(runId);
    },
  },
};

const args = process.argv.slice(2);
const rewrite = args.includes('--rewrite');
const named = args.filter((a) => !a.startsWith('--'));
const unknown = named.filter((n) => !(n in scenarios));
if (unknown.length) {
  console.error(`Unknown scenario(s): ${unknown.join(', ')}. Scenarios: ${Object.keys(scenarios).join(', ')}.`);
  process.exit(2);
}
const todo = Object.keys(scenarios).filter((name) =>
  named.length ? named.includes(name) : rewrite || !existsSync(join(outDir, `${name}.json`)),
);
const stale = readdirSync(outDir).filter((f) => f.endsWith('.json') && !(f.replace(/\.json$/, '') in scenarios));
if (stale.length) console.warn(`Fixtures no scenario records (left as they are): ${stale.join(', ')}`);
if (todo.length === 0) {
  console.log('Every scenario has a fixture; pass --rewrite (or scenario names) to record again.');
  process.exit(0);
}

const cappedWorkspace = join(dir, 'capped.yaml');
writeFileSync(cappedWorkspace, readFileSync(workspace, 'utf8').replace('policies:', 'limits:\n  maxConcurrentRuns: 1\npolicies:'));
const longWorkspace = join(dir, 'long.yaml');
writeFileSync(longWorkspace, readFileSync(workspace, 'utf8').replace('policies:', 'limits:\n  continueAsNewAfterEvents: 10\npolicies:'));

const server = await startDevServer();
try {
  const workers = await Promise.all([
    createHarnessWorker({ workspace, address: server.address, taskQueue: 'record' }),
    createHarnessWorker({ workspace: cappedWorkspace, address: server.address, taskQueue: 'record-capped' }),
    createHarnessWorker({ workspace: longWorkspace, address: server.address, taskQueue: 'record-long' }),
  ]);
  const recording = (async () => {
    for (const name of todo) {
      const { queue, record, fromWorker } = scenarios[name]!;
      const worker = workers[(['record', 'record-capped', 'record-long'] as const).indexOf(queue)]!;
      const client = fromWorker ? worker.client() : await HarnessClient.connect({ address: server.address, taskQueue: queue });
      const target = await record(client, `fixture-${name}`);
      const history = await (typeof target === 'string'
        ? client.temporal.workflow.getHandle(target)
        : client.temporal.workflow.getHandle(target.workflowId, target.runId)
      ).fetchHistory();
      writeFileSync(join(outDir, `${name}.json`), `${historyToJSON(history)}\n`);
      console.log(`recorded ${name} (${history.events?.length} events)`);
      await client.close();
    }
  })();
  // Every worker runs until the recording is done.
  await Promise.all(workers.map(({ worker }) => worker.runUntil(recording)));
  await Promise.all(workers.map((w) => w.close()));
} finally {
  await server.stop();
  hooks.close();
}
