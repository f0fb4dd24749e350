/**
 * Starts one run of the order question: agentRun through the harness client, or the hand-written
 * baseline workflow on the baselines' queue. The benchmarks that time both start them the same way.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { BaselineAgentInput } from '../workflows/baseline.js';
import { BASELINE_AGENT_WORKFLOW } from '../workflows/messages.js';
import { baselineQueue, type BenchContext } from './context.js';
import { AGENTS, ORDER_QUESTION } from './workspace.js';

export interface OrderRunOptions {
  /** agentRun, or the baseline workflow with these activities. */
  design: 'agentRun' | { baseline: NonNullable<BaselineAgentInput['activities']> };
  /** Its tool call waits for an approval. */
  approval: boolean;
  taskQueue: string;
  workflowId: string;
  /**
   * Every model and tool call a local activity: agentRun's agent with its model and tool declared
   * local, the baseline's `local` input.
   */
  local?: boolean;
}

/** Starts the run and returns its handle (agentRun's run id is the workflow id). */
export async function startOrderRun(ctx: BenchContext, { design, approval, taskQueue, workflowId, local = false }: OrderRunOptions): Promise<WorkflowHandle> {
  if (design === 'agentRun') {
    const agentId = local ? (approval ? AGENTS.allLocalGated : AGENTS.allLocal) : approval ? AGENTS.gated : AGENTS.plain;
    await ctx.harness(taskQueue).startRun({ agentId, input: ORDER_QUESTION, runId: workflowId });
    return ctx.temporal.workflow.getHandle(workflowId);
  }
  return ctx.temporal.workflow.start(BASELINE_AGENT_WORKFLOW, {
    workflowId,
    taskQueue: baselineQueue(taskQueue),
    args: [{ agentId: AGENTS.plain, input: ORDER_QUESTION, approval, activities: design.baseline, ...(local && { local }) } satisfies BaselineAgentInput],
  });
}
