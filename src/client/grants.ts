/** The standing approvals ("grants") of one agent: list them, revoke one. */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { grantsWorkflowId, listGrantsQuery, revokeGrantUpdate, type ApprovalGrant } from '../workflows/grants/contract.js';
import { classifyTemporalError } from './classify.js';
import { HarnessClientError } from './errors.js';

/** A handle on an agent's grants (from `HarnessClient.grants(agentId)`). */
export class AgentGrants {
  constructor(
    readonly agentId: string,
    private readonly temporal: Client,
  ) {}

  /**
   * The agent's grants, oldest first; expired ones are left out.
   * @throws {HarnessClientError} `QUERY_TIMEOUT` when no worker serves the grants keeper.
   */
  async list(): Promise<ApprovalGrant[]> {
    try {
      const grants = await this.temporal.workflow.getHandle(grantsWorkflowId(this.agentId)).query(listGrantsQuery);
      const now = Date.now();
      return grants.filter((g) => g.expiresAt === undefined || Date.parse(g.expiresAt) > now);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return [];
      throw classifyTemporalError(err, { kind: 'server', id: grantsWorkflowId(this.agentId), call: 'query' });
    }
  }

  /**
   * Revokes a grant: calls it covered are asked again. Returns the revoked grant.
   * @throws {HarnessClientError} `GRANT_NOT_FOUND` for an unknown grant id (nothing changes).
   */
  async revoke(grantId: string, options: { revokedBy?: string } = {}): Promise<ApprovalGrant> {
    try {
      return await this.temporal.workflow
        .getHandle(grantsWorkflowId(this.agentId))
        .executeUpdate(revokeGrantUpdate, { args: [{ grantId, ...(options.revokedBy !== undefined && { revokedBy: options.revokedBy }) }] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new HarnessClientError('GRANT_NOT_FOUND', `Agent "${this.agentId}" has no grants, so there is no grant "${grantId}" to revoke.`);
      }
      if (err instanceof WorkflowUpdateFailedError) {
        throw new HarnessClientError('GRANT_NOT_FOUND', (err.cause as Error | undefined)?.message ?? err.message, { cause: err });
      }
      throw classifyTemporalError(err, { kind: 'server', id: grantsWorkflowId(this.agentId), call: 'update' });
    }
  }
}
