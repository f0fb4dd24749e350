/**
 * Records workflow histories for the replay test (test/replay.int.test.ts). Run it after a
 * deliberate, `patched()`-guarded workflow change to add histories of the new code path; keep
 * the old files, so runs started by older code are still proven to replay:
 *
 *   npm run record-fixtures
 *
 * Each scenario runs on a fresh dev server with the test tools and is saved as
 * test/fixtures/histories/<name>.json. Existing files are kept (they are the old code's runs);
 * name new scenarios after what changed, e.g. `agent-run-routed` after the routing patch.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { HarnessClient, type RunHandle } from '../src/client/index.js';
import { startDevServer } from '../src/devserver/index.js';
import { createHarnessWorker } from '../src/worker/index.js';
import { runSlotsWorkflowId } from '../src/workflows/slot-messages.js';
import { threadWorkflowId } from '../src/workflows/thread-messages.js';

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
writeFileSync(
  workspace,
  `tools: { module: ${JSON.stringify(tools)} }
models:
  m:
    provider: scripted
    script:
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
agents:
  - id: recorder
    model: m
    tools: [record_effect, echo]
    requireApproval: [record_effect]
    memory: { sync: facts, extract: simple }
  - id: delegator
    model: m
    subAgents: [recorder]
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

/** → the workflow id to save (its latest run), or a workflow id and the run of its chain to save. */
type Scenario = (client: HarnessClient) => Promise<string | { workflowId: string; runId: string }>;

const runScenario =
  (name: string, agentId?: string): Scenario =>
  async (client) => {
    const run = await client.startRun({ ...(agentId && { agentId }), input: 'record', runId: `fixture-${name}` });
    await approvalsScenario(run);
    await run.result();
    return run.runId;
  };

/**
 * `delegator` calls `recorder` as a sub-agent; its two approvals, then its third, are decided
 * through the parent: an edit by update, a bad signal, a reject by signal, an approve by update.
 */
function subAgentScenario(runId: string, save: 'parent' | 'child'): Scenario {
  return async (client) => {
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
}

/** A capped run that waits queued behind another run holding the only slot; then both finish. */
const queuedBehindHolder =
  (holderId: string, runId: string): Scenario =>
  async (client) => {
    const holder = await client.startRun({ input: 'record', runId: holderId });
    await holder.waitFor((st) => st.state === 'waiting_for_approval');
    const run = await client.startRun({ input: 'record', runId });
    await run.waitFor((st) => st.state === 'queued');
    await approvalsScenario(holder);
    await holder.result();
    await approvalsScenario(run);
    await run.result();
    return run.runId;
  };

const scenarios: Record<string, { queue: 'record' | 'record-capped' | 'record-long'; record: Scenario }> = {
  // Recorded before routing and policies (describeAgent path).
  'agent-run-approvals': { queue: 'record', record: runScenario('agent-run-approvals', 'recorder') },
  // After the `route-and-police` patch: routed to the default agent, with a policy.
  'agent-run-routed': { queue: 'record', record: runScenario('agent-run-routed') },
  // After the `plan-locally` patch: the same run, planned by a local activity (a marker, no activity task).
  'agent-run-planned-locally': { queue: 'record', record: runScenario('agent-run-planned-locally') },
  // A thread: a second message queued behind a run waiting for approval, then both finish.
  'agent-thread': {
    queue: 'record',
    record: async (client) => {
      const thread = client.thread('fixture-thread');
      const first = await thread.send('record', { agentId: 'recorder', runId: 'fixture-thread-1' });
      const second = await thread.send('record', { agentId: 'recorder', runId: 'fixture-thread-2' });
      await approvalsScenario(first);
      await first.result();
      await approvalsScenario(second);
      await second.result();
      return threadWorkflowId('fixture-thread');
    },
  },
  // A graph agent: two interrupts, the first edited by update, the second approved by signal.
  'agent-run-graph': {
    queue: 'record',
    record: async (client) => {
      const run = await client.startRun({ agentId: 'graph-recorder', input: 'record', runId: 'fixture-graph', context: { effects } });
      const first = await run.waitFor((s) => s.pendingApprovals.length === 1);
      await run.edit({ value: { amount: 30 } }, { approvalId: first.pendingApprovals[0]!.approvalId, approver: 'rec' });
      const second = await run.waitFor((s) => s.pendingApprovals[0]?.toolName === 'confirm_send');
      await run.decide({ approvalId: second.pendingApprovals[0]!.approvalId, decision: 'approve' }, { via: 'signal' });
      await run.result();
      return run.runId;
    },
  },
  // After the `thread-memory-sync` patch: each completed run of the thread is followed by a
  // syncThreadMemory activity (the recorder agent syncs facts, deterministically).
  'agent-thread-memory-sync': {
    queue: 'record',
    record: async (client) => {
      const thread = client.thread('fixture-thread-memory');
      const first = await thread.send('I live in Lyon. Please record this.', { agentId: 'recorder', runId: 'fixture-thread-memory-1' });
      await approvalsScenario(first);
      await first.result();
      const second = await thread.send('My favourite colour is green. Record it.', { agentId: 'recorder', runId: 'fixture-thread-memory-2' });
      await approvalsScenario(second);
      await second.result();
      for (;;) {
        const status = await thread.status();
        if (status.runs.every((r) => r.memory !== undefined)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return threadWorkflowId('fixture-thread-memory');
    },
  },
  // A run that continues as new (continueAsNewAfterEvents: 10): its first run, which hands over.
  'agent-run-continued-first': {
    queue: 'record-long',
    record: async (client) => {
      const run = await client.startRun({ agentId: 'recorder', input: 'record', runId: 'fixture-continued-first' });
      await approvalsScenario(run);
      await run.result();
      const { raw } = await client.temporal.workflow.getHandle(run.runId).describe();
      return { workflowId: run.runId, runId: raw.workflowExecutionInfo!.firstRunId! };
    },
  },
  // The same, its last run: it starts from the carried state and finishes.
  'agent-run-continued-last': {
    queue: 'record-long',
    record: async (client) => {
      const run = await client.startRun({ agentId: 'recorder', input: 'record', runId: 'fixture-continued-last' });
      await approvalsScenario(run);
      await run.result();
      return run.runId;
    },
  },
  // After the `sub-agents` patch: a run whose sub-agent's approvals are decided through it (the
  // parent's history), and that sub-agent's own history.
  // Its child runs get ids derived from the parent's, so the parent runs as `fixture-<name>`: the
  // id the replay test gives every history.
  'agent-run-sub-agent': { queue: 'record', record: subAgentScenario('fixture-agent-run-sub-agent', 'parent') },
  'agent-run-sub-agent-child': { queue: 'record', record: subAgentScenario('fixture-agent-run-sub-agent-child', 'child') },
  // The slot keeper with a cap of 1: a second run queued until the first ends.
  'run-slots': {
    queue: 'record-capped',
    record: async (client) => {
      const a = await client.startRun({ agentId: 'recorder', input: 'record', runId: 'fixture-slots-a' });
      await a.waitFor((st) => st.state === 'waiting_for_approval');
      const b = await client.startRun({ agentId: 'recorder', input: 'record', runId: 'fixture-slots-b' });
      await b.waitFor((st) => st.state === 'queued');
      await approvalsScenario(a);
      await a.result();
      await approvalsScenario(b);
      await b.result();
      return runSlotsWorkflowId('record-capped');
    },
  },
  // After the `slot-request-by-signal` patch, on a queue whose keeper is not running yet: the run's
  // signal fails, so the requestSlot activity starts the keeper; the run gets the free slot.
  'agent-run-slot-keeper-started': {
    queue: 'record-capped',
    record: async (client) => {
      const run = await client.startRun({ input: 'record', runId: 'fixture-agent-run-slot-keeper-started' });
      await approvalsScenario(run);
      await run.result();
      return run.runId;
    },
  },
  // The same patch, keeper running: the run joins the line by signal and waits queued behind another.
  'agent-run-slot-by-signal': {
    queue: 'record-capped',
    record: queuedBehindHolder('fixture-slot-holder', 'fixture-agent-run-slot-by-signal'),
  },
  // After the `decided-before-planning` patch (its marker before planning): a capped run that joins
  // the slot line by signal and waits queued behind another.
  'agent-run-decided-before-planning': {
    queue: 'record-capped',
    record: queuedBehindHolder('fixture-slot-holder-2', 'fixture-agent-run-decided-before-planning'),
  },
  // The same patch with continueAsNewAfterEvents: 10: the first run of the chain, which does not
  // check before its first model call, then hands over.
  'agent-run-decided-before-planning-continued': {
    queue: 'record-long',
    record: async (client) => {
      const run = await client.startRun({ agentId: 'recorder', input: 'record', runId: 'fixture-agent-run-decided-before-planning-continued' });
      await approvalsScenario(run);
      await run.result();
      const { raw } = await client.temporal.workflow.getHandle(run.runId).describe();
      return { workflowId: run.runId, runId: raw.workflowExecutionInfo!.firstRunId! };
    },
  },
};

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
    for (const [name, { queue, record }] of Object.entries(scenarios)) {
      if (existsSync(join(outDir, `${name}.json`))) {
        console.log(`kept ${name} (already recorded)`);
        continue;
      }
      const client = await HarnessClient.connect({ address: server.address, taskQueue: queue });
      const target = await record(client);
      const history = await (typeof target === 'string'
        ? client.temporal.workflow.getHandle(target)
        : client.temporal.workflow.getHandle(target.workflowId, target.runId)
      ).fetchHistory();
      writeFileSync(join(outDir, `${name}.json`), `${historyToJSON(history)}\n`);
      console.log(`recorded ${name} (${history.events?.length} events)`);
      await client.close();
    }
  })();
  // Every worker runs until the recording is done (even when there is nothing to record).
  await Promise.all(workers.map(({ worker }) => worker.runUntil(recording)));
  await Promise.all(workers.map((w) => w.close()));
} finally {
  await server.stop();
}
