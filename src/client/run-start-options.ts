/**
 * How an `agentRun` is started: the one place that decides its task queue, arguments, UI summary
 * and details, and initial search attributes. `startRun` and schedules both use it, so a run a
 * schedule starts looks and lists exactly like one started by hand.
 */
import type { SearchAttributePair } from '@temporalio/common';
import { AGENT_ID, FORK_OF, RUN_STATE, THREAD_ID } from '../workflows/shared/search-attributes.js';
import type { ForkOf } from '../workflows/run/fork.js';
import type { AgentRunInput } from '../workflows/run/contract.js';
import { attributesAtStart } from '../workflows/run/start-state.js';
import { HarnessClientError } from './errors.js';
import { checkRunFiles } from './run-files.js';

/** The parts of a workflow start (or a schedule's start action) that make it a harness run. */
export interface RunStartOptions {
  taskQueue: string;
  args: [AgentRunInput];
  staticSummary: string;
  staticDetails: string;
  typedSearchAttributes: SearchAttributePair[];
  /** A fork's link to its original (`forkOf`), readable without a worker (`describe()`). */
  memo?: { forkOf: ForkOf };
}

/** Where and how a run is started: the client's task queue, its known agents, the schedule if any. */
export interface RunStartContext {
  taskQueue: string;
  /** Agent ids known to the workspace; an unknown one is refused before anything starts. */
  knownAgents?: readonly string[] | undefined;
  /** The schedule that starts the run, named in its UI details. */
  scheduleId?: string;
  /** Largest inline file accepted. @default `MAX_INLINE_FILE_BYTES` (no payload store) */
  maxInlineFileBytes?: number;
}

/**
 * Checks a run's input (files, agent id) and builds its start options.
 * @throws {HarnessClientError} `UNKNOWN_AGENT`, `FILE_TOO_LARGE`, `INVALID_FILE`.
 */
export function runStartOptions(input: AgentRunInput, context: RunStartContext): RunStartOptions {
  const agentId = input.agentId ?? 'auto';
  // A fork's files are its original's, as that run keeps them (checked when it started).
  if (input.files && !input.fork) checkRunFiles(input.files, context.maxInlineFileBytes);
  const { knownAgents } = context;
  if (knownAgents && agentId !== 'auto' && !knownAgents.includes(agentId)) {
    throw new HarnessClientError('UNKNOWN_AGENT', `Unknown agent "${input.agentId}". Known agents: ${knownAgents.join(', ') || '(none)'}.`);
  }
  const origin = [
    input.threadId ? ` · **thread** \`${input.threadId}\`` : '',
    context.scheduleId ? ` · **schedule** \`${context.scheduleId}\`` : '',
    input.fork ? ` · **fork of** \`${input.fork.of.workflowId}\` at step ${input.fork.of.step}` : '',
  ].join('');
  const fork = input.fork && forkInWords(input.fork);
  const atStart = attributesAtStart(input);
  return {
    taskQueue: context.taskQueue,
    args: [input],
    staticSummary: fork ? `${agentId}: ${fork}` : `${agentId}: "${truncate(input.input, 120)}"`,
    staticDetails: [
      `**Agent** \`${agentId}\`${origin}`,
      '',
      `> ${truncate(input.input, 1000)}`,
      '',
      ...(fork ? [`This run is a ${fork}: it starts from that step's model message and reads the earlier messages from that run, which it leaves unchanged.`, ''] : []),
      'Live state and pending approvals: **Current Details**. Everything else: **Queries** → `status`.',
      '',
      '\u00a0',
    ].join('\n'),
    typedSearchAttributes: [
      // The run reports its own state and routed agent from here on. A run that brings its plan and
      // may work at once starts `running` with the routed agent, so it need not write them itself;
      // others start `starting` (until planned, and given a slot) with the requested agent or `auto`.
      { key: RUN_STATE, value: atStart.state },
      { key: AGENT_ID, value: atStart.agentId },
      ...(input.threadId ? [{ key: THREAD_ID, value: input.threadId }] : []),
      ...(input.fork ? [{ key: FORK_OF, value: input.fork.of.workflowId }] : []),
    ],
    ...(input.fork && { memo: { forkOf: input.fork.of } }),
  };
}

/** `fork of run-1 at step 2 (edited c1; decided c2)`: how a fork's UI summary names it. */
function forkInWords(fork: NonNullable<AgentRunInput['fork']>): string {
  const changes = [
    fork.edited.length ? `edited ${fork.edited.join(', ')}` : '',
    fork.decisions?.length ? `decided ${fork.decisions.map((d) => `${d.approvalId} ${d.decision}`).join(', ')}` : '',
  ].filter(Boolean);
  return truncate(`fork of ${fork.of.workflowId} at step ${fork.of.step}${changes.length ? ` (${changes.join('; ')})` : ''}`, 200);
}

/** `s` on one line (whitespace collapsed), cut to at most `n` characters with a trailing `…`. */
export function truncate(s: string, n: number): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length > n ? `${oneLine.slice(0, n - 1)}…` : oneLine;
}
