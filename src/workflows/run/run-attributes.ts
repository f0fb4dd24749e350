/**
 * The run's own search attributes (`HarnessRunState`, `HarnessAgentId`) as the server holds them,
 * so a change writes only what differs: a run that starts `running` with its routed agent (see
 * `start-state.ts`) writes nothing when it starts running, and a state and an agent changed
 * together go in one upsert. Each upsert is a command and a history event (BENCHMARKS.md §10c).
 * A plain class: the upsert is passed in, so unit tests need no server.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { AGENT_ID, RUN_STATE } from '../shared/search-attributes.js';
import type { AttributeChange } from './lifecycle.js';

/** What the attributes hold (as read from `workflowInfo().typedSearchAttributes`); absent = not set. */
export interface HeldAttributes {
  state?: string | undefined;
  agentId?: string | undefined;
}

export class RunAttributes {
  constructor(
    private held: HeldAttributes,
    private readonly upsert: (pairs: SearchAttributeUpdatePair[]) => void,
  ) {}

  /** Writes what of `change` the attributes do not already hold, in one upsert; nothing when they hold it all. */
  set(change: AttributeChange): void {
    const pairs: SearchAttributeUpdatePair[] = [];
    if (change.state !== undefined && change.state !== this.held.state) pairs.push({ key: RUN_STATE, value: change.state });
    if (change.agentId !== undefined && change.agentId !== this.held.agentId) pairs.push({ key: AGENT_ID, value: change.agentId });
    if (pairs.length === 0) return;
    this.held = { ...this.held, ...change };
    this.upsert(pairs);
  }
}
