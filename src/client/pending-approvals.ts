/** Every pending approval of one harness deployment, across its runs: what an inbox lists. */
import type { PendingApproval } from '../workflows/run/contract.js';
import type { HarnessClient } from './harness-client.js';

/** One approval waiting for a decision, with the run it waits in. */
export interface PendingApprovalItem {
  runId: string;
  agentId: string;
  /** The thread the run belongs to, for a thread's run. */
  threadId?: string;
  approval: PendingApproval;
}

/**
 * Pending approvals of every run of the client's task queue waiting for one (found through
 * Temporal visibility, `HarnessRunState="waiting_for_approval"`), oldest request first. A
 * sub-agent run's approvals are listed once, on its top-level run (as `<toolCallId>/<id>`), where
 * they are decided. Runs that do not answer their status query are left out.
 * @example
 * for (const { runId, approval } of await listPendingApprovals(client)) console.log(runId, approval.toolName);
 */
export async function listPendingApprovals(client: HarnessClient, { limit = 200 }: { limit?: number } = {}): Promise<PendingApprovalItem[]> {
  // The runs of this deployment's task queue: other harnesses may share the namespace.
  const runs = await client.listRuns({ state: 'waiting_for_approval', taskQueue: client.settings.taskQueue, limit });
  const statuses = await Promise.all(runs.map((r) => client.getRun(r.runId).status().catch(() => undefined)));
  return statuses
    .flatMap((s) =>
      s && s.parent === undefined
        ? s.pendingApprovals.map((approval) => ({ runId: s.runId, agentId: s.agentId, ...(s.threadId !== undefined && { threadId: s.threadId }), approval }))
        : [],
    )
    .sort((a, b) => a.approval.requestedAt.localeCompare(b.approval.requestedAt));
}
