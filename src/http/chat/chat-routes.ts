/**
 * `POST /api/chat` and `GET /api/chat/{id}/stream`: the Vercel AI SDK UI message stream over
 * harness threads, so `useChat` (default transport) talks to a harness directly.
 *
 * - chat id = thread id; a new user message starts a run on the thread (agent `agentId` from the
 *   body, else routed) and streams it until it parks on approvals or finishes;
 * - approval responses in the last assistant message become `decideApproval` updates on the
 *   thread's active run (approve, reject, or edit with `edits[approvalId]`), and tool outputs the
 *   app added to calls the run waits for become answers / client tool results (`chat-answers.ts`);
 *   refusals come back as `error` chunks; the stream goes on from where the previous one ended;
 * - `GET /api/chat/{id}/stream` (the AI SDK's resume) answers 204 when no run is active, else
 *   replays the active run's message from its start, for a client that lost it (a reload).
 */
import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { HarnessClient, HarnessEventItem, RunHandle, ThreadOptions } from '../../client/index.js';
import { decisionAs } from '../approver.js';
import { HttpError, toHttpError } from '../errors.js';
import type { GuardEnv } from '../guards.js';
import { ABORTED, abortPromise, untilStarted } from '../run-stream.js';
import { parseJsonBody } from '../schemas.js';
import { pendingIds, resolvedId } from '../run-waits.js';
import { applyToolOutputs, nothingApplied } from './chat-answers.js';
import { chatBody, chatTurn, type ApprovalResponse, type ChatBody } from './chat-request.js';
import { UiChunkMapper, type UiChunk } from './ui-chunks.js';

/** What the chat routes need from the app. */
export interface ChatRouteOptions {
  threadOptions?: ThreadOptions;
  heartbeatMs: number;
  shutdown?: AbortSignal;
  onError: (err: unknown) => void;
}

/**
 * Where a stream starts sending: the run's start, or after a parking whose approvals were just
 * decided (or questions answered, client tool results supplied: `ids`), or a replay.
 */
type Leg = { from: 'start' } | { from: 'decided'; ids: ReadonlySet<string> } | { from: 'resume'; pending: ReadonlySet<string> };

/** Registers the AI SDK chat routes on `app`. */
export function registerChatRoutes(app: Hono<GuardEnv>, client: HarnessClient, options: ChatRouteOptions): void {
  app.post('/api/chat', async (c) => {
    const body = await parseJsonBody(c, chatBody);
    const turn = chatTurn(body);
    const thread = client.thread(body.id, options.threadOptions);
    if (turn.kind === 'message') {
      const run = await thread.send(turn.text, { agentId: body.agentId ?? 'auto' });
      return uiStream(c, run, { from: 'start' }, [], options, (aborted) => untilStarted(run, aborted));
    }
    const { activeRunId } = await thread.status();
    if (!activeRunId) throw new HttpError(409, 'RUN_NOT_ACTIVE', `Chat ${body.id} has no active run to decide approvals on.`);
    const run = client.getRun(activeRunId);
    const { decided, refusals } = await decide(c, run, turn.responses, body);
    const outputs = await applyToolOutputs(c, run, turn.outputs);
    const ids = new Set([...decided, ...outputs.applied]);
    const problems = [...refusals, ...outputs.refusals, ...nothingApplied(turn, ids)];
    if (ids.size === 0) return uiStream(c, run, undefined, problems, options);
    return uiStream(c, run, { from: 'decided', ids }, problems, options);
  });

  app.get('/api/chat/:id/stream', async (c) => {
    const status = await client
      .thread(c.req.param('id'), options.threadOptions)
      .status()
      .catch((err: unknown) => {
        if ((err as { code?: unknown }).code === 'THREAD_NOT_FOUND') return undefined; // nothing was ever sent
        throw err;
      });
    if (!status?.activeRunId) return c.body(null, 204);
    const run = client.getRun(status.activeRunId);
    return uiStream(c, run, { from: 'resume', pending: pendingIds(await run.status()) }, [], options);
  });
}

/** Sends each decision as an update; a refusal is kept as a message for an `error` chunk. */
async function decide(
  c: Context<GuardEnv>,
  run: RunHandle,
  responses: ApprovalResponse[],
  body: ChatBody,
): Promise<{ decided: Set<string>; refusals: string[] }> {
  const decided = new Set<string>();
  const refusals: string[] = [];
  for (const { approvalId, approved, reason } of responses) {
    const edit = body.edits?.[approvalId];
    const decision = !approved
      ? ({ decision: 'reject' } as const)
      : edit
        ? ({ decision: 'edit', input: edit } as const)
        : ({ decision: 'approve' } as const);
    const details = decisionAs(c.get('principal'), { ...decision, ...(reason !== undefined && { reason }) });
    try {
      await run.decide({ approvalId, ...details }, { via: 'update' });
      decided.add(approvalId);
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) throw err;
      refusals.push(`${httpError.code}: ${httpError.message}`);
    }
  }
  return { decided, refusals };
}

/** The UI message stream of `run` for one leg (none: only the refusals and a finish). */
function uiStream(
  c: Context<GuardEnv>,
  run: RunHandle,
  leg: Leg | undefined,
  refusals: string[],
  options: ChatRouteOptions,
  /** Waits, inside the stream, until the run's events can be followed. */
  ready?: (aborted: Promise<typeof ABORTED>) => Promise<void>,
): Response {
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  c.header('x-accel-buffering', 'no');
  return streamSSE(c, async (stream) => {
    const send = (chunk: UiChunk) => stream.writeSSE({ data: JSON.stringify(chunk) });
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), options.heartbeatMs);
    const aborted = abortPromise([c.req.raw.signal, options.shutdown], stream);
    let events: AsyncGenerator<HarnessEventItem> | undefined;
    try {
      await send({ type: 'start', messageId: run.runId, messageMetadata: { runId: run.runId } });
      await ready?.(aborted);
      // Live: deltas a worker in this process streams come at once (part ids do not depend on offsets).
      events = leg ? run.events({ fromOffset: 0, live: 'in-order' }) : undefined;
      for (const errorText of refusals) await send({ type: 'error', errorText });
      if (!events || !leg) {
        await send({ type: 'finish', finishReason: 'other' });
      } else {
        await follow(events, leg, send, aborted);
      }
      if (!stream.aborted) await stream.write('data: [DONE]\n\n');
    } catch (err) {
      const httpError = toHttpError(err);
      if (httpError.status >= 500) options.onError(err);
      if (!stream.aborted) await send({ type: 'error', errorText: `${httpError.code}: ${httpError.message}` });
    } finally {
      clearInterval(heartbeat);
      events?.return(undefined).catch(() => {});
    }
  });
}

/**
 * Maps every event of the run; sends those of this leg. A `decided` leg starts after the parking
 * its approvals ended (events from that parking on are held until one of them is resolved); a
 * `resume` leg sends everything and ends only at the parking the run is in now.
 */
async function follow(events: AsyncGenerator<HarnessEventItem>, leg: Leg, send: (chunk: UiChunk) => Promise<void>, aborted: Promise<typeof ABORTED>): Promise<void> {
  const mapper = new UiChunkMapper();
  let sending = leg.from !== 'decided';
  let held: UiChunk[] = [];
  for (;;) {
    const next = await Promise.race([events.next(), aborted]);
    if (next === ABORTED || next.done) return;
    const { event } = next.value;
    const parkedBefore = new Set(mapper.unresolved);
    const { chunks, end } = mapper.map(next.value);
    if (!sending) {
      if (end) held = [];
      else held.push(...chunks);
      const resolved = resolvedId(event);
      if (leg.from === 'decided' && resolved !== undefined && leg.ids.has(resolved)) {
        sending = true;
        for (const chunk of held) await send(chunk);
      }
      continue;
    }
    // A past parking (its approvals were resolved later) does not end a replay.
    const pastParking = leg.from === 'resume' && event.type === 'run.state.changed' && [...parkedBefore].some((id) => !leg.pending.has(id));
    for (const chunk of pastParking ? chunks.filter((ch) => ch.type !== 'finish') : chunks) await send(chunk);
    if (end && !pastParking) return;
  }
}
