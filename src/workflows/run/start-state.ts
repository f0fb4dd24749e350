/**
 * What a run's search attributes say when it starts, decided from its start input alone, so the
 * client that starts it (`runStartOptions`) and the run agree without a word between them: a run
 * whose plan is known at start and that may work at once begins `running` with the routed agent,
 * and its first workflow task then has nothing to write (each upsert is a command and a history
 * event). Plain functions: client and workflow share them.
 */
import type { RunPlan } from '../../activities/index.js';
import type { AgentRunInput, RunState } from './contract.js';
import { firstMessageToStore } from './first-message.js';

/** `HarnessRunState` and `HarnessAgentId` of a run as it starts. */
export interface AttributesAtStart {
  state: Extract<RunState, 'starting' | 'running'>;
  agentId: string;
}

/**
 * The cap whose slot the run must take first, if any. A refused plan needs none; a sub-agent runs
 * within its top-level run's slot (asking for its own could deadlock the cap).
 */
export function needsSlot(input: AgentRunInput, plan: RunPlan): number | undefined {
  return plan.agent && !input.parent ? plan.agent.limits.maxConcurrentRuns : undefined;
}

/**
 * The run's state and agent id at start. `running` only when the run reaches `running` in its
 * first workflow task with nothing to wait for before: it brings its plan (`AgentRunInput.plan`),
 * the plan allows it, it needs no slot, and it has no big input to store by reference first.
 * Otherwise `starting`, as the run is until it is planned. The agent id is the plan's routing
 * choice when there is a plan (refused or not: the run records it either way), else the requested
 * agent or `auto`.
 */
export function attributesAtStart(input: AgentRunInput): AttributesAtStart {
  const { plan } = input;
  const agentId = plan?.routing.selectedAgentId ?? input.agentId ?? 'auto';
  const runsAtOnce = plan?.agent !== undefined && needsSlot(input, plan) === undefined && !input.carried && !firstMessageToStore(input);
  return { state: runsAtOnce ? 'running' : 'starting', agentId };
}
