/** What a run's history says about how it started: eagerly or not, and who ran its first workflow task. */
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const EventType = proto.temporal.api.enums.v1.EventType;

export interface StartRecord {
  /** `WorkflowExecutionStarted.eagerExecutionAccepted`: the server handed the first task back in the start reply. */
  eagerExecutionAccepted: boolean;
  /** The identity of the worker that ran the first workflow task. */
  firstTaskIdentity: string | undefined;
}

export async function startRecord(temporal: Client, runId: string): Promise<StartRecord> {
  const events = (await temporal.workflow.getHandle(runId).fetchHistory()).events ?? [];
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  const firstTask = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  return {
    eagerExecutionAccepted: started?.workflowExecutionStartedEventAttributes?.eagerExecutionAccepted === true,
    firstTaskIdentity: firstTask?.workflowTaskStartedEventAttributes?.identity ?? undefined,
  };
}
