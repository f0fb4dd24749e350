/**
 * `approvalGrants`: the durable home of an agent's grants (one workflow per agent, id
 * `grantsWorkflowId(agentId)`). Runs add grants by signal-with-start (through an activity: a
 * workflow cannot start one it does not parent) and look them up by query (also through an
 * activity); people list and revoke them through the client. Every add and revoke is in this
 * workflow's history. Wiring only: the rules are `GrantBook`'s.
 */
import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import { addGrantSignal, listGrantsQuery, revokeGrantUpdate, type ApprovalGrantsInput } from './contract.js';
import { GrantBook } from './grant-book.js';

/** Adds and revokes before the keeper continues as new, keeping its history short. */
const CHANGES_PER_RUN = 500;

export async function approvalGrants(input: ApprovalGrantsInput): Promise<void> {
  const book = new GrantBook(input.grants);
  setHandler(addGrantSignal, (grant) => {
    book.prune(Date.now());
    book.add(grant);
  });
  setHandler(listGrantsQuery, () => book.list());
  setHandler(revokeGrantUpdate, (revoke) => book.revoke(revoke), {
    validator: (revoke) => {
      const problem = book.revokeProblem(revoke);
      if (problem) throw new Error(problem);
    },
  });
  await condition(() => book.changes >= CHANGES_PER_RUN);
  await condition(allHandlersFinished);
  book.prune(Date.now());
  await continueAsNew<typeof approvalGrants>({ agentId: input.agentId, grants: book.list() });
}
