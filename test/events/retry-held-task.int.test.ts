/**
 * A worker that dies while it holds one of the run's workflow tasks (here a viewer's poll, which the
 * worker took just before it died) leaves that task "started" until the run's workflow task timeout
 * (10 s): until then the server answers no query on the run (it buffers them for the next task).
 * The model call retried on another worker reads the run's transcript by query (that worker has
 * no copy yet); it must heartbeat while it waits, or a heartbeat timeout under 10 s retires each
 * attempt before it can heartbeat (its late heartbeats get NOT_FOUND) and the call burns attempts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { connectClient, tempDir, uniqueId, withWorker, writeWorkspace } from '../support/harness.js';
import { eventually } from '../support/eventually.js';
import { spawnWorker, type WorkerProcess } from '../support/spawn-worker.js';
import { eventReader } from '../support/event-reader.js';

const TEXT = 'alpha beta gamma delta epsilon zeta eta theta';
const { EventType, PendingWorkflowTaskState, TimeoutType } = temporal.api.enums.v1;

describe('a model call retried while the dead worker still holds a workflow task of the run', () => {
  let victim: WorkerProcess | undefined;
  afterEach(async () => victim?.kill());

  it('heartbeats while it waits for the run, and completes on its second attempt', async () => {
    const workspace = writeWorkspace(
      tempDir(),
      `
models:
  m:
    provider: scripted
    streamDelay: 150ms
    script:
      - turns:
          - toolCalls: [{ name: echo, args: { text: hi } }]
          - text: "${TEXT}"
agents:
  - { id: a, model: m, tools: [echo] }
limits:
  heartbeatTimeout: 3s
  modelRetry: { initialInterval: 10ms }
`,
    );
    const taskQueue = uniqueId('tq');
    victim = await spawnWorker(workspace, taskQueue);
    const client = await connectClient(taskQueue);
    const viewer = await connectClient(taskQueue);
    const run = await client.startRun({ agentId: 'a', input: 'talk' });
    const handle = client.temporal.workflow.getHandle(run.runId);

    const { events, readUntil } = eventReader(run);
    // Step 2's model call streams on the first worker (which has run step 1: its poll for the run's
    // workflow tasks is waiting at the server).
    await readUntil((e) => e.type === 'output.delta' && e.step === 2);
    victim.child.kill('SIGSTOP');
    // A second viewer polls the run: its poll is an update, so a workflow task, which goes to the
    // frozen worker (its poll was already waiting) and is never answered.
    const other = viewer.getRun(run.runId).events();
    void other.next().catch(() => undefined);
    await eventually(
      () => handle.describe(),
      (d) => d.raw.pendingWorkflowTask?.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED,
      'the frozen worker to hold a workflow task of the run',
    );
    await victim.kill();

    await withWorker(workspace, () => readUntil((e) => e.type === 'run.completed'), { taskQueue });

    expect(events.at(-1)).toMatchObject({ type: 'run.completed', output: TEXT });
    // One retry: attempt 2 heartbeated while the run could not answer its query.
    expect(events.filter((e) => e.type === 'output.reset')).toMatchObject([{ step: 2, attempt: 2 }]);
    const history = (await handle.fetchHistory()).events ?? [];
    const modelAttempts = history
      .filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED)
      .map((e) => e.activityTaskStartedEventAttributes!.attempt);
    expect(modelAttempts.at(-1)).toBe(2);
    // The condition really happened: the dead worker's task was held until its start-to-close timeout.
    const held = history.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT &&
        e.workflowTaskTimedOutEventAttributes?.timeoutType === TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    );
    expect(held.length).toBeGreaterThan(0);
    await other.return(undefined);
    await Promise.all([client.close(), viewer.close()]);
  });
});
