/**
 * The contract of `agentThread` (a conversation of many runs): its workflow id, input, payloads,
 * and its update and query, declared once and imported everywhere (workflow, client, CLI, tests).
 * The names are public: `temporal workflow update execute --name submitRun` must keep working.
 * The thread also answers `transcriptQuery` (`../shared/conversation.ts`) with its conversation.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { SyncThreadMemoryResult } from '../../activities/memory-sync.js';
import type { TranscriptMessage } from '../shared/conversation.js';
import type { TokenUsage } from '../shared/usage.js';

/** Workflow type name of a thread. */
export const AGENT_THREAD_WORKFLOW = 'agentThread';

/**
 * Thread ids (and run ids submitted to a thread): a letter or digit, then up to 127 of
 * `A-Z a-z 0-9 _ . : -`. Safe inside workflow ids, visibility queries and shell arguments.
 */
export const THREAD_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * The workflow id of a thread: `thread-<threadId>`.
 * @example threadWorkflowId('support-42') // 'thread-support-42'
 */
export function threadWorkflowId(threadId: string): string {
  return `thread-${threadId}`;
}

/**
 * What a thread does with a message sent while one of its runs is active:
 * `enqueue` runs it after the others (FIFO), `reject` refuses it with `THREAD_BUSY`,
 * `interrupt` cancels the active run (and drops runs still queued), then runs the new one.
 */
export type ThreadOnBusy = 'enqueue' | 'reject' | 'interrupt';

/** Every `onBusy` choice: what a thread does with a message that arrives while a run is active. */
export const THREAD_ON_BUSY: readonly ThreadOnBusy[] = ['enqueue', 'reject', 'interrupt'];

/** Lifecycle of a run as its thread records it (`queued` = submitted, not started yet). */
export type ThreadRunState = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A submitted run waiting in the thread's queue (full input: it is what the run starts with). */
export interface QueuedThreadRun {
  runId: string;
  agentId: string;
  input: string;
  context?: Record<string, unknown>;
}

/** What the thread's status shows about a run's memory sync. */
export type RunMemorySync = SyncThreadMemoryResult | { error: string };

/** One run in `threadStatus().runs`. */
export interface ThreadRunRecord {
  runId: string;
  agentId: string;
  /** The first 200 characters of the run's input. */
  input: string;
  state: ThreadRunState;
  /** Why the run failed or was cancelled. */
  error?: string;
  /** Tokens (and cost, when priced) of a completed run. */
  usage?: TokenUsage;
  /** Long-term memory written after the run completed (the agent's `memory.sync`), or why it failed. */
  memory?: RunMemorySync;
}

/** What `agentThread` is started (or continued-as-new) with. */
export interface AgentThreadInput {
  threadId: string;
  /** Fixed for the thread's life; a later sender's preference does not change it. @default 'enqueue' */
  onBusy: ThreadOnBusy;
  /** The conversation so far: a seed when restarting a conversation, the carried state after continue-as-new. */
  messages?: TranscriptMessage[];
  /**
   * Continue-as-new after this many runs in one execution (testing knob). Without it the thread
   * continues as new only when Temporal suggests it (history size).
   * @default undefined
   */
  continueAsNewAfterRuns?: number;
  /** State carried across continue-as-new; absent on a fresh start. */
  carried?: { runs: ThreadRunRecord[]; queue: QueuedThreadRun[]; usage?: TokenUsage };
}

/** Payload of the `submitRun` update: one new message for the thread. */
export interface SubmitRunInput {
  /** The run id (= the child workflow's id). @default `run-<uuid>` (the client makes one) */
  runId?: string;
  agentId: string;
  input: string;
  context?: Record<string, unknown>;
}

/** What `submitRun` answers, at once (it does not wait for the run). */
export interface SubmitRunResult {
  runId: string;
  /** True when the run waits for another run to end first. */
  queued: boolean;
  /** Place in the queue, 1 = next to start; 0 when not queued. */
  position: number;
}

/** What the `threadStatus` query returns. */
export interface ThreadStatus {
  threadId: string;
  onBusy: ThreadOnBusy;
  activeRunId?: string;
  /** Run ids waiting to start, in order. */
  queued: string[];
  /** The last 100 runs, oldest first. */
  runs: ThreadRunRecord[];
  messageCount: number;
  /** Tokens and cost of every completed run of the thread, across continue-as-new. */
  usage: TokenUsage;
}

/** Error types the `submitRun` validator refuses with (as `ApplicationFailure.type`). */
export const SUBMIT_REFUSALS = ['THREAD_BUSY', 'INVALID_SUBMISSION', 'RUN_ALREADY_EXISTS'] as const;
export type SubmitRefusal = (typeof SUBMIT_REFUSALS)[number];

/**
 * Submits a run to the thread. An update, not a signal: the caller learns at once whether the
 * message was accepted (and its run id and queue place), and the validator refuses a busy thread
 * (`onBusy: reject`), a malformed payload or a run id already used, before anything enters history.
 */
export const submitRunUpdate = defineUpdate<SubmitRunResult, [SubmitRunInput]>('submitRun');

/** The thread's settings, active run, queue, recent runs and message count. */
export const threadStatusQuery = defineQuery<ThreadStatus>('threadStatus');

/** What the thread's handlers do and take, shown by the Web UI's Queries tab and Update dialog. */
export const THREAD_HANDLER_DESCRIPTIONS = {
  submitRun:
    'Send a message to the thread: starts (or queues, per onBusy) a run of it and answers {"runId", "queued", "position"}. ' +
    'Payload: {"agentId": "<agent or auto>", "input": "<message>", "runId"?: "<id>", "context"?: {…}}.',
  threadStatus: "The thread's settings, active run, queue, recent runs, message count and usage. No argument.",
  transcript: "The thread's conversation so far. Argument: {\"upTo\"?: number}.",
} as const;
