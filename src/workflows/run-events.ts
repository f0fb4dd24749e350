/**
 * Publishing a run's lifecycle events from the workflow. Publishing appends to the stream's
 * in-memory log (no history event); subscribers read it with long-poll updates.
 */
import { allHandlersFinished, condition } from '@temporalio/workflow';
import { WorkflowStream, type WorkflowStreamState } from '@temporalio/workflow-streams/workflow';
import { RUN_EVENTS_TOPIC, type HarnessEvent, type HarnessEventBody } from './events.js';

export class RunEvents {
  private readonly stream = new WorkflowStream();
  private readonly topic = this.stream.topic<HarnessEvent>(RUN_EVENTS_TOPIC);

  constructor(
    private readonly runId: string,
    private readonly agentId: () => string,
  ) {}

  emit(body: HarnessEventBody): void {
    this.topic.publish({ runId: this.runId, agentId: this.agentId(), at: new Date().toISOString(), ...body } as HarnessEvent);
  }

  /** The stream's log, for the `eventLog` query (readers of a finished run cannot poll it). */
  state(): WorkflowStreamState {
    return this.stream.getState();
  }

  /**
   * Lets subscribers waiting on a poll collect the final events before the run closes: their
   * handlers wake on the new items, and the run ends only once they have answered.
   */
  async drain(): Promise<void> {
    await condition(allHandlersFinished);
  }
}
