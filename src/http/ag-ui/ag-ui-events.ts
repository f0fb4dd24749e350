/**
 * A run's events as AG-UI 1.0 events (`@ag-ui/core`), the protocol `@ag-ui/client`'s HttpAgent,
 * CopilotKit and others read. Pure and stateful per stream: feed it every event of the harness run
 * in order (also those a stream does not send, so it knows which tool calls the client has), and it
 * says which AG-UI events to send and whether this AG-UI run ends.
 *
 * An AG-UI run is one request: it ends with `RUN_FINISHED` and an `interrupt` outcome when the
 * harness run parks on approvals (interrupt id = tool call id = harness approval id), and the next
 * request's `resume` answers them; it ends with `success` / `cancelled` outcomes or `RUN_ERROR`
 * when the harness run ends. Reasoning deltas are not sent.
 *
 * An `ask_human` question is an interrupt too (reason `input_required`, its tool call announced,
 * answered by `resume` payload `{ answer }`). A client tool call is an AG-UI frontend tool call:
 * announced with no result; when the run parks on client tool calls only, the AG-UI run finishes
 * as `success` naming them in `pendingToolCallIds` (AG-UI 1.0: the answer rides the next run's
 * messages), and the result the app sent is not echoed back as a `TOOL_CALL_RESULT`.
 */
import type { HarnessEventItem, PendingApproval, PendingQuestion } from '../../client/index.js';
import { ANSWER_RESPONSE_SCHEMA, responseSchemaFor } from './ag-ui-request.js';

/** One interrupt of a `RUN_FINISHED` interrupt outcome (AG-UI `Interrupt`). */
export interface AgUiInterrupt {
  id: string;
  reason: string;
  message?: string;
  toolCallId?: string;
  responseSchema?: Record<string, unknown>;
  expiresAt?: string;
  metadata?: Record<string, unknown>;
}

/** The events this endpoint sends (a subset of AG-UI 1.0's `BaseEvent` union). */
export type AgUiEvent =
  | { type: 'RUN_STARTED'; threadId: string; runId: string; protocolVersion: string; metadata?: Record<string, unknown> }
  | { type: 'TEXT_MESSAGE_START'; messageId: string; role: 'assistant' }
  | { type: 'TEXT_MESSAGE_CONTENT'; messageId: string; delta: string }
  | { type: 'TEXT_MESSAGE_END'; messageId: string }
  | { type: 'TOOL_CALL_START'; toolCallId: string; toolCallName: string; parentMessageId?: string }
  | { type: 'TOOL_CALL_ARGS'; toolCallId: string; delta: string }
  | { type: 'TOOL_CALL_END'; toolCallId: string }
  | { type: 'TOOL_CALL_RESULT'; messageId: string; toolCallId: string; content: string; role: 'tool' }
  | { type: 'STATE_SNAPSHOT'; snapshot: Record<string, unknown> }
  | { type: 'CUSTOM'; name: string; value: unknown }
  | {
      type: 'RUN_FINISHED';
      threadId: string;
      runId: string;
      result?: unknown;
      outcome: { type: 'success'; pendingToolCallIds?: string[] } | { type: 'cancelled' } | { type: 'interrupt'; interrupts: AgUiInterrupt[] };
    }
  | { type: 'RUN_ERROR'; message: string; code?: string };

/** The AG-UI protocol version this endpoint speaks. */
export const AG_UI_PROTOCOL_VERSION = '1.0';

/** What one harness event means for the AG-UI run. */
export interface AgUiMapped {
  events: AgUiEvent[];
  /** This AG-UI run ends after these events (run parked on approvals, or ended). */
  end: boolean;
}

/** Maps one harness run's events to AG-UI events for the AG-UI run `runId` of thread `threadId`. */
export class AgUiMapper {
  private openText: string | undefined;
  /** The text message of each model step, the parent of that step's tool calls. */
  private readonly stepMessage = new Map<number, string>();
  private readonly announced = new Set<string>();
  /** Approvals requested and not yet resolved, as of the last event mapped. */
  readonly unresolved = new Map<string, PendingApproval>();
  /** Questions asked and not yet answered. */
  private readonly questions = new Map<string, PendingQuestion>();
  /** Client tool calls waiting for their results (frontend tool calls). */
  private readonly clientCalls = new Set<string>();
  /** Client tool calls whose result the app sent: not echoed back. */
  private readonly suppliedByApp = new Set<string>();

  constructor(private readonly ids: { threadId: string; runId: string }) {}

  map({ event }: HarnessEventItem): AgUiMapped {
    const events: AgUiEvent[] = [];
    const done = (end = false): AgUiMapped => ({ events, end });
    switch (event.type) {
      case 'output.delta': {
        if (event.text === '') return done();
        const messageId = `${event.messageId}#${event.attempt}`;
        if (this.openText !== messageId) {
          this.closeText(events);
          this.openText = messageId;
          this.stepMessage.set(event.step, messageId);
          events.push({ type: 'TEXT_MESSAGE_START', messageId, role: 'assistant' });
        }
        events.push({ type: 'TEXT_MESSAGE_CONTENT', messageId, delta: event.text });
        return done();
      }
      case 'output.reset': // A retried model call starts its text again: a new message follows.
      case 'step.completed':
        this.closeText(events);
        return done();
      case 'approval.requested': {
        const approval = event.approval;
        this.unresolved.set(approval.approvalId, approval);
        this.closeText(events);
        this.announce(events, approval.approvalId, approval.toolName, approval.input, this.stepMessage.get(approval.step));
        return done();
      }
      case 'approval.resolved':
        this.unresolved.delete(event.decision.approvalId);
        return done();
      case 'question.asked':
        this.questions.set(event.question.questionId, event.question);
        this.closeText(events);
        this.announce(events, event.question.questionId, 'ask_human', { question: event.question.question }, this.stepMessage.get(event.question.step));
        return done();
      case 'question.answered':
        this.questions.delete(event.answer.questionId);
        return done();
      case 'client_tool.requested':
        this.clientCalls.add(event.call.toolCallId);
        this.closeText(events);
        this.announce(events, event.call.toolCallId, event.call.toolName, event.call.input, this.stepMessage.get(event.call.step));
        return done();
      case 'client_tool.supplied':
        this.clientCalls.delete(event.result.toolCallId);
        this.suppliedByApp.add(event.result.toolCallId);
        return done();
      case 'tool.started':
        this.closeText(events);
        this.announce(events, event.toolCallId, event.toolName, event.input, this.stepMessage.get(event.step));
        return done();
      case 'tool.result':
        if (this.suppliedByApp.has(event.toolCallId)) return done(); // the app has its own tool message
        this.announce(events, event.toolCallId, event.toolName, {}, this.stepMessage.get(event.step));
        events.push({ type: 'TOOL_CALL_RESULT', messageId: `${event.toolCallId}:result`, toolCallId: event.toolCallId, content: event.content, role: 'tool' });
        return done();
      case 'run.state.changed':
        if (event.to !== 'waiting_for_approval' || !this.waiting()) return done();
        this.closeText(events);
        events.push(...this.stillParked(event.runId));
        return done(true);
      case 'run.completed':
        this.closeText(events);
        events.push(this.snapshot(event.runId, 'completed'), { type: 'RUN_FINISHED', ...this.ids, result: { output: event.output }, outcome: { type: 'success' } });
        return done(true);
      case 'run.failed':
        this.closeText(events);
        events.push({ type: 'RUN_ERROR', message: event.error, code: 'RUN_FAILED' });
        return done(true);
      case 'run.cancelled':
        this.closeText(events);
        events.push(this.snapshot(event.runId, 'cancelled'), { type: 'RUN_FINISHED', ...this.ids, outcome: { type: 'cancelled' } });
        return done(true);
      default:
        return done();
    }
  }

  /**
   * Ends the AG-UI run on the approvals still pending, when the harness run stays parked on them
   * (some approvals of a parking were decided, others not).
   */
  stillParked(harnessRunId: string): AgUiEvent[] {
    const interrupts = [...[...this.unresolved.values()].map(interruptFor), ...[...this.questions.values()].map(questionInterrupt)];
    // Only frontend tool calls wait: a success naming them (AG-UI 1.0), their results come as tool messages.
    const outcome = interrupts.length > 0 ? { type: 'interrupt' as const, interrupts } : { type: 'success' as const, pendingToolCallIds: [...this.clientCalls] };
    return [this.snapshot(harnessRunId, 'waiting_for_approval'), { type: 'RUN_FINISHED', ...this.ids, outcome }];
  }

  /** Whether the run waits for anything the client can answer: approvals, questions, client tool calls. */
  waiting(): boolean {
    return this.unresolved.size > 0 || this.questions.size > 0 || this.clientCalls.size > 0;
  }

  /** The agent state a client sees: the harness run behind the thread and what it waits for. */
  private snapshot(harnessRunId: string, state: string): AgUiEvent {
    return {
      type: 'STATE_SNAPSHOT',
      snapshot: {
        harnessRunId,
        state,
        pendingApprovals: [...this.unresolved.values()],
        ...(this.questions.size > 0 && { pendingQuestions: [...this.questions.values()] }),
        ...(this.clientCalls.size > 0 && { pendingToolCallIds: [...this.clientCalls] }),
      },
    };
  }

  private announce(events: AgUiEvent[], toolCallId: string, toolCallName: string, input: unknown, parentMessageId: string | undefined): void {
    if (this.announced.has(toolCallId)) return;
    this.announced.add(toolCallId);
    events.push(
      { type: 'TOOL_CALL_START', toolCallId, toolCallName, ...(parentMessageId !== undefined && { parentMessageId }) },
      { type: 'TOOL_CALL_ARGS', toolCallId, delta: JSON.stringify(input) },
      { type: 'TOOL_CALL_END', toolCallId },
    );
  }

  private closeText(events: AgUiEvent[]): void {
    if (this.openText === undefined) return;
    events.push({ type: 'TEXT_MESSAGE_END', messageId: this.openText });
    this.openText = undefined;
  }
}

/**
 * The interrupt for one pending approval, with who may decide it, its deadline and (N-of-M) how
 * many approvals it has, so the UI stays driven by the data.
 */
export function interruptFor(approval: PendingApproval): AgUiInterrupt {
  return {
    id: approval.approvalId,
    reason: 'tool_approval',
    message: approval.interrupt?.description ?? `Run ${approval.toolName} with ${JSON.stringify(approval.input)}?`,
    toolCallId: approval.approvalId,
    responseSchema: responseSchemaFor(approval.interrupt?.allowedDecisions),
    ...(approval.deadline && { expiresAt: approval.deadline.at }),
    metadata: {
      toolName: approval.toolName,
      input: approval.input,
      requestedAt: approval.requestedAt,
      ...(approval.approvers && { approvers: approval.approvers }),
      ...(approval.deadline && { onTimeout: approval.deadline.onTimeout }),
      ...(approval.quorum && { quorum: { needed: approval.quorum.needed, received: approval.quorum.votes.length } }),
    },
  };
}

/** The interrupt for one `ask_human` question: answered by a resume payload `{ answer }`. */
export function questionInterrupt(question: PendingQuestion): AgUiInterrupt {
  return {
    id: question.questionId,
    reason: 'input_required',
    message: question.question,
    toolCallId: question.questionId,
    responseSchema: ANSWER_RESPONSE_SCHEMA,
    metadata: { toolName: 'ask_human', askedAt: question.askedAt },
  };
}
