/** Workflow entry point for `bundleWorkflowCode`: every workflow type the worker registers. */
export { agentRun } from './agent-run.js';
export { runSlots } from './run-slots.js';
export { agentThread } from './agent-thread.js';
