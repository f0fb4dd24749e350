/** The baseline workflows' one query, declared apart so driver code imports no workflow module. */
import { defineQuery } from '@temporalio/workflow';

/** Which tool call is waiting for a decision, if any. */
export const baselineStatusQuery = defineQuery<{ pendingApprovalId?: string; step: number }>('baselineStatus');

/** Workflow type names of the baselines. */
export const BASELINE_AGENT_WORKFLOW = 'baselineAgent';
export const NAIVE_AGENT_WORKFLOW = 'naiveAgent';
