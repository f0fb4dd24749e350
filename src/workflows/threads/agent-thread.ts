/**
 * `agentThread`: a conversation of many runs as a long-lived entity workflow (id
 * `thread-<threadId>`). Messages arrive by the `submitRun` update; runs execute one at a time as
 * child `agentRun` workflows that read the earlier conversation from this workflow by the
 * `transcript` query (a reference, so nothing quadratic enters history). The thread never
 * completes on its own; it continues as new, when idle, to keep its history bounded.
 */
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { SyncThreadMemoryInput } from '../../activities/memory-sync.js';
import type { agentRun } from '../run/agent-run.js';
import { AGENT_RUN_WORKFLOW } from '../run/contract.js';
import { transcriptQuery } from '../shared/conversation.js';
import { AGENT_ID, RUN_STATE, THREAD_ID } from '../shared/search-attributes.js';
import { syncRunMemory } from './memory-sync.js';
import {
  THREAD_HANDLER_DESCRIPTIONS,
  submitRunUpdate,
  threadStatusQuery,
  type AgentThreadInput,
} from './contract.js';
import { ThreadLedger, type ThreadRunStart } from './thread-ledger.js';

/**
 * The thread workflow. Start it through `HarnessClient.thread(id).send(...)` (update-with-start),
 * which creates it on the first message and reuses it after.
 */
export async function agentThread(input: AgentThreadInput): Promise<never> {
  const thread = new ThreadLedger(input);
  // The scope the active child runs in: cancelling it cancels that child (onBusy `interrupt`).
  let activeScope: CancellationScope | undefined;

  setHandler(threadStatusQuery, () => thread.status(), { description: THREAD_HANDLER_DESCRIPTIONS.threadStatus });
  setHandler(transcriptQuery, (q) => thread.transcript(q?.upTo), { description: THREAD_HANDLER_DESCRIPTIONS.transcript });
  // Synchronous on purpose: the handler only records the submission and answers; the main loop
  // below starts runs. So no handler is ever in flight when the thread continues as new.
  setHandler(
    submitRunUpdate,
    (payload) => {
      // uuid4() is the workflow's seeded random: deterministic on replay.
      const { result, interrupt } = thread.submit({ ...payload, runId: payload.runId ?? `run-${uuid4()}` });
      if (interrupt !== undefined) activeScope?.cancel();
      return result;
    },
    {
      description: THREAD_HANDLER_DESCRIPTIONS.submitRun,
      // Runs before the update enters history: a refused submission leaves no trace.
      validator: (payload) => {
        const problem = thread.problemWith(payload);
        if (problem) throw ApplicationFailure.create({ type: problem.code, message: problem.message, nonRetryable: true });
      },
    },
  );

  // The client sets it at start; a thread started any other way (temporal CLI) gets it here.
  if (workflowInfo().typedSearchAttributes.get(THREAD_ID) !== input.threadId) {
    upsertSearchAttributes([{ key: THREAD_ID, value: input.threadId }]);
  }

  const limit = input.continueAsNewAfterRuns;
  const timeToContinue = () =>
    workflowInfo().continueAsNewSuggested || (limit !== undefined && limit >= 1 && thread.runsStarted >= limit);

  for (;;) {
    await condition(() => thread.hasQueued());
    // Between runs (a child must never outlive the execution awaiting it), and lazily, when the
    // next run is due: an idle thread's history does not grow, and the submission that woke us
    // has then completed in this execution. Continuing as soon as a run ends would make the next
    // send race the switch, and the server retries such an update only after about a second.
    if (timeToContinue()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof agentThread>({ ...input, ...thread.carry() });
    }
    const next = thread.startNext()!;
    activeScope = new CancellationScope();
    const completed = await activeScope.run(() => runChild(thread, next));
    activeScope = undefined;
    // Before the next run starts, so that run can already recall what this one left in memory.
    if (completed) thread.recordMemorySync(completed.runId, await syncRunMemory(completed));
  }
}

/**
 * Runs one child to its end and records the outcome; never throws for the child's own failure.
 * Returns what a memory sync needs when the run completed.
 */
async function runChild(thread: ThreadLedger, run: ThreadRunStart): Promise<SyncThreadMemoryInput | undefined> {
  const { workflowId } = workflowInfo();
  try {
    const child = await startChild<typeof agentRun>(AGENT_RUN_WORKFLOW, {
      workflowId: run.runId,
      args: [
        {
          agentId: run.agentId,
          input: run.input,
          threadId: thread.threadId,
          ...(run.context !== undefined && { context: run.context }),
          // With no earlier messages there is nothing to reference (and no query to make).
          ...(run.upTo > 0 && { history: { workflowId, upTo: run.upTo } }),
        },
      ],
      staticSummary: `${run.agentId}: ${oneLine(run.input, 120)}`,
      typedSearchAttributes: [
        { key: RUN_STATE, value: 'starting' },
        { key: AGENT_ID, value: run.agentId },
        { key: THREAD_ID, value: thread.threadId },
      ],
      // A run id names one run: never start a second execution under an id already used.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // If the thread itself is terminated, its run is asked to cancel (closing its approvals)
      // rather than vanish. Continue-as-new never happens with a run active.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
    });
    const result = await child.result();
    const from = thread.messages.length;
    thread.complete(run.runId, result.messages, result.usage);
    return {
      threadId: thread.threadId,
      runId: run.runId,
      agentId: result.agentId,
      ...(run.context !== undefined && { context: run.context }),
      from,
      to: from + result.messages.length,
    };
  } catch (err) {
    thread.fail(run.runId, { cancelled: isCancellation(err), error: isCancellation(err) ? 'Run cancelled' : describeFailure(err, run.runId) });
    return undefined;
  }
}

/** The message that says what went wrong: the first ApplicationFailure's (the run's own error). */
function describeFailure(err: unknown, runId: string): string {
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return `A workflow with id "${runId}" already exists, so the run could not start; run ids must be unique.`;
  }
  let message = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ApplicationFailure) return e.message;
    if (e.message) message = e.message;
  }
  return message;
}

function oneLine(s: string, n: number): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > n ? `${line.slice(0, n - 1)}…` : line;
}
