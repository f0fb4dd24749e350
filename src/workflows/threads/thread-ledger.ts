/**
 * The ledger of one thread (a conversation of many runs) and its rules, as a plain class the
 * `agentThread` workflow owns: submissions and the onBusy strategies, the FIFO queue, which run
 * starts next and with how many earlier messages, and what a finished run adds to the
 * conversation. No Temporal calls, so it is unit-tested without a server.
 */
import {
  THREAD_ID_PATTERN,
  THREAD_ON_BUSY,
  type AgentThreadInput,
  type QueuedThreadRun,
  type SubmitRefusal,
  type SubmitRunResult,
  type ThreadOnBusy,
  type ThreadRunRecord,
  type ThreadStatus,
} from './contract.js';
import type { TranscriptMessage } from '../shared/conversation.js';
import { addInto, type TokenUsage } from '../shared/usage.js';

/** How many runs `threadStatus().runs` keeps (and continue-as-new carries). */
export const RECENT_RUNS_KEPT = 100;

/** Why a submission must be refused; becomes the validator's ApplicationFailure. */
export interface SubmissionProblem {
  code: SubmitRefusal;
  message: string;
}

/** A run the workflow should start now: its submission plus how much of the conversation it sees. */
export interface ThreadRunStart extends QueuedThreadRun {
  /** The run sees the thread's first `upTo` messages (by the transcript query). */
  upTo: number;
}

/** How a run that did not complete ended. */
export interface RunEnding {
  cancelled: boolean;
  error: string;
}

const SUBMISSION_KEYS = new Set(['runId', 'agentId', 'input', 'context']);

export class ThreadLedger {
  readonly threadId: string;
  readonly messages: TranscriptMessage[];
  readonly onBusy: ThreadOnBusy;
  /** Runs started by this execution; drives `continueAsNewAfterRuns`. */
  runsStarted = 0;
  private readonly queue: QueuedThreadRun[];
  private readonly records: ThreadRunRecord[];
  private readonly usage: TokenUsage;
  private active?: { run: QueuedThreadRun; interruptedBy?: string };
  // User messages of queued runs an interrupt dropped while another run was active: they go into
  // the conversation after that run's own messages, so the order stays the order they were sent.
  private deferred: TranscriptMessage[] = [];

  constructor(input: AgentThreadInput) {
    this.threadId = input.threadId;
    this.onBusy = THREAD_ON_BUSY.includes(input.onBusy) ? input.onBusy : 'enqueue';
    this.messages = [...(input.messages ?? [])];
    this.records = [...(input.carried?.runs ?? [])];
    this.usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, ...input.carried?.usage };
    this.queue = [...(input.carried?.queue ?? [])];
  }

  get activeRunId(): string | undefined {
    return this.active?.run.runId;
  }

  hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** Why `payload` must be refused, or undefined when `submit` may take it. */
  problemWith(payload: unknown): SubmissionProblem | undefined {
    const invalid = checkShape(payload);
    if (invalid) return { code: 'INVALID_SUBMISSION', message: `Invalid submitRun payload: ${invalid}.` };
    const { runId } = payload as QueuedThreadRun;
    if (runId !== undefined && this.knows(runId)) {
      return { code: 'RUN_ALREADY_EXISTS', message: `Thread ${this.threadId} already has a run "${runId}"; pick another run id or omit it.` };
    }
    const busyWith = this.activeRunId ?? this.queue[0]?.runId;
    if (this.onBusy === 'reject' && busyWith !== undefined) {
      return {
        code: 'THREAD_BUSY',
        message:
          `Thread ${this.threadId} is busy with run ${busyWith}; send again when it has finished (see the thread's status), ` +
          'or use a thread whose onBusy is "enqueue" or "interrupt" (workspace threads.onBusy).',
      };
    }
    return undefined;
  }

  /**
   * Takes a submission `problemWith` accepted. `interrupt` names the active run the workflow must
   * cancel (onBusy `interrupt`); queued runs that have not started are dropped as cancelled.
   */
  submit(run: QueuedThreadRun): { result: SubmitRunResult; interrupt?: string } {
    let interrupt: string | undefined;
    if (this.onBusy === 'interrupt' && this.active) {
      for (const dropped of this.queue.splice(0)) {
        this.setRecord(dropped.runId, { state: 'cancelled', error: `Superseded by run ${run.runId} before it started (onBusy: interrupt)` });
        this.deferred.push({ role: 'user', content: dropped.input });
      }
      this.active.interruptedBy = run.runId;
      interrupt = this.active.run.runId;
    }
    this.queue.push(run);
    this.records.push({ runId: run.runId, agentId: run.agentId, input: run.input.slice(0, 200), state: 'queued' });
    if (this.records.length > RECENT_RUNS_KEPT) this.records.splice(0, this.records.length - RECENT_RUNS_KEPT);
    const queued = this.active !== undefined || this.queue.length > 1;
    return { result: { runId: run.runId, queued, position: queued ? this.queue.length : 0 }, ...(interrupt && { interrupt }) };
  }

  /** Takes the next queued run and marks it running; undefined when a run is active or none waits. */
  startNext(): ThreadRunStart | undefined {
    if (this.active) return undefined;
    const run = this.queue.shift();
    if (!run) return undefined;
    this.active = { run };
    this.runsStarted += 1;
    this.setRecord(run.runId, { state: 'running' });
    return { ...run, upTo: this.messages.length };
  }

  /** The active run completed: its own messages (input, model turns, tool results) join the conversation. */
  complete(runId: string, runMessages: TranscriptMessage[], usage?: TokenUsage): void {
    if (usage) addInto(this.usage, usage);
    this.end(runId, { state: 'completed', ...(usage && { usage }) }, runMessages);
  }

  /**
   * The active run failed or was cancelled: only its user message joins the conversation (so the
   * next run still sees what was asked; a half-finished turn with tool calls and no results is
   * not a valid conversation to continue from).
   */
  fail(runId: string, ending: RunEnding): void {
    const interruptedBy = this.active?.run.runId === runId ? this.active.interruptedBy : undefined;
    const error = ending.cancelled && interruptedBy ? `Interrupted by run ${interruptedBy} (onBusy: interrupt)` : ending.error;
    const input = this.active?.run.runId === runId ? this.active.run.input : '';
    this.end(runId, { state: ending.cancelled ? 'cancelled' : 'failed', error }, [{ role: 'user', content: input }]);
  }

  /** What the memory sync after a completed run did (shown on that run's entry in the status). */
  recordMemorySync(runId: string, outcome: ThreadRunRecord['memory']): void {
    this.setRecord(runId, { memory: outcome });
  }

  /** Messages `[0, upTo)`, all when `upTo` is omitted. */
  transcript(upTo?: number): TranscriptMessage[] {
    return upTo === undefined ? this.messages : this.messages.slice(0, upTo);
  }

  status(): ThreadStatus {
    return {
      threadId: this.threadId,
      onBusy: this.onBusy,
      ...(this.active && { activeRunId: this.active.run.runId }),
      queued: this.queue.map((r) => r.runId),
      runs: this.records.map((r) => ({ ...r })),
      messageCount: this.messages.length,
      usage: { ...this.usage },
    };
  }

  /** What continue-as-new carries. Only called with no active run, so nothing is in flight. */
  carry(): Pick<AgentThreadInput, 'messages' | 'carried'> {
    if (this.active) throw new Error(`carry() while run ${this.active.run.runId} is active`);
    return { messages: this.messages, carried: { runs: this.records, queue: this.queue, usage: this.usage } };
  }

  private end(runId: string, change: Partial<ThreadRunRecord>, added: TranscriptMessage[]): void {
    if (this.active?.run.runId !== runId) throw new Error(`run ${runId} ended but ${this.activeRunId ?? 'none'} is active`);
    this.active = undefined;
    this.setRecord(runId, change);
    this.messages.push(...added, ...this.deferred);
    this.deferred = [];
  }

  private setRecord(runId: string, change: Partial<ThreadRunRecord>): void {
    const record = this.records.find((r) => r.runId === runId);
    if (record) Object.assign(record, change);
  }

  private knows(runId: string): boolean {
    return this.activeRunId === runId || this.queue.some((r) => r.runId === runId) || this.records.some((r) => r.runId === runId);
  }
}

/** What is wrong with a submitRun payload's shape, or undefined. */
function checkShape(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'expected an object { agentId, input, runId?, context? }';
  const p = payload as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => !SUBMISSION_KEYS.has(k));
  if (unknown.length) return `unknown field(s) ${unknown.join(', ')}; allowed: agentId, input, runId, context`;
  if (typeof p.agentId !== 'string' || p.agentId === '') return 'agentId must be a non-empty string';
  if (typeof p.input !== 'string' || p.input.trim() === '') return 'input must be a non-empty string';
  if (p.runId !== undefined && (typeof p.runId !== 'string' || !THREAD_ID_PATTERN.test(p.runId))) {
    return `runId must match ${String(THREAD_ID_PATTERN)} (or be omitted)`;
  }
  if (p.context !== undefined && (typeof p.context !== 'object' || p.context === null || Array.isArray(p.context))) {
    return 'context must be an object';
  }
  return undefined;
}
