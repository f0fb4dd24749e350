/**
 * The `runGraph` activity: runs a graph agent's LangGraph graph from the run's carried checkpoint
 * until the graph ends or interrupts (one "segment"). Durability is Temporal's: the checkpoint
 * comes in with the activity input and goes back with its result, and after every graph step the
 * activity heartbeats the latest checkpoint, so a retried attempt (another worker, after a crash)
 * continues from the last finished step instead of starting the segment again.
 */
import { HumanMessage, type AIMessage, type BaseMessage } from '@langchain/core/messages';
import { Command } from '@langchain/langgraph';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowStreamClient } from '@temporalio/workflow-streams/client';
import { withHeartbeat } from '../heartbeat.js';
import { LivePublisher } from '../../live/publisher.js';
import { RUN_EVENTS_TOPIC, messageIdFor, type HarnessEvent, type HarnessEventBody } from '../../workflows/run/events.js';
import { toolContextQuery, transcriptQuery } from '../../workflows/run/contract.js';
import type { TokenUsage } from '../../workflows/shared/usage.js';
import type { GraphApprovalRequest, RunGraphInput, RunGraphResult } from './types.js';
import { bindCheckpointer, type BoundGraph } from '../../workspace/graph-module.js';
import type { Workspace } from '../../workspace/load.js';
import { toLangChainMessages } from '../transcript.js';
import { queryTranscriptLinks, readTranscriptRef } from '../transcript-refs.js';
import { CarriedSaver } from './carried-saver.js';
import { approvalsFor, resumeMap, type RaisedInterrupt } from './interrupts.js';
import { graphOutput, toEventJson } from './graph-values.js';

/** What a segment's heartbeats carry: the latest checkpoint, for the next attempt to resume from. */
export interface GraphProgress {
  checkpoint: string;
  /** LangGraph's step number of that checkpoint. */
  graphStep: number;
}

const DELTA_BATCH_INTERVAL = '100 milliseconds';
/** Static breakpoints (`interruptBefore/After`) are not approvals: the segment runs through them. */
const MAX_BREAKPOINT_PASSES = 1000;

export function createGraphActivities({ workspace, client }: { workspace: Workspace; client: Client }) {
  return {
    async runGraph(input: RunGraphInput): Promise<RunGraphResult> {
      const graph = workspace.graphs.get(input.agentId);
      const agent = workspace.agents.get(input.agentId);
      if (!graph || !agent?.graph) {
        throw ApplicationFailure.create({
          type: 'UNKNOWN_AGENT',
          nonRetryable: true,
          message: `Agent "${input.agentId}" is not a graph agent in ${workspace.file} (the worker's workspace changed while the run was open?).`,
        });
      }
      const ctx = Context.current();
      const execution = ctx.info.workflowExecution;
      if (!execution) throw new Error('runGraph runs only inside an agentRun workflow');
      const threadId = execution.workflowId;
      const saver = new CarriedSaver();
      const earlier = ctx.info.heartbeatDetails as GraphProgress | undefined;

      // Resume point: what an earlier attempt of this segment got to, else what the run carries.
      let graphInput: unknown;
      if (earlier?.checkpoint) {
        await saver.import(threadId, earlier.checkpoint);
        graphInput = null;
      } else {
        if (input.checkpoint) await saver.import(threadId, input.checkpoint);
        // The first segment reads its messages by query before its own heartbeats start, so it
        // heartbeats meanwhile: a query can wait on the run (see heartbeat.ts).
        graphInput = input.resume
          ? new Command({ resume: resumeMap(input.resume) })
          : input.checkpoint
            ? null
            : { messages: await withHeartbeat(() => firstMessages(client, execution, input)) };
      }

      let latest = earlier;
      let exported: Promise<void> = Promise.resolve();
      saver.onSaved = (metadata) => {
        const graphStep = typeof metadata?.step === 'number' ? metadata.step : (latest?.graphStep ?? -1);
        exported = exported.then(async () => {
          const checkpoint = await saver.export(threadId);
          if (!checkpoint) return;
          latest = { checkpoint, graphStep };
          ctx.heartbeat(latest);
        });
      };
      const beatEvery = ctx.info.heartbeatTimeoutMs ? Math.max(100, Math.floor(ctx.info.heartbeatTimeoutMs / 3)) : 10_000;
      ctx.heartbeat(latest);
      const timer = setInterval(() => ctx.heartbeat(latest), beatEvery);

      // The run's context (user, tenant…) reaches nodes as LangGraph's runtime context.
      // (A failed read must stop the heartbeats: the try/finally below is not entered yet.)
      const { context } = await client.workflow
        .getHandle(execution.workflowId, execution.runId)
        .query(toolContextQuery)
        .catch((err: unknown) => {
          clearInterval(timer);
          throw err;
        });
      const events = new SegmentEvents(client, threadId, input.agentId, input.step, ctx.info.attempt);
      const bound = bindCheckpointer(graph, saver);
      const config = {
        configurable: { thread_id: threadId },
        context,
        signal: ctx.cancellationSignal,
        durability: 'sync',
      };
      let graphSteps = 0;
      try {
        if (ctx.info.attempt > 1) events.publish({ type: 'output.reset', step: input.step, attempt: ctx.info.attempt, messageId: events.messageId });
        let snapshot = await runThrough(bound, graphInput, config, events, () => (graphSteps += 1));
        for (let pass = 0; snapshot.next.length > 0 && interruptsOf(snapshot).length === 0; pass++) {
          if (pass >= MAX_BREAKPOINT_PASSES) throw new Error('the graph keeps stopping at breakpoints without interrupts');
          snapshot = await runThrough(bound, null, config, events, () => (graphSteps += 1));
        }
        await exported;
        const checkpoint = await saver.export(threadId);
        if (!checkpoint) throw new Error('the graph saved no checkpoint');
        const bytes = Buffer.byteLength(checkpoint);
        if (bytes > agent.graph.maxCheckpointBytes) {
          throw ApplicationFailure.create({
            type: 'GRAPH_STATE_TOO_LARGE',
            nonRetryable: true,
            message:
              `The graph's checkpoint is ${bytes} bytes, over graph.maxCheckpointBytes (${agent.graph.maxCheckpointBytes}) for agent "${input.agentId}". ` +
              'It travels in workflow history, so keep large data (documents, files, big tool outputs) out of graph state: store it elsewhere and keep a reference in the state.',
          });
        }
        await events.flush();
        const interrupts = interruptsOf(snapshot);
        const approvals: GraphApprovalRequest[] = interrupts.flatMap(approvalsFor);
        const usage = events.usage.totalTokens > 0 ? { ...events.usage } : undefined;
        if (approvals.length > 0) return { status: 'interrupted', checkpoint, approvals, graphSteps, ...(usage && { usage }) };
        return { status: 'completed', checkpoint, output: graphOutput(snapshot.values), approvals: [], graphSteps, ...(usage && { usage }) };
      } catch (err) {
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('Cancelled by the run');
        if (err instanceof ApplicationFailure) throw err;
        const e = err as Error;
        throw ApplicationFailure.create({
          type: e.name === 'GraphRecursionError' ? 'GRAPH_RECURSION_LIMIT' : 'GRAPH_FAILED',
          nonRetryable: e.name === 'GraphRecursionError',
          message: `Graph of agent "${input.agentId}" failed: ${e.message ?? String(err)}`,
          cause: e,
        });
      } finally {
        clearInterval(timer);
        await events.close();
      }
    },
  };
}

/** Streams one pass of the graph, publishing what it streams; returns the state it stopped in. */
async function runThrough(
  bound: BoundGraph,
  graphInput: unknown,
  config: Record<string, unknown>,
  events: SegmentEvents,
  onStep: () => void,
) {
  const stream = await bound.stream(graphInput, { ...config, streamMode: ['updates', 'messages', 'custom'] });
  for await (const chunk of stream) {
    const [mode, data] = chunk as [string, unknown];
    if (mode === 'messages') events.message((data as [BaseMessage, unknown])[0]);
    else if (mode === 'custom') events.publish({ type: 'graph.custom', step: events.step, data: toEventJson(data) });
    else if (mode === 'updates') {
      for (const [node, update] of Object.entries(data as Record<string, unknown>)) {
        if (node === '__interrupt__') continue;
        onStep();
        events.publish({ type: 'graph.node', step: events.step, node, update: toEventJson(update) });
      }
    }
  }
  return bound.getState({ configurable: config.configurable });
}

function interruptsOf(snapshot: Awaited<ReturnType<BoundGraph['getState']>>): RaisedInterrupt[] {
  return snapshot.tasks.flatMap((task) =>
    (task.interrupts ?? []).map((i, n) => ({ id: i.id ?? `${task.id}:${n}`, value: i.value, node: task.name })),
  );
}

/** The first segment's input: the thread's earlier messages, then the run's own input. */
async function firstMessages(
  client: Client,
  execution: { workflowId: string; runId: string },
  input: RunGraphInput,
): Promise<BaseMessage[]> {
  const [earlier, own] = await Promise.all([
    input.history ? readTranscriptRef(input.history, queryTranscriptLinks(client)) : [],
    client.workflow.getHandle(execution.workflowId, execution.runId).query(transcriptQuery, { upTo: 1 }),
  ]);
  const messages = toLangChainMessages('', [...earlier, ...own]);
  return messages.length ? messages : [new HumanMessage('')];
}

/** Publishes a segment's tokens and graph events on the run's stream, and totals its token usage. */
class SegmentEvents {
  private readonly publisher: WorkflowStreamClient;
  private readonly live: LivePublisher;
  private readonly topic;
  readonly messageId: string;
  readonly usage: TokenUsage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

  constructor(
    client: Client,
    private readonly runId: string,
    private readonly agentId: string,
    readonly step: number,
    private readonly attempt: number,
  ) {
    this.publisher = WorkflowStreamClient.create(client, runId, { batchInterval: DELTA_BATCH_INTERVAL });
    this.live = new LivePublisher(client, runId);
    this.topic = this.publisher.topic<HarnessEvent>(RUN_EVENTS_TOPIC);
    this.messageId = messageIdFor(runId, step);
  }

  /** Characters of each kind published so far: where the next live delta starts (live-run-events.ts). */
  private readonly emitted = { 'output.delta': 0, 'reasoning.delta': 0 };

  publish(body: HarnessEventBody): void {
    const event = { runId: this.runId, agentId: this.agentId, at: new Date().toISOString(), ...body } as HarnessEvent;
    // Tokens and resets also go out at once on the live path (this process and the shared medium), ahead of the batches.
    if (event.type === 'output.reset') this.live.publish({ event, position: 0 });
    if (event.type === 'output.delta' || event.type === 'reasoning.delta') {
      this.live.publish({ event, position: this.emitted[event.type] });
      this.emitted[event.type] += event.text.length;
    }
    this.topic.publish(event);
  }

  /** A message (or token chunk) a model in the graph produced. */
  message(message: BaseMessage): void {
    if (message.getType() !== 'ai') return;
    const delta = { step: this.step, attempt: this.attempt, messageId: this.messageId };
    const text = typeof message.content === 'string' ? message.content : message.text;
    if (text) this.publish({ type: 'output.delta', ...delta, text });
    const reasoning = message.additional_kwargs?.reasoning_content;
    if (typeof reasoning === 'string' && reasoning) this.publish({ type: 'reasoning.delta', ...delta, text: reasoning });
    const u = (message as AIMessage).usage_metadata;
    if (u) {
      this.usage.inputTokens += u.input_tokens;
      this.usage.outputTokens += u.output_tokens;
      this.usage.totalTokens += u.total_tokens;
    }
  }

  async flush(): Promise<void> {
    await this.publisher.flush();
  }

  async close(): Promise<void> {
    this.live.close();
    await this.publisher[Symbol.asyncDispose]().catch(() => undefined);
  }
}
