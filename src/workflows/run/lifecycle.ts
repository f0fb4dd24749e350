/**
 * The lifecycle of one run: its state machine (`starting` → `queued`? → `running` ⇄
 * `waiting_for_approval` → `completed` | `failed` | `cancelled`) and everything that follows a
 * change: the `HarnessRunState` search attribute, the lifecycle events on the run's stream, and the
 * details the Web UI shows. A plain class: the Temporal calls are behind `LifecycleEffects`, so
 * unit tests drive it without a server (`test/workflows/lifecycle.test.ts`).
 */
import { needsReference, previewOf } from '../shared/content-ref.js';
import type { AgentSpec } from './agent-spec.js';
import type { AgentRunInput, ApprovalRecord, PolicyOutcome, RoutingDecision, RunState, RunStatus } from './contract.js';
import type { HarnessEventBody } from './events.js';
import type { RunLedger } from './ledger.js';
import { currentDetails } from './ui-details.js';
import { runTraceId } from '../shared/telemetry.js';

/** A change of the run's search attributes: its new state, the agent routing picked, or both. */
export interface AttributeChange {
  /** For `HarnessRunState`. */
  state?: RunState;
  /** For `HarnessAgentId`. */
  agentId?: string;
}

/** What a lifecycle change does outside the class (in the workflow: Temporal calls). */
export interface LifecycleEffects {
  /** Publishes an event on the run's stream. */
  emit(event: HarnessEventBody): void;
  /**
   * Mirrors a change into the `HarnessRunState` / `HarnessAgentId` search attributes. Both parts of
   * one change go in one write: each write is a command and a history event.
   */
  setAttributes(change: AttributeChange): void;
  /** Shows the run's current details (markdown) in the Web UI. */
  setDetails(markdown: string): void;
}

/** Approvals held elsewhere that park this run too (its sub-agents'), and how they show in its status. */
export interface DelegatedApprovalView {
  hasPending(): boolean;
  status(base: RunStatus): RunStatus;
}

const NO_DELEGATED: DelegatedApprovalView = { hasPending: () => false, status: (s) => s };

export class RunLifecycle {
  private current: RunState;
  /** Set once the run is ending: closing its approvals then must not flip it back to `running`. */
  private ending = false;
  delegated: DelegatedApprovalView = NO_DELEGATED;

  constructor(
    private readonly ledger: RunLedger,
    private readonly effects: LifecycleEffects,
    continued = false,
  ) {
    // A continued run goes on where the last one stopped: between steps, or parked on approvals.
    this.current = !continued ? 'starting' : ledger.waitsForPeople() ? 'waiting_for_approval' : 'running';
  }

  get state(): RunState {
    return this.current;
  }

  /** What the `status` query answers. */
  status(): RunStatus {
    return this.delegated.status(this.ledger.status(this.current));
  }

  /** A new run announces itself; a continued run only shows its details again. */
  begin(input: AgentRunInput): void {
    if (input.carried) return this.showDetails();
    // A big input shows as a preview: the event log stays small (the transcript's first message has the whole).
    this.effects.emit({
      type: 'run.created',
      input: needsReference(input.input) ? previewOf(input.input) : input.input,
      inputChars: input.input.length,
      requestedAgentId: input.agentId ?? 'auto',
      ...(input.threadId !== undefined && { threadId: input.threadId }),
      ...traceIdField(),
    });
  }

  /**
   * Planning decided which agent runs (`agent`, absent when refused) and whether policies allow it;
   * the run moves on to `next`: `running` (it may work at once) or `queued` (it waits for a slot of
   * `limits.maxConcurrentRuns`); none for a refused run, which stays `starting` until it fails.
   */
  planned(
    { routing, policy, agent }: { routing: RoutingDecision; policy: PolicyOutcome; agent?: AgentSpec },
    requestedAgentId?: string,
    next?: 'running' | 'queued',
  ): void {
    this.ledger.setRouting(routing, policy);
    if (agent) this.ledger.setAgent(agent);
    this.effects.emit({ type: 'run.routed', routing, policy });
    const routed = routing.selectedAgentId !== requestedAgentId ? { agentId: routing.selectedAgentId } : {};
    if (next) this.moveTo(next, routed);
    else if (routed.agentId) this.effects.setAttributes(routed);
  }

  /** A queued run got its slot and may work. */
  started(): void {
    this.moveTo('running');
  }

  /**
   * Call after approvals came or went (the run's own or its sub-agents'): the run waits while any
   * is pending and runs again when none is.
   */
  approvalsChanged(): void {
    if (this.ending) return;
    const waiting = this.ledger.waitsForPeople() || this.delegated.hasPending();
    if (waiting && this.current === 'running') this.moveTo('waiting_for_approval');
    else if (!waiting && this.current === 'waiting_for_approval') this.moveTo('running');
    else this.showDetails();
  }

  /** An own approval was decided (by a person, its deadline, or the run ending). */
  approvalResolved(record: ApprovalRecord): void {
    this.effects.emit({ type: 'approval.resolved', decision: record });
    this.approvalsChanged();
  }

  completed(output: string): void {
    this.ledger.output = output;
    const ref = this.ledger.outputRef;
    this.end('completed', { type: 'run.completed', output, ...(ref && { outputRef: ref }), usage: { ...this.ledger.usage } });
  }

  /** The run failed; `timedOut` when its deadline (`limits.runTimeout`) ended it. */
  failed(error: string, now: string, timedOut = false): void {
    this.ledger.error = error;
    this.closeWaits(closingReason(error, timedOut), now, timedOut);
    this.end('failed', { type: 'run.failed', error });
  }

  cancelled(now: string): void {
    this.ledger.error = 'Run cancelled';
    this.closeWaits('run cancelled', now);
    this.end('cancelled', { type: 'run.cancelled' });
  }

  /** Shows the run's details in the Web UI as they are now. */
  showDetails(): void {
    this.effects.setDetails(currentDetails(this.status()));
  }

  /**
   * The run is ending: what it waits for is closed (approvals rejected, questions and client tool
   * calls closed unanswered, each with an event). `failed`/`cancelled` call it; the workflow calls
   * it first so the notices it starts are settled before the final event. Idempotent.
   */
  closeWaits(reason: string, now: string, timedOut = false): void {
    this.ending = true;
    this.ledger.closePending(reason, now);
    const why = { closedAt: now, reason, ...(timedOut && { timedOut: true as const }) };
    for (const question of this.ledger.questions.closeAll(why)) this.effects.emit({ type: 'question.closed', question });
    for (const call of this.ledger.clientTools.closeAll(why)) this.effects.emit({ type: 'client_tool.closed', call });
  }

  private end(state: RunState, last: HarnessEventBody): void {
    this.ending = true;
    this.moveTo(state);
    this.effects.emit(last);
  }

  /** Moves to `next`, its attribute written together with `also` (the routed agent). */
  private moveTo(next: RunState, also: AttributeChange = {}): void {
    const from = this.current;
    if (from === next) {
      if (also.agentId) this.effects.setAttributes(also);
      return;
    }
    this.current = next;
    this.effects.setAttributes({ ...also, state: next });
    if (next === 'queued') this.effects.emit({ type: 'run.queued' });
    if (from === 'queued') this.effects.emit({ type: 'run.dequeued' });
    this.effects.emit({ type: 'run.state.changed', from, to: next });
    if (from === 'waiting_for_approval' && next === 'running') this.effects.emit({ type: 'run.resumed', step: this.ledger.step });
    this.showDetails();
  }
}

/** Why a failed run closed what it waited for. */
export function closingReason(error: string, timedOut: boolean): string {
  return timedOut ? 'run timed out' : `run failed: ${error}`;
}

/** The run's trace id, when tracing is on, for its first event. */
function traceIdField(): { traceId?: string } {
  const traceId = runTraceId();
  return traceId ? { traceId } : {};
}
