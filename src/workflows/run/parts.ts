/** The parts of one run the workflow wires together, handed as one to the code that drives it. */
import type { SubAgents } from '../sub-agents/sub-agents.js';
import type { AgentRunInput } from './contract.js';
import type { RunLedger } from './ledger.js';
import type { RunLifecycle } from './lifecycle.js';
import type { RunEvents } from './run-events.js';
import type { RunSlot } from './slot.js';

export interface RunParts {
  readonly input: AgentRunInput;
  /** What the run has done and holds; its own approvals. */
  readonly ledger: RunLedger;
  /** Its state machine, search attribute, lifecycle events and UI details. */
  readonly lifecycle: RunLifecycle;
  /** Its event stream. */
  readonly events: RunEvents;
  /** Its sub-agent calls and their approvals. */
  readonly subAgents: SubAgents;
  /** Its slot under `limits.maxConcurrentRuns`. */
  readonly slot: RunSlot;
}

/** Workflow time as ISO-8601 (deterministic: the workflow task's time). */
export function now(): string {
  return new Date().toISOString();
}
