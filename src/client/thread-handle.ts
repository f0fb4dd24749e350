/** A handle on one thread (a conversation of many runs): send messages, read its status and messages, restart it. */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, type Client, type WorkflowHandle } from '@temporalio/client';
import type { agentThread } from '../workflows/threads/agent-thread.js';
import { transcriptQuery } from '../workflows/run/contract.js';
import { THREAD_ID } from '../workflows/shared/search-attributes.js';
import {
  AGENT_THREAD_WORKFLOW,
  THREAD_ID_PATTERN,
  submitRunUpdate,
  threadStatusQuery,
  threadWorkflowId,
  type AgentThreadInput,
  type SubmitRunInput,
  type ThreadOnBusy,
  type ThreadRunRecord,
  type ThreadRunState,
  type ThreadStatus,
} from '../workflows/threads/contract.js';
import type { AgentRunResult } from '../workflows/run/contract.js';
import type { TranscriptMessage } from '../workflows/shared/conversation.js';
import { classifyTemporalError } from './classify.js';
import { HarnessClientError, RunFailedError, ThreadError } from './errors.js';
import { RunHandle } from './run-handle.js';

/** Options of `HarnessClient.thread`. */
export interface ThreadOptions {
  /**
   * What the thread does with a message sent while a run is active. Used when this handle's first
   * `send` creates the thread; an existing thread keeps its own (see `status().onBusy`).
   * @default 'enqueue'
   */
  onBusy?: ThreadOnBusy;
  /** Continue-as-new after this many runs per execution (testing knob). @default only when Temporal suggests it */
  continueAsNewAfterRuns?: number;
}

/** Options of `ThreadHandle.send`. */
export interface SendOptions {
  agentId: string;
  /** @default `run-<uuid>` */
  runId?: string;
  context?: Record<string, unknown>;
}

/** Internal wiring a `ThreadHandle` needs from `HarnessClient`. */
export interface ThreadHandleDeps {
  temporal: Client;
  taskQueue: string;
  knownAgents?: readonly string[];
}

/** Throws `ThreadError` `INVALID_THREAD_ID` unless `threadId` matches `THREAD_ID_PATTERN`. */
export function assertThreadId(threadId: string): void {
  if (typeof threadId !== 'string' || !THREAD_ID_PATTERN.test(threadId)) {
    throw new ThreadError(
      'INVALID_THREAD_ID',
      `Invalid thread id ${JSON.stringify(threadId)}: use 1-128 characters, letters, digits and _ . : - (starting with a letter or digit).`,
    );
  }
}

/**
 * One thread. Runs of a thread execute one at a time as child `agentRun` workflows, and each run
 * sees the messages of the runs before it.
 * @example
 * const thread = harness.thread('support-42');
 * const run1 = await thread.send('Where is order A-1001?', { agentId: 'support' });
 * await run1.result();
 * const run2 = await thread.send('Refund it, please', { agentId: 'support' }); // sees run 1's messages
 */
export class ThreadHandle {
  /** The thread's workflow id, `thread-<threadId>`. */
  readonly workflowId: string;

  constructor(
    readonly threadId: string,
    private readonly deps: ThreadHandleDeps,
    private readonly options: ThreadOptions = {},
  ) {
    assertThreadId(threadId);
    this.workflowId = threadWorkflowId(threadId);
  }

  /**
   * Sends a message: starts the thread if needed (update-with-start) and submits a run. Returns
   * at once with a handle on the run, which may be queued behind others (`queued`, `position`).
   * @throws {HarnessClientError} `THREAD_BUSY` (thread with onBusy `reject` is busy),
   *   `RUN_ALREADY_EXISTS` (run id used), `UNKNOWN_AGENT` (with the client's `knownAgents`).
   * @throws {ThreadError} `INVALID_SUBMISSION` for an empty input or malformed run id.
   */
  async send(input: string, options: SendOptions): Promise<ThreadRunHandle> {
    const submission: SubmitRunInput = {
      runId: options.runId ?? `run-${randomUUID()}`,
      agentId: options.agentId,
      input,
      ...(options.context !== undefined && { context: options.context }),
    };
    this.checkSubmission(submission);
    const threadInput: AgentThreadInput = {
      threadId: this.threadId,
      onBusy: this.options.onBusy ?? 'enqueue',
      ...(this.options.continueAsNewAfterRuns !== undefined && { continueAsNewAfterRuns: this.options.continueAsNewAfterRuns }),
    };
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof agentThread>(AGENT_THREAD_WORKFLOW, {
      workflowId: this.workflowId,
      taskQueue: this.deps.taskQueue,
      args: [threadInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `thread ${this.threadId}`,
      typedSearchAttributes: [{ key: THREAD_ID, value: this.threadId }],
    });
    try {
      const result = await this.deps.temporal.workflow.executeUpdateWithStart(submitRunUpdate, {
        args: [submission],
        startWorkflowOperation,
      });
      return new ThreadRunHandle(result.runId, this.deps.temporal.workflow.getHandle(result.runId), this, result.queued, result.position);
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'thread', id: this.threadId, call: 'update' });
    }
  }

  /**
   * The thread's settings, active run, queue, last 100 runs and message count.
   * @throws {ThreadError} `THREAD_NOT_FOUND` when nothing was ever sent to it.
   */
  async status(): Promise<ThreadStatus> {
    return this.call((h) => h.query(threadStatusQuery));
  }

  /** The conversation so far (every completed run's messages; the user message of others). */
  async messages(): Promise<TranscriptMessage[]> {
    return this.call((h) => h.query(transcriptQuery));
  }

  /**
   * Starts a NEW thread seeded with this thread's messages (those of runs that have ended); this
   * thread stays as it is. The new thread keeps this one's onBusy unless this handle names one.
   * @param newThreadId @default `<threadId>.r-<8 hex>`
   * @throws {ThreadError} `THREAD_ALREADY_EXISTS` when `newThreadId` is taken, `THREAD_NOT_FOUND`.
   */
  async restart(newThreadId = `${this.threadId.slice(0, 115)}.r-${randomUUID().slice(0, 8)}`): Promise<ThreadHandle> {
    assertThreadId(newThreadId);
    const messages = await this.messages();
    // The new thread behaves like the old one unless this handle asked for something else.
    const onBusy = this.options.onBusy ?? (await this.status()).onBusy;
    const next = new ThreadHandle(newThreadId, this.deps, { ...this.options, onBusy });
    const { continueAsNewAfterRuns } = this.options;
    const input: AgentThreadInput = { threadId: newThreadId, onBusy, messages, ...(continueAsNewAfterRuns !== undefined && { continueAsNewAfterRuns }) };
    try {
      await this.deps.temporal.workflow.start<typeof agentThread>(AGENT_THREAD_WORKFLOW, {
        workflowId: next.workflowId,
        taskQueue: this.deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        staticSummary: `thread ${newThreadId} (restarted from ${this.threadId})`,
        typedSearchAttributes: [{ key: THREAD_ID, value: newThreadId }],
      });
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'thread', id: newThreadId });
    }
    return next;
  }

  private checkSubmission(s: SubmitRunInput): void {
    if (typeof s.input !== 'string' || s.input.trim() === '') {
      throw new ThreadError('INVALID_SUBMISSION', 'The message (input) must be a non-empty string.');
    }
    if (!THREAD_ID_PATTERN.test(s.runId!)) {
      throw new ThreadError('INVALID_SUBMISSION', `Invalid run id ${JSON.stringify(s.runId)}: use 1-128 characters, letters, digits and _ . : -.`);
    }
    const known = this.deps.knownAgents;
    // `auto` is routed by the run itself.
    if (known && s.agentId !== 'auto' && !known.includes(s.agentId)) {
      throw new HarnessClientError('UNKNOWN_AGENT', `Unknown agent "${s.agentId}". Known agents: ${known.join(', ') || '(none)'}.`);
    }
  }

  private async call<T>(fn: (h: WorkflowHandle) => Promise<T>): Promise<T> {
    try {
      return await fn(this.deps.temporal.workflow.getHandle(this.workflowId));
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'thread', id: this.threadId, call: 'query' });
    }
  }
}

/**
 * A run submitted to a thread. Like `RunHandle`, except that `result()` also waits while the run
 * is queued (its workflow does not exist yet), reports a run an interrupt dropped before it
 * started, and returns only once the thread has taken the run's outcome in (so a `send` right
 * after it finds the thread idle, and `messages()` includes the run).
 * `status()` of a queued run throws `RUN_NOT_FOUND`; `waitFor` tolerates that until its timeout.
 */
export class ThreadRunHandle extends RunHandle {
  constructor(
    runId: string,
    handle: WorkflowHandle,
    /** The thread the run belongs to. */
    readonly thread: ThreadHandle,
    /** Whether the run waited behind another when it was sent. */
    readonly queued: boolean,
    /** Its place in the queue when it was sent, 1 = next; 0 when not queued. */
    readonly position: number,
  ) {
    super(runId, handle);
  }

  /**
   * Waits for the run to start (if queued) and finish; returns its result.
   * @throws {RunFailedError} `RUN_FAILED` / `RUN_CANCELLED` (also for a run an interrupt dropped before it started).
   */
  override async result(): Promise<AgentRunResult> {
    await this.whileThreadSays(['queued']);
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      let result: AgentRunResult;
      try {
        result = await super.result();
      } catch (err) {
        if (!(err instanceof HarnessClientError && err.code === 'RUN_NOT_FOUND')) {
          await this.whileThreadSays(['queued', 'running']);
          throw err;
        }
        // No workflow: either the thread marked the run running a moment before its child
        // exists (retry), or the run never started (the thread's record says why).
        const record = await this.record();
        if (record?.state === 'cancelled' || record?.state === 'failed') {
          const code = record.state === 'cancelled' ? 'RUN_CANCELLED' : 'RUN_FAILED';
          throw new RunFailedError(code, `Run ${this.runId} ${record.state}: ${record.error ?? 'no reason recorded'}`, { cause: err });
        }
        if (record?.state !== 'running') throw err;
        await sleep(delay);
        continue;
      }
      const record = await this.whileThreadSays(['queued', 'running']);
      // A run id that named an older, finished workflow: that one answered; ours never started.
      if (record?.state === 'failed') throw new RunFailedError('RUN_FAILED', `Run ${this.runId} failed: ${record.error ?? ''}`);
      return result;
    }
  }

  private async record(): Promise<ThreadRunRecord | undefined> {
    return (await this.thread.status()).runs.find((r) => r.runId === this.runId);
  }

  /** Polls the thread until its record of this run leaves `states` (or is gone: trimmed after 100 runs). */
  private async whileThreadSays(states: ThreadRunState[]): Promise<ThreadRunRecord | undefined> {
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const record = await this.record();
      if (!record || !states.includes(record.state)) return record;
      await sleep(delay);
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
