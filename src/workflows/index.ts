/**
 * Workflow entry point for `bundleWorkflowCode`: every workflow type the worker registers. The
 * folders show the design: `run/` (agentRun: contract, wiring, lifecycle, ledger, loops, planning,
 * slot), `sub-agents/`, `threads/` (agentThread), `slots/` (runSlots), `shared/`.
 */
export { agentRun } from './run/agent-run.js';
export { runSlots } from './slots/run-slots.js';
export { approvalGrants } from './grants/approval-grants.js';
export { agentThread } from './threads/agent-thread.js';
