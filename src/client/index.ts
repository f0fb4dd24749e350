export { HarnessClient, type HarnessClientOptions, type ListRunsOptions, type RunSummary, type StartRunOptions } from './harness-client.js';
export { RunHandle, type DecideOptions, type DecisionDetails } from './run-handle.js';
export { DecisionRejectedError, HarnessClientError, RunFailedError, isHarnessClientError, type HarnessClientErrorCode } from './errors.js';
export { connectionSettingsFromEnv, type ConnectionSettings } from './connection.js';
export type {
  AgentRunInput,
  AgentRunResult,
  ApprovalDecisionInput,
  ApprovalRecord,
  PendingApproval,
  RunState,
  RunStatus,
} from '../workflows/types.js';
