/** Activities between a run and its agent's grants keeper (`approvalGrants`): record a grant, find one. */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  addGrantSignal,
  APPROVAL_GRANTS_WORKFLOW,
  grantCovers,
  grantsWorkflowId,
  listGrantsQuery,
  type ApprovalGrant,
  type ApprovalGrantsInput,
  type GrantLookup,
} from '../workflows/grants/contract.js';

export function createGrantActivities(client: Client) {
  return {
    /** Adds a grant to its agent's keeper, starting the keeper if it is not running (signal-with-start). */
    async recordGrant(grant: ApprovalGrant): Promise<void> {
      const { taskQueue } = Context.current().info;
      const args: [ApprovalGrantsInput] = [{ agentId: grant.agentId }];
      await client.workflow.signalWithStart(APPROVAL_GRANTS_WORKFLOW, {
        workflowId: grantsWorkflowId(grant.agentId),
        taskQueue,
        args,
        signal: addGrantSignal,
        signalArgs: [grant],
        staticSummary: `Approval grants of agent ${grant.agentId}`,
      });
    },

    /**
     * The grant covering this call now (wall time: expiry is checked here, not in the keeper,
     * whose query time is its last task's), or undefined. No keeper yet = no grants.
     */
    async findGrant(call: GrantLookup): Promise<ApprovalGrant | undefined> {
      let grants: ApprovalGrant[];
      try {
        grants = await client.workflow.getHandle(grantsWorkflowId(call.agentId)).query(listGrantsQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
      const now = Date.now();
      // The newest covering grant: its granter is who the record names.
      return grants.filter((g) => grantCovers(g, call, now)).at(-1);
    },
  };
}
