/**
 * Runs on a timetable through Temporal Schedules: each firing starts an ordinary `agentRun` (same
 * task queue, search attributes and UI summary as `startRun`), so scheduled runs show up in
 * `listRuns`, `status`, `watch` and the Web UI like any other. The schedule itself lives on the
 * server: no worker or client needs to be up when it fires, only a worker to run what it starts.
 */
import type { Client, ScheduleDescription, ScheduleOverlapPolicy, ScheduleSummary } from '@temporalio/client';
import type { agentRun } from '../workflows/run/agent-run.js';
import { AGENT_RUN_WORKFLOW } from '../workflows/run/contract.js';
import type { AgentRunInput } from '../workflows/run/contract.js';
import { classifyTemporalError } from './classify.js';
import { HarnessClientError } from './errors.js';
import { runStartOptions, truncate } from './run-start-options.js';
import { assertScheduleId, scheduleSpecFrom, type ScheduleTiming } from './schedule-spec.js';

/**
 * What each firing runs: a run's input, minus what only a thread can give it and what only the
 * harness sets (a plan made at start, state carried across continue-as-new, a parent run): a plan
 * stored in a schedule would be stale at every firing after the workspace changed.
 */
export type ScheduledRunInput = Omit<AgentRunInput, 'threadId' | 'history' | 'plan' | 'carried' | 'parent'>;

/** Options of {@link HarnessSchedules.create}: the run each firing starts, and when it fires. */
export interface CreateScheduleOptions extends ScheduledRunInput, ScheduleTiming {
  /** The schedule's id; its runs are named `run-<scheduleId>-<time it fired>`. */
  scheduleId: string;
  /**
   * What to do when a firing comes while the previous run is still going (e.g. parked on an
   * approval): `SKIP` it, `BUFFER_ONE`, `BUFFER_ALL`, `CANCEL_OTHER`, `TERMINATE_OTHER`, `ALLOW_ALL`.
   * @default 'SKIP'
   */
  overlap?: ScheduleOverlapPolicy;
  /** Create it paused (nothing fires until `unpause`). @default false */
  paused?: boolean;
  /** A note shown with the schedule (e.g. why it exists or is paused). */
  note?: string;
}

/** A run a schedule started. */
export interface ScheduledRunRecord {
  runId: string;
  /** When the schedule meant it to start. */
  scheduledAt: Date;
  /** When it did. */
  startedAt: Date;
}

/** One schedule as {@link HarnessSchedules.list} lists it. */
export interface HarnessScheduleSummary {
  scheduleId: string;
  /** The agent each run asks for (`auto` = routed). */
  agentId: string;
  /** The run input (shortened to 200 characters in `list`). */
  input: string;
  taskQueue: string;
  /** The cron expressions as given at creation. */
  cron?: string[];
  /** The interval in milliseconds. */
  everyMs?: number;
  timezone?: string;
  paused: boolean;
  note?: string;
  /** The next few times it fires. */
  nextRunTimes: Date[];
  /** The latest runs it started, oldest first. */
  recentRuns: ScheduledRunRecord[];
}

/** One schedule in full, as {@link HarnessSchedules.describe} returns it: its run, policy and recent runs. */
export interface HarnessScheduleDescription extends HarnessScheduleSummary {
  /** The full input each run gets. */
  run: AgentRunInput;
  overlap: ScheduleOverlapPolicy;
  /** Runs started so far (including triggers). */
  runsStarted: number;
  /** Runs it started that have not ended. */
  runningRunIds: string[];
  createdAt: Date;
}

/** What the schedule's memo carries, so `list` can show a schedule without describing each. */
interface ScheduleMemo {
  taskQueue: string;
  agentId: string;
  input: string;
  cron?: string[];
  timezone?: string;
}

const MEMO_KEY = 'harness';

/** What {@link HarnessSchedules} works with: the client's Temporal client, task queue and known agents. */
export interface HarnessSchedulesContext {
  temporal: Client;
  taskQueue: string;
  knownAgents?: readonly string[] | undefined;
}

/**
 * Schedules of the client's task queue; use it as `harness.schedules`.
 * @example
 * await harness.schedules.create({ scheduleId: 'nightly-report', cron: '0 2 * * *', agentId: 'reports', input: 'Summarize yesterday' });
 * await harness.schedules.trigger('nightly-report');   // one run now
 * await harness.listRuns({ scheduleId: 'nightly-report' });
 */
export class HarnessSchedules {
  constructor(private readonly ctx: HarnessSchedulesContext) {}

  /**
   * Creates a schedule that starts a run at each time it fires.
   * @throws {HarnessClientError} `INVALID_SCHEDULE` (bad id, cron, interval, time zone, no input),
   *   `SCHEDULE_ALREADY_EXISTS`, `UNKNOWN_AGENT` (with `knownAgents`), `FILE_TOO_LARGE`, `INVALID_FILE`.
   */
  async create(options: CreateScheduleOptions): Promise<HarnessScheduleDescription> {
    // What the type leaves out is dropped at run time too: a caller's plan must never skip a run's planning.
    const { scheduleId, cron, every, timezone, overlap = 'SKIP', paused, note, plan: _plan, carried: _carried, parent: _parent, ...run } = options as CreateScheduleOptions &
      Pick<AgentRunInput, 'plan' | 'carried' | 'parent'>;
    assertScheduleId(scheduleId);
    if (typeof run.input !== 'string' || run.input.trim() === '') {
      throw new HarnessClientError('INVALID_SCHEDULE', 'A schedule needs the `input` each run starts with (the message the agent gets).');
    }
    const spec = scheduleSpecFrom({ ...(cron !== undefined && { cron }), ...(every !== undefined && { every }), ...(timezone !== undefined && { timezone }) });
    const start = runStartOptions(run, { taskQueue: this.ctx.taskQueue, knownAgents: this.ctx.knownAgents, scheduleId });
    const memo: ScheduleMemo = {
      taskQueue: this.ctx.taskQueue,
      agentId: run.agentId ?? 'auto',
      input: truncate(run.input, 200),
      ...(spec.cronExpressions && { cron: spec.cronExpressions }),
      ...(timezone !== undefined && { timezone }),
    };
    try {
      await this.ctx.temporal.schedule.create<typeof agentRun>({
        scheduleId,
        spec,
        // The server appends the firing time, so every run gets its own id.
        action: { type: 'startWorkflow', workflowType: AGENT_RUN_WORKFLOW, workflowId: `run-${scheduleId}`, ...start },
        policies: { overlap },
        memo: { [MEMO_KEY]: memo },
        ...((paused !== undefined || note !== undefined) && {
          state: { ...(paused !== undefined && { paused }), ...(note !== undefined && { note }) },
        }),
      });
    } catch (e) {
      // The SDK turns the server's "Invalid schedule spec" into a TypeError with the server's words.
      if (e instanceof TypeError) throw new HarnessClientError('INVALID_SCHEDULE', `The server refused the schedule: ${e.message}`, { cause: e });
      throw classifyTemporalError(e, { kind: 'schedule', id: scheduleId });
    }
    return this.describe(scheduleId);
  }

  /**
   * Schedules of this task queue (others sharing the namespace are left out), in no set order.
   * Listing goes through visibility, so a schedule just created can take a moment to appear.
   */
  async list(): Promise<HarnessScheduleSummary[]> {
    const found: HarnessScheduleSummary[] = [];
    try {
      for await (const s of this.ctx.temporal.schedule.list()) {
        const memo = harnessMemo(s.memo);
        if (s.action?.workflowType !== AGENT_RUN_WORKFLOW || memo?.taskQueue !== this.ctx.taskQueue) continue;
        found.push(summaryOf(s, memo));
      }
    } catch (e) {
      throw classifyTemporalError(e, { kind: 'namespace', id: this.ctx.temporal.options.namespace });
    }
    return found;
  }

  /**
   * Everything about one schedule: its run input, timing, next times and the runs it started.
   * @throws {HarnessClientError} `SCHEDULE_NOT_FOUND`.
   */
  async describe(scheduleId: string): Promise<HarnessScheduleDescription> {
    const d = await this.call(scheduleId, (h) => h.describe());
    if (d.action.workflowType !== AGENT_RUN_WORKFLOW) {
      throw new HarnessClientError('SCHEDULE_NOT_FOUND', `Schedule "${scheduleId}" exists but does not start harness runs (it starts ${d.action.workflowType}).`);
    }
    const run = d.action.args?.[0] as AgentRunInput;
    const memo = harnessMemo(d.memo);
    return {
      ...summaryOf(d, memo),
      input: run.input,
      agentId: run.agentId ?? 'auto',
      taskQueue: d.action.taskQueue,
      run,
      overlap: d.policies.overlap,
      runsStarted: d.info.numActionsTaken,
      runningRunIds: d.info.runningActions.map((a) => a.workflow.workflowId),
      createdAt: d.info.createdAt,
    };
  }

  /**
   * Starts one run now, whatever the timetable says (also when paused).
   * @param overlap For this run only. @default 'ALLOW_ALL' (it starts even if another is running)
   * @throws {HarnessClientError} `SCHEDULE_NOT_FOUND`.
   */
  async trigger(scheduleId: string, overlap: ScheduleOverlapPolicy = 'ALLOW_ALL'): Promise<void> {
    await this.call(scheduleId, (h) => h.trigger(overlap));
  }

  /** Stops firing until `unpause` (runs already started go on). @throws {HarnessClientError} `SCHEDULE_NOT_FOUND`. */
  async pause(scheduleId: string, note = 'paused with temporal-harness'): Promise<void> {
    await this.call(scheduleId, (h) => h.pause(note));
  }

  /** @throws {HarnessClientError} `SCHEDULE_NOT_FOUND`. */
  async unpause(scheduleId: string, note = 'unpaused with temporal-harness'): Promise<void> {
    await this.call(scheduleId, (h) => h.unpause(note));
  }

  /**
   * Deletes the schedule. Runs it started are not touched: they finish (or wait) as before.
   * @throws {HarnessClientError} `SCHEDULE_NOT_FOUND`.
   */
  async delete(scheduleId: string): Promise<void> {
    await this.call(scheduleId, (h) => h.delete());
  }

  private async call<T>(scheduleId: string, body: (h: ReturnType<Client['schedule']['getHandle']>) => Promise<T>): Promise<T> {
    try {
      return await body(this.ctx.temporal.schedule.getHandle(scheduleId));
    } catch (e) {
      throw classifyTemporalError(e, { kind: 'schedule', id: scheduleId });
    }
  }
}

function harnessMemo(memo: Record<string, unknown> | undefined): ScheduleMemo | undefined {
  const value = memo?.[MEMO_KEY];
  return value !== null && typeof value === 'object' ? (value as ScheduleMemo) : undefined;
}

function summaryOf(s: ScheduleSummary | ScheduleDescription, memo: ScheduleMemo | undefined): HarnessScheduleSummary {
  const everyMs = s.spec?.intervals?.[0]?.every;
  const timezone = memo?.timezone ?? s.spec?.timezone;
  return {
    scheduleId: s.scheduleId,
    agentId: memo?.agentId ?? 'auto',
    input: memo?.input ?? '',
    taskQueue: memo?.taskQueue ?? '',
    ...(memo?.cron && { cron: memo.cron }),
    ...(everyMs !== undefined && !memo?.cron && { everyMs }),
    ...(timezone && { timezone }),
    paused: s.state.paused,
    ...(s.state.note && { note: s.state.note }),
    nextRunTimes: s.info.nextActionTimes,
    recentRuns: s.info.recentActions.map((a) => ({ runId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt, startedAt: a.takenAt })),
  };
}
