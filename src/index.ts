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
export {
  HarnessClient,
  HarnessSchedules,
  RunHandle,
  ThreadHandle,
  ThreadRunHandle,
  MessageText,
  inlineFile,
  fileReference,
  MAX_INLINE_FILE_BYTES,
  connectionSettingsFromEnv,
  connectionCredentialsFromEnv,
  describeCredentials,
  // Errors, each with a stable `code`.
  HarnessClientError,
  DecisionRejectedError,
  RunFailedError,
  ThreadError,
  ConnectionConfigError,
  isHarnessClientError,
  isConnectionConfigError,
  type HarnessClientErrorCode,
  type ThreadErrorCode,
  type ConnectionConfigErrorCode,
  // Types.
  type HarnessClientOptions,
  type StartRunOptions,
  type ListRunsOptions,
  type RunSummary,
  type CreateScheduleOptions,
  type HarnessScheduleSummary,
  type HarnessScheduleDescription,
  type ScheduledRunInput,
  type ScheduledRunRecord,
  type ScheduleTiming,
  type DecideOptions,
  type DecisionDetails,
  type SendOptions,
  type ThreadOptions,
  type ThreadStatus,
  type ThreadRunRecord,
  type ThreadRunState,
  type ConnectionSettings,
  type ConnectionCredentials,
  type AgentRunInput,
  type AgentRunResult,
  type ApprovalDecisionInput,
  type ApprovalRecord,
  type PendingApproval,
  type RunState,
  type RunStatus,
  type TranscriptMessage,
  type RunEventsOptions,
  type HarnessEvent,
  type HarnessEventItem,
  type HarnessEventType,
} from './client/index.js';
export { WorkspaceError, isWorkspaceError, type WorkspaceErrorCode, type WorkspaceIssue } from './workspace/index.js';
export { CodecError, isCodecError, type CodecErrorCode } from './codec/index.js';
