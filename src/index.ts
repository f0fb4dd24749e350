/**
 * `temporal-harness`: the client-facing API, for app servers that start runs and decide their
 * approvals. Workers live in `temporal-harness/worker`, tools modules import
 * `temporal-harness/tools`, the HTTP API is `temporal-harness/http`.
 * @example
 * import { HarnessClient } from 'temporal-harness';
 * const harness = await HarnessClient.connect({ taskQueue: 'support' });
 * const run = await harness.startRun({ agentId: 'support', input: 'Refund order A-1001' });
 * @packageDocumentation
 */
// The client's deliberate export list, as it is: one list to keep, not two.
export * from './client/index.js';
export { WorkspaceError, isWorkspaceError, type WorkspaceErrorCode, type WorkspaceIssue } from './workspace/index.js';
export { CodecError, isCodecError, type CodecErrorCode } from './codec/index.js';
