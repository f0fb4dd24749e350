/** The typed client apps and the CLI use: start runs, get handles, list runs. */
import { randomUUID } from 'node:crypto';
import { Client, type Connection, InternalConnectionLikeSymbol, type ConnectionLike, type WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type DataConverter } from '@temporalio/common';
import { dataConverterFromEnv } from '../codec/data-converter.js';
import { ContentBlobs } from '../payloads/content-blobs.js';
import type { agentRun } from '../workflows/run/agent-run.js';
import { AGENT_RUN_WORKFLOW } from '../workflows/run/contract.js';
import { AGENT_ID, RUN_STATE, THREAD_ID } from '../workflows/shared/search-attributes.js';
import type { AgentRunInput, RunState } from '../workflows/run/contract.js';
import { closeConnection, connectClosable } from './closable-connection.js';
import { MAX_START_PLAN_CHARS } from '../workflows/run/plan-input.js';
import type { RunPlan } from '../activities/index.js';
import { connectionCredentialsFromEnv, connectionSettingsFromEnv, type ConnectionCredentials, type ConnectionSettings } from './connection.js';
import { classifyTemporalError } from './classify.js';
import { AgentGrants } from './grants.js';
import { forkRun, listForks, type ForkOptions, type ForkSummary } from './fork-run.js';
import type { DecisionLink } from './decision-links.js';
import { decideWithLink, mintDecisionLink, type LinkDecisionResult, type MintDecisionLinkOptions } from './link-decisions.js';
import { RunHandle } from './run-handle.js';
import { MAX_INLINE_FILE_BYTES, MAX_INLINE_FILE_BYTES_BY_REFERENCE } from './run-files.js';
import { runStartOptions } from './run-start-options.js';
import { HarnessSchedules } from './schedules.js';
import { ThreadHandle, type ThreadOptions } from './thread-handle.js';
import { harnessClientInterceptors } from './trace-context.js';

/** Set by the server on every workflow a schedule starts. */
const SCHEDULED_BY_ID = defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD);

/** Options of {@link HarnessClient.connect} and the {@link HarnessClient} constructor. */
export interface HarnessClientOptions extends Partial<ConnectionSettings> {
  /**
   * Agent ids known to the workspace. When given, `startRun` refuses an unknown agent before
   * anything starts; without it the run itself fails with the same message.
   */
  knownAgents?: readonly string[];
  /**
   * How payloads are encoded for the server (used by `connect`). Workers and clients must agree.
   * @default encrypting with AES-256-GCM when `HARNESS_ENCRYPTION_KEY` or `HARNESS_ENCRYPTION_KEYS`
   *   is set (see the README's "Security" section), else the SDK's plain JSON.
   */
  dataConverter?: DataConverter;
  /**
   * TLS and API key for `connect` (Temporal Cloud, a cluster with mTLS).
   * @default read from `TEMPORAL_API_KEY`, `TEMPORAL_TLS*` (see `connectionCredentialsFromEnv`).
   */
  credentials?: ConnectionCredentials;
  /**
   * Start runs with Temporal's eager workflow start: when a worker for the client's task queue runs
   * in this process on the SAME connection (a client from `HarnessWorker.client()`), the server hands
   * the run's first workflow task back in the start call's reply and that worker runs it at once,
   * without a trip through the server's task matching. With no such worker, or none with a free
   * slot, the start is an ordinary one; nothing else changes (see `RunHandle.eagerlyStarted`).
   * Only a client on a worker's `NativeConnection` can ask: on any other connection this is off.
   * @default true (on whenever the connection allows it)
   */
  eagerStart?: boolean;
  /**
   * Whether {@link HarnessClient.close} closes the client's connection. A client sharing a
   * worker's connection (`HarnessWorker.client()`) leaves it to the worker's own `close()`.
   * @default true
   */
  ownsConnection?: boolean;
  /**
   * Plans runs at start (routing and policy verdict) so their first workflow task skips the
   * `planRun` local activity; returns undefined to leave planning to the run. Only a client that
   * holds the workers' workspace can plan as they would: `HarnessWorker.client()` sets it from its
   * worker's. A plan over `MAX_START_PLAN_CHARS` of JSON is left to the run.
   * @default none: runs plan themselves
   */
  planner?: RunPlanner;
}

/** Plans a run from its start input as the `planRun` activity would, or returns undefined (see {@link HarnessClientOptions.planner}). */
export type RunPlanner = (input: AgentRunInput) => RunPlan | undefined;

/** Options of {@link HarnessClient.startRun}: the run's input, and optionally its id. */
export interface StartRunOptions extends Omit<AgentRunInput, 'plan'> {
  /** The run id (= workflow id). @default `run-<uuid>` */
  runId?: string;
}

/** One run as {@link HarnessClient.listRuns} lists it (from visibility: search attributes and times). */
export interface RunSummary {
  runId: string;
  agentId?: string;
  threadId?: string;
  state?: RunState;
  /** The schedule that started the run, if one did. */
  scheduleId?: string;
  startTime: Date;
  closeTime?: Date;
}

/** Filters of {@link HarnessClient.listRuns}; all optional, combined with AND. */
export interface ListRunsOptions {
  state?: RunState;
  agentId?: string;
  /** Only runs of this task queue (one harness deployment when several share a namespace). */
  taskQueue?: string;
  /** Only runs this schedule started. */
  scheduleId?: string;
  /** @default 50 */
  limit?: number;
}

/**
 * The typed client of the harness: starts runs, lists them, hands out {@link RunHandle}s to watch
 * and decide runs, threads and schedules, all on one task queue. Build it with
 * {@link HarnessClient.connect}, or around a Temporal `Client` you already have.
 * @example
 * const harness = await HarnessClient.connect({ taskQueue: 'support' });
 * const run = await harness.startRun({ agentId: 'support', input: 'Refund order A-1001' });
 * const status = await run.waitFor((s) => s.state === 'waiting_for_approval');
 * await run.approve({ approver: 'alice' });
 * console.log((await run.result()).output);
 */
export class HarnessClient {
  readonly settings: ConnectionSettings;
  /** Runs on a timetable (Temporal Schedules) for this client's task queue. */
  readonly schedules: HarnessSchedules;
  private readonly knownAgents?: readonly string[];
  /** Whether `startRun` asks for eager workflow start (see {@link HarnessClientOptions.eagerStart}). */
  readonly eagerStart: boolean;
  private readonly ownsConnection: boolean;
  private readonly planner: RunPlanner | undefined;

  constructor(
    readonly temporal: Client,
    options: HarnessClientOptions = {},
  ) {
    this.settings = connectionSettingsFromEnv({ ...options, namespace: options.namespace ?? temporal.options.namespace });
    if (options.knownAgents) this.knownAgents = options.knownAgents;
    // `temporal.connection` is read at once: a stand-in Client without one (unit tests) gets no eager start.
    this.eagerStart = options.eagerStart !== false && supportsEagerStart(temporal.connection as ConnectionLike | undefined);
    this.ownsConnection = options.ownsConnection !== false;
    this.planner = options.planner;
    this.schedules = new HarnessSchedules({ temporal, taskQueue: this.settings.taskQueue, knownAgents: this.knownAgents });
  }

  /**
   * Connects to Temporal (settings from options, else `TEMPORAL_ADDRESS`/`TEMPORAL_NAMESPACE`, and
   * TLS / API key from `TEMPORAL_TLS*` / `TEMPORAL_API_KEY`), with payload encryption when a key is
   * configured.
   * @throws {CodecError} `INVALID_ENCRYPTION_KEY` when an encryption key variable is malformed.
   * @throws {ConnectionConfigError} when a TLS setting is unusable (e.g. a certificate path that does not exist).
   * @throws {HarnessClientError} `TEMPORAL_UNAVAILABLE` when nothing answers at the address,
   *   `TEMPORAL_ACCESS_DENIED` when the server refuses the credentials.
   * @example
   * const harness = await HarnessClient.connect();
   * const run = await harness.startRun({ agentId: 'support', input: 'Refund order A-1001' });
   */
  static async connect(options: HarnessClientOptions = {}): Promise<HarnessClient> {
    const settings = connectionSettingsFromEnv(options);
    // Before connecting: a malformed key is a configuration error, not a network one.
    const dataConverter = options.dataConverter ?? dataConverterFromEnv();
    const credentials = options.credentials ?? connectionCredentialsFromEnv();
    let connection: Connection;
    try {
      connection = await connectClosable({ address: settings.address, ...credentials });
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'server', id: settings.address });
    }
    return new HarnessClient(
      new Client({ connection, namespace: settings.namespace, interceptors: harnessClientInterceptors(), ...(dataConverter && { dataConverter }) }),
      { ...(options.knownAgents && { knownAgents: options.knownAgents }), ...settings },
    );
  }

  /**
   * Starts a run and returns its handle at once (the run goes on without the caller).
   * @throws {HarnessClientError} `UNKNOWN_AGENT` (with `knownAgents`), `RUN_ALREADY_EXISTS`, or a
   *   server failure (`TEMPORAL_UNAVAILABLE`, `NAMESPACE_NOT_FOUND`…).
   */
  async startRun(options: StartRunOptions): Promise<RunHandle> {
    // A plan comes from this client's planner only, never from the caller's options.
    const { runId = `run-${randomUUID()}`, plan: _notTaken, ...input }: StartRunOptions & Pick<AgentRunInput, 'plan'> = options;
    const byReference = input.files?.some((f) => f.content !== undefined) && ContentBlobs.of(this.temporal);
    const maxInlineFileBytes = byReference ? MAX_INLINE_FILE_BYTES_BY_REFERENCE : MAX_INLINE_FILE_BYTES;
    const plan = this.planAtStart(input);
    const startOptions = runStartOptions(plan ? { ...input, plan } : input, { taskQueue: this.settings.taskQueue, knownAgents: this.knownAgents, maxInlineFileBytes });
    try {
      const handle = await this.temporal.workflow.start<typeof agentRun>(AGENT_RUN_WORKFLOW, {
        workflowId: runId,
        ...startOptions,
        // The SDK's core sends the request as an ordinary start when no worker of this connection
        // polls the task queue with a free slot, so asking costs nothing when it cannot be granted.
        ...(this.eagerStart && { requestEagerStart: true }),
      });
      return new RunHandle(runId, handle, this.temporal);
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'run', id: runId });
    }
  }

  /**
   * The planner's plan for a new top-level run, when small enough for the start input; undefined
   * (the run plans itself) for forks, runs with a parent or carried state, or a planner that fails.
   */
  private planAtStart(input: AgentRunInput): RunPlan | undefined {
    if (!this.planner || input.fork || input.parent || input.carried) return undefined;
    try {
      const plan = this.planner(input);
      return plan && JSON.stringify(plan).length <= MAX_START_PLAN_CHARS ? plan : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Starts a new run from step `fromStep` of run `runId`: the fork begins with that step's model
   * message, its tool calls' inputs edited or decided as `toolCalls` says, reads the messages before
   * it from the original (nothing is copied or written there; the original may be closed), and goes
   * on as a run of its own. Linked both ways: `status().forkOf`, memo `forkOf`, search attribute
   * `HarnessForkOf` (see {@link HarnessClient.forks}).
   * @throws {ForkError} `STEP_OUT_OF_RANGE`, `UNKNOWN_TOOL_CALL`, `INVALID_FORK_INPUT`,
   *   `DECISION_NOT_NEEDED`… before anything starts.
   * @throws {HarnessClientError} `RUN_NOT_FOUND` when there is no run `runId`, or a server failure.
   * @example
   * const fork = await harness.fork('run-1234', { fromStep: 2, toolCalls: [{ id: 'call_2_0', input: { orderId: 'A-1001', amount: 10 }, decision: 'approve' }], approver: 'alice' });
   * console.log((await fork.result()).output);
   */
  async fork(runId: string, options: ForkOptions): Promise<RunHandle> {
    return forkRun({ temporal: this.temporal, taskQueue: this.settings.taskQueue, knownAgents: this.knownAgents }, runId, options);
  }

  /**
   * The forks of run `runId`, newest first (through Temporal visibility: eventually consistent).
   * @throws {HarnessClientError} a server failure (`TEMPORAL_UNAVAILABLE`, `NAMESPACE_NOT_FOUND`…).
   */
  async forks(runId: string, options: { limit?: number } = {}): Promise<ForkSummary[]> {
    return listForks(this.temporal, runId, options.limit);
  }

  /** A handle on an existing run (no server call until you use it). */
  getRun(runId: string): RunHandle {
    return new RunHandle(runId, this.temporal.workflow.getHandle(runId), this.temporal);
  }

  /**
   * A handle on a thread (a conversation of many runs); no server call until you use it. The
   * thread starts with its first `send`.
   * @throws {ThreadError} `INVALID_THREAD_ID` unless the id is 1-128 of `A-Za-z0-9_.:-`.
   * @example
   * const thread = harness.thread('support-42', { onBusy: 'enqueue' });
   * const run = await thread.send('Where is order A-1001?', { agentId: 'support' });
   */
  thread(threadId: string, options: ThreadOptions = {}): ThreadHandle {
    return new ThreadHandle(
      threadId,
      {
        temporal: this.temporal,
        taskQueue: this.settings.taskQueue,
        ...(this.knownAgents && { knownAgents: this.knownAgents }),
      },
      options,
    );
  }

  /**
   * The standing approvals ("grants") of an agent: list them, revoke one. No server call until you use it.
   * @example
   * for (const g of await harness.grants('support').list()) console.log(g.grantId, g.toolName, g.scope, g.grantedBy);
   */
  grants(agentId: string): AgentGrants {
    return new AgentGrants(agentId, this.temporal);
  }

  /**
   * Runs by state and agent, newest first, through Temporal visibility (eventually consistent).
   * @throws {HarnessClientError} a server failure (`TEMPORAL_UNAVAILABLE`, `NAMESPACE_NOT_FOUND`…).
   */
  async listRuns(options: ListRunsOptions = {}): Promise<RunSummary[]> {
    const limit = options.limit ?? 50;
    const runs: RunSummary[] = [];
    try {
      for await (const wf of this.temporal.workflow.list({ query: runsQuery(options), pageSize: Math.min(limit, 100) })) {
        runs.push(runSummary(wf));
        if (runs.length >= limit) break;
      }
    } catch (err) {
      throw classifyTemporalError(err, { kind: 'namespace', id: this.settings.namespace });
    }
    return runs;
  }

  /**
   * Mints a signed, expiring, single-use decision link for a pending approval (see
   * `decision-links.ts`); serve it as `<base>/links/decide/<token>` with `harness serve`.
   * @throws {HarnessClientError} `NO_PENDING_APPROVAL`, `AMBIGUOUS_APPROVAL`, `UNKNOWN_APPROVAL`.
   * @throws {DecisionLinkError} `LINK_SECRET_MISSING`, `INVALID_LINK_OPTIONS`.
   * @example
   * const { token } = await harness.decisionLink(runId, { approver: 'ann', decision: 'approve', expiresIn: '1h' });
   */
  async decisionLink(runId: string, options: MintDecisionLinkOptions): Promise<DecisionLink> {
    return mintDecisionLink(this.getRun(runId), options);
  }

  /**
   * Uses a decision link: checks it, then sends its decision as the `decideApproval` update.
   * @throws {DecisionLinkError} `LINK_MALFORMED`, `LINK_TAMPERED`, `LINK_EXPIRED`.
   * @throws {DecisionRejectedError} `APPROVAL_ALREADY_DECIDED` / `APPROVER_ALREADY_VOTED` for a used link.
   */
  async decideByLink(token: string, options: { secret?: string } = {}): Promise<LinkDecisionResult> {
    return decideWithLink((id) => this.getRun(id), token, options);
  }

  /** Closes the connection this client opened (not one it shares with a worker; see `ownsConnection`). */
  async close(): Promise<void> {
    // Calls still in flight (a follower's poll, a retry waiting on its timer) are cancelled first.
    if (this.ownsConnection) await closeConnection(this.temporal.connection);
  }
}

/**
 * Whether a connection can carry eager workflow starts: only the worker package's `NativeConnection`
 * can (the SDK marks it with this capability; a plain `Connection` refuses `requestEagerStart`).
 */
function supportsEagerStart(connection: ConnectionLike | undefined): boolean {
  const capabilities = (connection as { [InternalConnectionLikeSymbol]?: { supportsEagerStart?: boolean } } | undefined)?.[InternalConnectionLikeSymbol];
  return capabilities?.supportsEagerStart === true;
}

/** The visibility query of `listRuns`. */
function runsQuery(options: ListRunsOptions): string {
  const clauses = [`WorkflowType = "${AGENT_RUN_WORKFLOW}"`];
  if (options.state) clauses.push(`${RUN_STATE.name} = "${escapeQuery(options.state)}"`);
  if (options.agentId) clauses.push(`${AGENT_ID.name} = "${escapeQuery(options.agentId)}"`);
  if (options.taskQueue) clauses.push(`TaskQueue = "${escapeQuery(options.taskQueue)}"`);
  if (options.scheduleId) clauses.push(`${SCHEDULED_BY_ID.name} = "${escapeQuery(options.scheduleId)}"`);
  return clauses.join(' AND ');
}

function runSummary(wf: WorkflowExecutionInfo): RunSummary {
  const sa = wf.typedSearchAttributes;
  const agentId = sa.get(AGENT_ID);
  const threadId = sa.get(THREAD_ID);
  const state = sa.get(RUN_STATE) as RunState | undefined;
  const scheduleId = sa.get(SCHEDULED_BY_ID);
  return {
    runId: wf.workflowId,
    startTime: wf.startTime,
    ...(agentId !== undefined && { agentId }),
    ...(threadId !== undefined && { threadId }),
    ...(state !== undefined && { state }),
    ...(scheduleId !== undefined && { scheduleId }),
    ...(wf.closeTime !== undefined && { closeTime: wf.closeTime }),
  };
}

function escapeQuery(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}
