/**
 * The workflow interceptor module bundled when tracing is on (`bundleHarnessWorkflows({ tracing:
 * true })`). It keeps what makes Temporal's OpenTelemetry interceptors replay-safe (the tracer they
 * install: span ids from a named workflow random stream, spans leaving the sandbox through a sink
 * that is not called during replay; trace context in headers) and adds the run's `invoke_agent`
 * span. Not a workflow: only interceptors.
 *
 * Each wrapper returns the wrapped call's own promise (see `inSpan`). Temporal's own wrappers
 * `await` it: that delays an update's completion behind the commands the update unblocks, so a run
 * started on a worker without tracing failed to replay on one with it (checked with the replay
 * fixtures). With the same promise, traced and untraced bundles issue the same commands in the same
 * order, and a fleet can turn tracing on or off with runs in flight.
 *
 * Queries and update validators get no span: they never run on replay, so a span there would draw
 * ids from the random stream on the first execution only, and every later span id would differ
 * after a replay (orphaned activity spans, seen in test/telemetry/traces.int.test.ts).
 */
import { context, trace } from '@opentelemetry/api';
import {
  extractContextFromHeaders,
  headersWithContext,
  TRACE_HEADER,
  UPDATE_ID_ATTR_KEY,
} from '@temporalio/interceptors-opentelemetry-v2/lib/instrumentation.js';
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
  SpanName,
} from '@temporalio/interceptors-opentelemetry-v2/lib/workflow/index.js';
import {
  ContinueAsNew,
  workflowInfo,
  type ActivityInput,
  type ContinueAsNewInput,
  type LocalActivityInput,
  type Next,
  type QueryInput,
  type SignalInput,
  type SignalWorkflowInput,
  type StartChildWorkflowExecutionInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import { AGENT_RUN_WORKFLOW, type AgentRunInput } from '../run/contract.js';
import { ATTR, inSpan, setRunSpan } from '../shared/telemetry.js';
import { TRACING_BUNDLE_MARKER } from './marker.js';

const isContinueAsNew = (err: unknown) => err instanceof ContinueAsNew;

// Temporal's classes are extended for the tracer and context manager they install in the sandbox.
class HarnessInboundInterceptor extends OpenTelemetryInboundInterceptor {
  override execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const name = `${SpanName.WORKFLOW_EXECUTE}:${workflowInfo().workflowType}`;
    const run = () => {
      runContext = context.active();
      return workflowInfo().workflowType === AGENT_RUN_WORKFLOW ? invokeAgent(input, next) : next(input);
    };
    return inSpan(name, {}, run, undefined, extractContextFromHeaders(input.headers), isContinueAsNew);
  }

  override handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return inSpan(`${SpanName.WORKFLOW_HANDLE_SIGNAL}:${input.signalName}`, {}, () => next(input), undefined, callerOrRun(input.headers));
  }

  override handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const attributes = { [UPDATE_ID_ATTR_KEY]: input.updateId };
    return inSpan(`${SpanName.WORKFLOW_HANDLE_UPDATE}:${input.name}`, attributes, () => next(input), undefined, callerOrRun(input.headers));
  }

  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }

  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }
}

class HarnessOutboundInterceptor extends OpenTelemetryOutboundInterceptor {
  override scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return inSpan(`${SpanName.ACTIVITY_START}:${input.activityType}`, {}, () => next({ ...input, headers: headersWithContext(input.headers) }));
  }

  override scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return inSpan(`${SpanName.ACTIVITY_START}:${input.activityType}`, {}, () => next({ ...input, headers: headersWithContext(input.headers) }));
  }

  override startChildWorkflowExecution(
    input: StartChildWorkflowExecutionInput,
    next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>,
  ): Promise<[Promise<string>, Promise<unknown>]> {
    return inSpan(`${SpanName.CHILD_WORKFLOW_START}:${input.workflowType}`, {}, () => next({ ...input, headers: headersWithContext(input.headers) }));
  }

  override continueAsNew(input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>): Promise<never> {
    const name = `${SpanName.CONTINUE_AS_NEW}:${input.options.workflowType}`;
    return inSpan(name, {}, () => next({ ...input, headers: headersWithContext(input.headers) }), undefined, context.active(), isContinueAsNew);
  }

  override signalWorkflow(input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>): Promise<void> {
    return inSpan(`${SpanName.WORKFLOW_SIGNAL}:${input.signalName}`, {}, () => next({ ...input, headers: headersWithContext(input.headers) }));
  }
}

// Module state is per workflow: the tracing bundle is not preloaded (src/worker/bundle.ts), so the
// SDK gives each run its own instance of this module.
let runContext = context.active();

/** A decision sent without trace context joins the run's trace instead of starting one of its own. */
function callerOrRun(headers: Record<string, unknown>) {
  return headers[TRACE_HEADER] !== undefined ? extractContextFromHeaders(headers as never) : runContext;
}

/** The run's `invoke_agent {agent}` span; routing renames it once it picks the agent. */
function invokeAgent(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
  const run = (input.args[0] ?? {}) as AgentRunInput;
  const agentId = run.carried?.ledger.agent.agentId ?? run.agentId ?? 'auto';
  const attributes = {
    [ATTR.operation]: 'invoke_agent',
    [ATTR.agentName]: agentId,
    'harness.run.id': workflowInfo().workflowId,
    ...(run.threadId !== undefined && { [ATTR.conversationId]: run.threadId }),
    ...(run.parent && { 'harness.parent.run.id': run.parent.workflowId }),
  };
  return inSpan(
    `invoke_agent ${agentId}`,
    attributes,
    () => {
      setRunSpan(trace.getSpan(context.active()));
      return next(input);
    },
    undefined,
    context.active(),
    isContinueAsNew,
  );
}

/** The interceptors of every workflow in a tracing bundle. */
export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new HarnessInboundInterceptor()],
  outbound: [new HarnessOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});

// Keeps the marker in the bundle's code.
(globalThis as { __harnessTracing?: string }).__harnessTracing = TRACING_BUNDLE_MARKER;
