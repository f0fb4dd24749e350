/**
 * `POST /ag-ui`: AG-UI 1.0 over harness threads, so `@ag-ui/client`'s HttpAgent (and what is built
 * on it) talks to a harness directly.
 *
 * - thread id = harness thread id; a new user message starts a run on the thread (agent
 *   `forwardedProps.agentId`, else routed) and streams it until it parks on approvals (an
 *   `interrupt` outcome, one interrupt per approval) or ends;
 * - `resume` entries answer those interrupts (interrupt id = approval id; payload
 *   `{ decision, input?, reason? }`, `cancelled` = reject) as `decideApproval` updates on the
 *   thread's active run; the stream then goes on from where the previous AG-UI run ended.
 *   Refused decisions end the AG-UI run with `RUN_ERROR` (all refused) or come as `CUSTOM`
 *   `harness.decision_refused` events before the rest (some refused);
 * - an `ask_human` question is an interrupt too (reason `input_required`, payload `{ answer }`);
 *   a client tool call is an AG-UI frontend tool call: the AG-UI run finishes as success naming it
 *   in `pendingToolCallIds`, and the next run's `tool` message carries its result (`ag-ui-answers.ts`).
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { HarnessClient, HarnessEventItem, RunHandle, ThreadOptions } from '../../client/index.js';
import { decisionAs } from '../approver.js';
import { HttpError, toHttpError } from '../errors.js';
import type { GuardEnv } from '../guards.js';
import { ABORTED, abortPromise, untilStarted } from '../run-stream.js';
import { parseJsonBody } from '../schemas.js';
import { resolvedId } from '../run-waits.js';
import { applyAnswers, refusalId, splitDecisions, type Refusal } from './ag-ui-answers.js';
import { agUiBody, agUiTurn, type AgUiBody, type ResumeDecision } from './ag-ui-request.js';
import { AG_UI_PROTOCOL_VERSION, AgUiMapper, type AgUiEvent } from './ag-ui-events.js';

/** What the AG-UI route needs from the app. */
export interface AgUiRouteOptions {
  threadOptions?: ThreadOptions;
  heartbeatMs: number;
  shutdown?: AbortSignal;
  onError: (err: unknown) => void;
}

/**
 * Where a stream starts sending: the run's start, or after the parking whose approvals were just
 * decided (or questions answered, client tool results supplied: `ids`).
 */
type Leg = { from: 'start' } | { from: 'decided'; ids: ReadonlySet<string> };

/** Registers `POST /ag-ui` on `app`. */
export function registerAgUiRoutes(app: Hono<GuardEnv>, client: HarnessClient, options: AgUiRouteOptions): void {
  app.post('/ag-ui', async (c) => {
    const body = await parseJsonBody(c, agUiBody);
    const turn = agUiTurn(body);
    const thread = client.thread(body.threadId, options.threadOptions);
    if (turn.kind === 'message') {
      const run = await thread.send(turn.text, { agentId: body.forwardedProps?.agentId ?? 'auto' });
      return agUiStream(c, body, run, { from: 'start' }, [], options, (aborted) => untilStarted(run, aborted));
    }
    const status = await thread.status().catch((err: unknown) => {
      if ((err as { code?: unknown }).code === 'THREAD_NOT_FOUND') return undefined;
      throw err;
    });
    if (!status?.activeRunId) throw new HttpError(409, 'RUN_NOT_ACTIVE', `Thread ${body.threadId} has no active run whose interrupts could be resumed.`);
    const run = client.getRun(status.activeRunId);
    const runStatus = await run.status();
    const { decisions, declined } = splitDecisions(turn, runStatus);
    const { decided, refusals } = await decide(c, run, decisions);
    const answered = await applyAnswers(c, run, turn, declined, runStatus);
    const ids = new Set([...decided, ...answered.applied]);
    const problems = [...refusals, ...answered.refusals];
    return agUiStream(c, body, run, ids.size > 0 ? { from: 'decided', ids } : undefined, problems, options);
  });
}

/** Sends each decision as an update; a refusal is kept for the stream to report. */
async function decide(c: Context<GuardEnv>, run: RunHandle, decisions: ResumeDecision[]): Promise<{ decided: Set<string>; refusals: Refusal[] }> {
  const decided = new Set<string>();
  const refusals: Refusal[] = [];
  for (const { approvalId, cancelled: _cancelled, ...decision } of decisions) {
    const details = decisionAs(c.get('principal'), decision);
    try {
      await run.decide({ approvalId, ...details }, { via: 'update' });
      decided.add(approvalId);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) throw err;
      refusals.push({ approvalId, code: httpError.code, message: httpError.message });
    }
  }
  return { decided, refusals };
}

/** The AG-UI event stream of `run` for one AG-UI run (no leg: only the refusals, as `RUN_ERROR`). */
function agUiStream(
  c: Context<GuardEnv>,
  body: AgUiBody,
  run: RunHandle,
  leg: Leg | undefined,
  refusals: Refusal[],
  options: AgUiRouteOptions,
  /** Waits, inside the stream, until the run's events can be followed. */
  ready?: (aborted: Promise<typeof ABORTED>) => Promise<void>,
): Response {
  c.header('x-accel-buffering', 'no');
  const ids = { threadId: body.threadId, runId: body.runId };
  return streamSSE(c, async (stream) => {
    const send = (event: AgUiEvent) => stream.writeSSE({ data: JSON.stringify(event) });
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
    const aborted = abortPromise([c.req.raw.signal, options.shutdown], stream);
    let events: AsyncGenerator<HarnessEventItem> | undefined;
    try {
      await send({ type: 'RUN_STARTED', ...ids, protocolVersion: AG_UI_PROTOCOL_VERSION, metadata: { harnessRunId: run.runId } });
      await ready?.(aborted);
      if (!leg) {
        const text = refusals.map((r) => `${refusalId(r)}: ${r.code}: ${r.message}`).join('\n') || 'nothing in this request answers what the run waits for';
        await send({ type: 'RUN_ERROR', code: refusals[0]?.code ?? 'DECISION_REFUSED', message: `No decision was accepted:\n${text}` });
        return;
      }
      for (const refusal of refusals) await send({ type: 'CUSTOM', name: 'harness.decision_refused', value: refusal });
      // Live: deltas a worker in this process streams come at once (message ids do not depend on offsets).
      events = run.events({ fromOffset: 0, live: 'in-order' });
      await follow(events, new AgUiMapper(ids), run.runId, leg, send, aborted);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) options.onError(err);
      if (!stream.aborted) await send({ type: 'RUN_ERROR', code: httpError.code, message: httpError.message });
    } finally {
      clearInterval(heartbeat);
      events?.return(undefined).catch(() => {});
    }
  });
}

/**
 * Maps every event of the run; sends those of this leg. A `decided` leg starts after the parking
 * its approvals ended: events from that parking on are held until one of them is resolved, and
 * when the run stays parked on approvals not decided yet, the AG-UI run ends on those.
 */
async function follow(
  events: AsyncGenerator<HarnessEventItem>,
  mapper: AgUiMapper,
  harnessRunId: string,
  leg: Leg,
  send: (event: AgUiEvent) => Promise<void>,
  aborted: Promise<typeof ABORTED>,
): Promise<void> {
  const waitingFor = leg.from === 'decided' ? new Set(leg.ids) : new Set<string>();
  let sending = leg.from === 'start';
  let held: AgUiEvent[] = [];
  for (;;) {
    const next = await Promise.race([events.next(), aborted]);
    if (next === ABORTED || next.done) return;
    const { event } = next.value;
    const { events: mapped, end } = mapper.map(next.value);
    const resolved = resolvedId(event);
    if (!sending) {
      if (end) held = [];
      else held.push(...mapped);
      if (resolved !== undefined && waitingFor.has(resolved)) {
        sending = true;
        for (const e of held) await send(e);
      }
    } else {
      for (const e of mapped) await send(e);
      if (end) return;
    }
    if (resolved !== undefined) waitingFor.delete(resolved);
    // Ours are all decided, others still wait: the run stays parked and publishes nothing more.
    if (sending && leg.from === 'decided' && waitingFor.size === 0 && resolved !== undefined && mapper.waiting()) {
      for (const e of mapper.stillParked(harnessRunId)) await send(e);
      return;
    }
  }
}
