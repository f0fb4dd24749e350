/**
 * A run's events as Vercel AI SDK UI message stream chunks (`ai` 6: `ui-message-chunks.ts`),
 * the protocol `useChat` reads. Pure and stateful per stream: feed it every event of the run in
 * order (also those a stream does not send, so it knows which tool calls the client already has),
 * and it says which chunks to send and whether this leg of the stream ends.
 *
 * A leg ends when the run parks on approvals (the client cannot answer while a stream is open) or
 * finishes. A tool call needing approval is sent as `tool-input-available` then
 * `tool-approval-request` (approval id = tool call id = the harness approval id); a rejection
 * becomes `tool-output-denied`.
 *
 * An `ask_human` question and a client tool call are the AI SDK's client-side tools: a
 * `tool-input-available` (tool `ask_human` with input `{ question }`, or the client tool with its
 * input) and no output; the app adds the output (`addToolOutput`), which the next request carries.
 * The answer or result the run recorded comes back as the call's output (the supplied value as
 * is, not the run's text of it), so a replay after a reload shows it too.
 */
import type { HarnessEventItem } from '../../client/index.js';

/** The chunks this API sends (a subset of the AI SDK's `UIMessageChunk`). */
export type UiChunk =
  | { type: 'start'; messageId?: string; messageMetadata?: Record<string, unknown> }
  | { type: 'start-step' }
  | { type: 'finish-step' }
  | { type: 'text-start' | 'text-end' | 'reasoning-start' | 'reasoning-end'; id: string }
  | { type: 'text-delta' | 'reasoning-delta'; id: string; delta: string }
  | { type: 'tool-input-available'; toolCallId: string; toolName: string; input: unknown }
  | { type: 'tool-approval-request'; approvalId: string; toolCallId: string }
  | { type: 'tool-output-available'; toolCallId: string; output: unknown }
  | { type: 'tool-output-error'; toolCallId: string; errorText: string }
  | { type: 'tool-output-denied'; toolCallId: string }
  | { type: 'finish'; finishReason?: 'stop' | 'tool-calls' | 'error' | 'other' }
  | { type: 'abort'; reason?: string }
  | { type: 'error'; errorText: string };

/** What one event means for the stream. */
export interface Mapped {
  chunks: UiChunk[];
  /** This leg of the stream ends after these chunks (run parked on approvals, or finished). */
  end: boolean;
}

type Open = { kind: 'text' | 'reasoning'; id: string };

/** Maps one run's events to chunks, in order. */
export class UiChunkMapper {
  private open: Open | undefined;
  private readonly announced = new Set<string>();
  private readonly denied = new Set<string>();
  /** Text and reasoning parts opened so far, per message attempt and kind. */
  private readonly parts = new Map<string, number>();
  /** Calls whose output came from the app (answers, client tool results): their `tool.result` is not sent again. */
  private readonly suppliedByApp = new Set<string>();
  /** Approval, question and client tool call ids pending, as of the last event mapped. */
  readonly unresolved = new Set<string>();

  map({ event }: HarnessEventItem): Mapped {
    const chunks: UiChunk[] = [];
    const done = (end = false): Mapped => ({ chunks, end });
    switch (event.type) {
      case 'step.started':
        chunks.push({ type: 'start-step' });
        return done();
      case 'output.delta':
      case 'reasoning.delta': {
        const kind = event.type === 'output.delta' ? 'text' : 'reasoning';
        if (this.open?.kind !== kind) {
          this.close(chunks);
          this.open = { kind, id: this.partId(kind, event.messageId, event.attempt) };
          chunks.push({ type: `${kind}-start`, id: this.open.id });
        }
        chunks.push({ type: `${kind}-delta`, id: this.open.id, delta: event.text });
        return done();
      }
      case 'output.reset': // A retried model call starts its text again: a new part follows.
        this.close(chunks);
        return done();
      case 'step.completed':
        this.close(chunks);
        this.forgetParts(event.messageId);
        chunks.push({ type: 'finish-step' });
        return done();
      case 'approval.requested': {
        const { approvalId, toolName, input } = event.approval;
        this.unresolved.add(approvalId);
        this.announce(chunks, approvalId, toolName, input);
        chunks.push({ type: 'tool-approval-request', approvalId, toolCallId: approvalId });
        return done();
      }
      case 'approval.resolved':
        this.unresolved.delete(event.decision.approvalId);
        if (event.decision.decision === 'reject') {
          // A call an approval rule rejected was never requested: announce it before denying it.
          this.announce(chunks, event.decision.approvalId, event.decision.toolName, event.decision.requestedInput);
          this.denied.add(event.decision.approvalId);
          chunks.push({ type: 'tool-output-denied', toolCallId: event.decision.approvalId });
        }
        return done();
      case 'tool.started':
        this.announce(chunks, event.toolCallId, event.toolName, event.input);
        return done();
      case 'question.asked':
        this.unresolved.add(event.question.questionId);
        this.announce(chunks, event.question.questionId, 'ask_human', { question: event.question.question });
        return done();
      case 'client_tool.requested':
        this.unresolved.add(event.call.toolCallId);
        this.announce(chunks, event.call.toolCallId, event.call.toolName, event.call.input);
        return done();
      case 'question.answered': {
        const { questionId, answer } = event.answer;
        this.unresolved.delete(questionId);
        this.suppliedByApp.add(questionId);
        chunks.push({ type: 'tool-output-available', toolCallId: questionId, output: answer });
        return done();
      }
      case 'client_tool.supplied': {
        const { toolCallId, result, isError } = event.result;
        this.unresolved.delete(toolCallId);
        this.suppliedByApp.add(toolCallId);
        chunks.push(
          isError
            ? { type: 'tool-output-error', toolCallId, errorText: typeof result === 'string' ? result : JSON.stringify(result) }
            : { type: 'tool-output-available', toolCallId, output: result },
        );
        return done();
      }
      case 'tool.result':
        // Already ended as denied, or its output is the app's own (sent when it was supplied).
        if (this.denied.has(event.toolCallId) || this.suppliedByApp.has(event.toolCallId)) return done();
        this.announce(chunks, event.toolCallId, event.toolName, {});
        chunks.push(
          event.isError
            ? { type: 'tool-output-error', toolCallId: event.toolCallId, errorText: event.content }
            : { type: 'tool-output-available', toolCallId: event.toolCallId, output: event.content },
        );
        return done();
      case 'run.state.changed':
        if (event.to !== 'waiting_for_approval') return done();
        this.close(chunks);
        chunks.push({ type: 'finish', finishReason: 'tool-calls' });
        return done(true);
      case 'run.completed':
        this.close(chunks);
        chunks.push({ type: 'finish', finishReason: 'stop' });
        return done(true);
      case 'run.failed':
        this.close(chunks);
        chunks.push({ type: 'error', errorText: event.error });
        return done(true);
      case 'run.cancelled':
        this.close(chunks);
        chunks.push({ type: 'abort', reason: 'the run was cancelled' });
        return done(true);
      default:
        return done();
    }
  }

  private announce(chunks: UiChunk[], toolCallId: string, toolName: string, input: unknown): void {
    if (this.announced.has(toolCallId)) return;
    this.announced.add(toolCallId);
    chunks.push({ type: 'tool-input-available', toolCallId, toolName, input });
  }

  /**
   * A part's id names its message attempt and its place among that attempt's parts of its kind,
   * never a stream offset: a live delta and the log's copy of the same text (a reconnect that
   * replays from the log) then open the same part, so the client neither splits nor repeats it.
   */
  private partId(kind: Open['kind'], messageId: string, attempt: number): string {
    const key = `${kind}-${messageId}-${attempt}`;
    const n = this.parts.get(key) ?? 0;
    this.parts.set(key, n + 1);
    return n === 0 ? key : `${key}-${n}`;
  }

  /** A finished message opens no more parts: drop its counters (a long run has many messages). */
  private forgetParts(messageId: string): void {
    for (const key of this.parts.keys()) if (key.includes(`-${messageId}-`)) this.parts.delete(key);
  }

  private close(chunks: UiChunk[]): void {
    if (!this.open) return;
    chunks.push({ type: `${this.open.kind}-end`, id: this.open.id });
    this.open = undefined;
  }
}
