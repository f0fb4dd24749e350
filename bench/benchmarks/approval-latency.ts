/**
 * 2. Approval latency: from a decision being sent (signal, or update) to the approved tool's
 * activity starting, and to the tool itself starting. The worker is in-process, so the activity
 * and the tool hand the driver a performance.now() timestamp directly (bench/lib/probe.ts).
 */
import { performance } from 'node:perf_hooks';
import type { WorkflowHandle } from '@temporalio/client';
import { approvalDecisionSignal, decideApprovalUpdate } from '../../src/workflows/run/contract.js';
import { nonce, waitForPending, type Benchmark } from '../lib/bench.js';
import { baselineQueue, type BenchContext } from '../lib/context.js';
import { clearMarks, whenMarked } from '../lib/probe.js';
import { ms, sleep, summarize, table } from '../lib/stats.js';
import { AGENTS, ORDER_QUESTION } from '../lib/workspace.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';

type Via = 'signal' | 'update';
type Variant = 'agentRun' | 'baseline';

interface Sample {
  /** Decision sent → the client call returned (signal ack, or the update's result). */
  ack: number;
  /** Decision sent → the tool-call activity function entered. */
  activity: number;
  /** Decision sent → the tool's own code started. */
  tool: number;
}

const TASK_QUEUE = `bench-approval-${nonce}`;
const BATCH = 15;

export const approvalLatency: Benchmark = {
  name: 'approval-latency',
  title: '2. Approval latency (decision sent → tool starts)',
  async run(ctx, log) {
    const perGroup = ctx.mode === 'full' ? 200 : 30;
    const groups: { variant: Variant; via: Via }[] = [
      { variant: 'agentRun', via: 'signal' },
      { variant: 'agentRun', via: 'update' },
      { variant: 'baseline', via: 'signal' },
      { variant: 'baseline', via: 'update' },
    ];
    const samples = new Map<string, Sample[]>(groups.map((g) => [`${g.variant}/${g.via}`, []]));
    const idleCount = ctx.mode === 'full' ? 20 : 5;
    const idle = new Map<Via, Sample[]>([
      ['signal', []],
      ['update', []],
    ]);
    let counter = 0;

    await ctx.withWorker(TASK_QUEUE, async () => {
      // Batches alternate between groups, so every group sees the same machine conditions.
      for (let done = 0; done < perGroup; done += BATCH) {
        const size = Math.min(BATCH, perGroup - done);
        for (const group of groups) {
          const ids = Array.from({ length: size }, () => `apl-${nonce}-${counter++}`);
          const handles = await Promise.all(ids.map((id) => start(ctx, group.variant, id)));
          const approvalIds = await Promise.all(handles.map((h) => waitForPending(h, group.variant === 'agentRun' ? 'harness' : 'baseline')));
          await sleep(100); // let the parking settle: measure a decision on an idle, parked run
          for (let i = 0; i < handles.length; i++) {
            samples.get(`${group.variant}/${group.via}`)!.push(await decideAndTime(handles[i]!, approvalIds[i]!, group.via));
          }
        }
        clearMarks();
        log(`  ${Math.min(done + BATCH, perGroup)}/${perGroup} approvals per group`);
      }
      // Control: agentRun decisions sent after 1 s of quiet each (on a default-config server, a full
      // queue-reader token bucket; on the tuned dev server it should change little).
      for (let i = 0; i < idleCount; i++) {
        for (const via of ['signal', 'update'] as const) {
          const handle = await start(ctx, 'agentRun', `apl-${nonce}-${counter++}`);
          const approvalId = await waitForPending(handle, 'harness');
          await sleep(1000);
          idle.get(via)!.push(await decideAndTime(handle, approvalId, via));
        }
      }
    });

    const rows: (string | number)[][] = [];
    const data: Record<string, unknown> = { approvalsPerGroup: perGroup, parkedAtOnce: BATCH };
    for (const group of groups) {
      const list = samples.get(`${group.variant}/${group.via}`)!;
      const ack = summarize(list.map((s) => s.ack));
      const activity = summarize(list.map((s) => s.activity));
      const tool = summarize(list.map((s) => s.tool));
      rows.push([group.variant, group.via, list.length, ms(ack.p50), ms(activity.p50), ms(activity.p95), ms(activity.p99), ms(tool.p50), ms(tool.p95), ms(tool.p99)]);
      data[`${group.variant}/${group.via}`] = { ack, activity, tool };
    }
    const idleRows = (['signal', 'update'] as const).map((via) => {
      const list = idle.get(via)!;
      const tool = summarize(list.map((s) => s.tool));
      const activity = summarize(list.map((s) => s.activity));
      data[`idle/agentRun/${via}`] = { activity, tool, ack: summarize(list.map((s) => s.ack)) };
      return ['agentRun', via, list.length, ms(activity.p50), ms(tool.p50), ms(tool.max)];
    });
    const ours = (via: Via) => (data[`agentRun/${via}`] as { tool: { p50: number } }).tool.p50;
    return {
      tables: [
        {
          title: `${perGroup} approvals per row, runs parked ${BATCH} at a time and approved one by one; in-process worker; ms`,
          text: table(
            ['workflow', 'via', 'n', 'send returned p50', 'activity start p50', 'p95', 'p99', 'tool start p50', 'p95', 'p99'],
            rows,
          ),
        },
        {
          title: `control: each decision sent after 1 s of quiet (${idleCount} per row); ms`,
          text: table(['workflow', 'via', 'n', 'activity start p50', 'tool start p50', 'tool start max'], idleRows),
        },
      ],
      notes: [
        `agentRun, decision → tool start p50: ${ms(ours('signal'))} ms by signal, ${ms(ours('update'))} ms by update (target ≤ 1.1× the bare workflow's by update: ${ms((data['baseline/update'] as { tool: { p50: number } }).tool.p50)} ms).`,
        '"send returned": a signal returns when the server has it; an update returns after the workflow ran its handler (a workflow task round trip).',
        'agentRun\'s callTool reads the run\'s tool context by query before the tool starts only when the run has context, state or files (these runs have none); the gap between "activity start" and "tool start" is the activity\'s own start-up.',
      ],
      data,
    };
  },
};

function start(ctx: BenchContext, variant: Variant, id: string): Promise<WorkflowHandle> {
  if (variant === 'agentRun') {
    return ctx
      .harness(TASK_QUEUE)
      .startRun({ agentId: AGENTS.gated, input: ORDER_QUESTION, runId: id })
      .then(() => ctx.temporal.workflow.getHandle(id));
  }
  return ctx.temporal.workflow.start(BASELINE_AGENT_WORKFLOW, {
    workflowId: id,
    taskQueue: baselineQueue(TASK_QUEUE),
    args: [{ agentId: AGENTS.plain, input: ORDER_QUESTION, approval: true }],
  });
}

async function decideAndTime(handle: WorkflowHandle, approvalId: string, via: Via): Promise<Sample> {
  const decision = { approvalId, decision: 'approve' as const, approver: 'bench' };
  const activity = whenMarked('activity', handle.workflowId);
  const tool = whenMarked('tool', handle.workflowId);
  const t0 = performance.now();
  if (via === 'signal') await handle.signal(approvalDecisionSignal, decision);
  else await handle.executeUpdate(decideApprovalUpdate, { args: [decision] });
  const ack = performance.now() - t0;
  const sample = { ack, activity: (await activity) - t0, tool: (await tool) - t0 };
  await handle.result();
  return sample;
}
