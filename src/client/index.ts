/**
 * `temporal-harness/client`: what app servers use to start, watch and decide runs.
 * @packageDocumentation
 */
export { HarnessClient, type HarnessClientOptions, type ListRunsOptions, type RunPlanner, type RunSummary, type StartRunOptions } from './harness-client.js';
export type { RunPlan } from '../activities/plan-run.js';
export { closeConnection, connectClosable, type ClosableConnectionOptions } from './closable-connection.js';
export { TraceContextInterceptor, withCallerTrace, currentTraceCarrier, MAX_TRACESTATE_CHARS, type TraceCarrier } from './trace-context.js';
export {
  HarnessSchedules,
  type CreateScheduleOptions,
  type HarnessScheduleDescription,
  type HarnessScheduleSummary,
  type ScheduledRunInput,
  type ScheduledRunRecord,
} from './schedules.js';
export { SCHEDULE_ID_PATTERN, type ScheduleTiming } from './schedule-spec.js';
export { RunHandle, type DecideOptions, type DecisionDetails } from './run-handle.js';
export {
  DECISION_LINK_LIMITS,
  LINK_SECRET_ENV,
  linkSecretFromEnv,
  signDecisionLink,
  verifyDecisionLink,
  type DecisionLink,
  type DecisionLinkClaims,
  type LinkDecision,
  type SignDecisionLinkOptions,
  type VerifyDecisionLinkOptions,
} from './decision-links.js';
export { decideWithLink, mintDecisionLink, type LinkDecisionResult, type MintDecisionLinkOptions } from './link-decisions.js';
export {
  ConnectionConfigError,
  DecisionLinkError,
  DecisionRejectedError,
  ForkError,
  HarnessClientError,
  RunFailedError,
  ThreadError,
  isConnectionConfigError,
  isDecisionLinkError,
  isHarnessClientError,
  type ConnectionConfigErrorCode,
  type DecisionLinkErrorCode,
  type HarnessClientErrorCode,
  type ThreadErrorCode,
} from './errors.js';
export { HarnessError, isHarnessError, type HarnessErrorOptions } from '../common/errors.js';
export { classifyTemporalError, type FailureSubject } from './classify.js';
export { ThreadHandle, ThreadRunHandle, assertThreadId, type SendOptions, type ThreadOptions } from './thread-handle.js';
export {
  THREAD_ID_PATTERN,
  THREAD_ON_BUSY,
  threadWorkflowId,
  type SubmitRunInput,
  type SubmitRunResult,
  type ThreadOnBusy,
  type ThreadRunRecord,
  type ThreadRunState,
  type ThreadStatus,
} from '../workflows/threads/contract.js';
export {
  connectionCredentialsFromEnv,
  connectionSettingsFromEnv,
  describeConnection,
  describeCredentials,
  type ConnectionCredentials,
  type ConnectionSettings,
} from './connection.js';
export {
  ASK_HUMAN_TOOL,
  CLIENT_TOOL_LIMITS,
  DECISIONS,
  DECISION_LIMITS,
  IGNORED_DECISION_LIMITS,
  JUDGE_LIMITS,
  QUESTION_LIMITS,
  RUN_STATES,
  TERMINAL_RUN_STATES,
  isApprovalProgress,
  isTerminalRunState,
  type AgentRunInput,
  type AgentRunResult,
  type AnswerQuestionInput,
  type ApprovalDecisionInput,
  type ApprovalProgress,
  type ApprovalQuorum,
  type ApprovalRecord,
  type ApprovalVote,
  type Decision,
  type DecisionResult,
  type IgnoredDecision,
  type JudgeVerdict,
  type PayloadDigest,
  type PendingApproval,
  type PendingQuestion,
  type PendingToolCall,
  type SuppliedToolResult,
  type SupplyToolResultInput,
  type QuestionRecord,
  type RunState,
  type RunStatus,
} from '../workflows/run/contract.js';
export type { TranscriptMessage, TranscriptPage, TranscriptPageInput } from '../workflows/shared/conversation.js';
export { CONTENT_LIMITS, TRANSCRIPT_PAGE_LIMITS, type ContentRef } from '../workflows/shared/content-ref.js';
export { AgentGrants } from './grants.js';
export type { ForkOptions, ForkSummary } from './fork-run.js';
export {
  FORK_LIMITS,
  type ForkErrorCode,
  type ForkInput,
  type ForkOf,
  type ForkPoint,
  type ForkRequest,
  type ForkToolCallChange,
} from '../workflows/run/fork.js';
export { GRANT_SCOPES, GRANT_LIMITS, type ApprovalGrant, type GrantRequest, type GrantScope } from '../workflows/grants/contract.js';
export { DEFAULT_ADDRESS, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../common/defaults.js';
export { inlineFile, fileReference, MAX_INLINE_FILE_BYTES, MAX_INLINE_FILE_BYTES_BY_REFERENCE } from './run-files.js';
export type { RunEventsOptions } from './run-events.js';
export type { HarnessEvent, HarnessEventItem, HarnessEventType } from '../workflows/run/events.js';
export { MessageText } from './message-text.js';
export {
  listPendingApprovals,
  listPendingQuestions,
  listPendingToolCalls,
  type PendingApprovalItem,
  type PendingQuestionItem,
  type PendingToolCallItem,
} from './pending-approvals.js';
