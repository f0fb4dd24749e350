/**
 * Forking a run from one of its steps: read where the step is from the original (the `stepForkPoint`
 * query: nothing is written to the original, which may be closed), check the caller's changes
 * against that step, then start the fork as a new run linked to it (search attribute
 * `HarnessForkOf`, memo `forkOf`). Listing a run's forks goes through the same search attribute.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { agentRun } from '../workflows/run/agent-run.js';
import { AGENT_RUN_WORKFLOW } from '../workflows/run/contract.js';
import { forkPointQuery, type ForkRequest } from '../workflows/run/fork.js';
import { forkInputFrom, forkRequestProblem } from '../workflows/run/fork-point.js';
import { FORK_OF } from '../workflows/shared/search-attributes.js';
import { classifyTemporalError } from './classify.js';
import { ForkError } from './errors.js';
import { RunHandle } from './run-handle.js';
import { runStartOptions } from './run-start-options.js';

/** Options of {@link HarnessClient.fork}: which step, what to change, and the fork's own id. */
export interface ForkOptions extends ForkRequest {
  /** The fork's run id. @default `run-<uuid>` */
  runId?: string;
}

/** Where a fork starts on the server: the client's Temporal client, task queue and known agents. */
export interface ForkContext {
  temporal: Client;
  taskQueue: string;
  knownAgents?: readonly string[] | undefined;
}

/**
 * Starts a fork of run `originalId` from step `options.fromStep`; returns the fork's handle.
 * @throws {ForkError} when the step or the changes do not fit the original (see its codes).
 * @throws {HarnessClientError} `RUN_NOT_FOUND`, `QUERY_TIMEOUT` (no worker answers for the original),
 *   `RUN_ALREADY_EXISTS`, `UNKNOWN_AGENT`, or a server failure.
 */
export async function forkRun(ctx: ForkContext, originalId: string, options: ForkOptions): Promise<RunHandle> {
  const { runId = `run-${randomUUID()}`, ...request } = options;
  const malformed = forkRequestProblem(request);
  if (malformed) throw new ForkError(malformed.code, malformed.message);
  const original = ctx.temporal.workflow.getHandle(originalId);
  const [reply, description] = await Promise.all([original.query(forkPointQuery, { step: request.fromStep }), original.describe()]).catch(
    (err: unknown) => {
      throw classifyTemporalError(err, { kind: 'run', id: originalId, call: 'query' });
    },
  );
  if (!reply.ok) throw new ForkError(reply.problem.code, reply.problem.message);
  const built = forkInputFrom(reply.point, request, description.runId);
  if (!built.ok) throw new ForkError(built.problem.code, built.problem.message);
  const start = runStartOptions(built.input, { taskQueue: ctx.taskQueue, knownAgents: ctx.knownAgents });
  try {
    const handle = await ctx.temporal.workflow.start<typeof agentRun>(AGENT_RUN_WORKFLOW, { workflowId: runId, ...start });
    return new RunHandle(runId, handle, ctx.temporal);
  } catch (err) {
    throw classifyTemporalError(err, { kind: 'run', id: runId });
  }
}

/** One fork as {@link HarnessClient.forks} lists it. */
export interface ForkSummary {
  runId: string;
  /** The step of the original it was forked from (from its memo). */
  step?: number;
  startTime: Date;
  closeTime?: Date;
}

/**
 * The forks of run `originalId`, newest first, from visibility (eventually consistent: a fork
 * started a moment ago may be listed a moment later).
 * @throws {HarnessClientError} a server failure (`TEMPORAL_UNAVAILABLE`, `NAMESPACE_NOT_FOUND`…).
 */
export async function listForks(temporal: Client, originalId: string, limit = 50): Promise<ForkSummary[]> {
  const query = `WorkflowType = "${AGENT_RUN_WORKFLOW}" AND ${FORK_OF.name} = "${originalId.replace(/["\\]/g, '\\$&')}"`;
  const forks: ForkSummary[] = [];
  try {
    for await (const wf of temporal.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
      const step = (wf.memo?.forkOf as { step?: unknown } | undefined)?.step;
      forks.push({
        runId: wf.workflowId,
        ...(typeof step === 'number' && { step }),
        startTime: wf.startTime,
        ...(wf.closeTime !== undefined && { closeTime: wf.closeTime }),
      });
      if (forks.length >= limit) break;
    }
  } catch (err) {
    throw classifyTemporalError(err, { kind: 'namespace', id: temporal.options.namespace });
  }
  return forks;
}
