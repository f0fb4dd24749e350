/**
 * The workflow interceptor module bundled when tracing is on (`bundleHarnessWorkflows({ tracing:
 * true })`): Temporal's replay-safe OpenTelemetry interceptors (span ids from a named workflow
 * random stream; spans leave the sandbox through a sink that is not called during replay), plus the
 * run's `invoke_agent` span. Not a workflow: only interceptors.
 *
 * Two of Temporal's spans are left out on purpose: queries and update validators run outside
 * history (never on replay), so a span there would draw ids from the random stream on the first
 * execution only, and every later span id would differ after a replay (orphaned activity spans).
 */
import {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry-v2/lib/workflow/index.js';
import { context, trace, type Context } from '@opentelemetry/api';
import {
  workflowInfo,
  type Next,
  type QueryInput,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
} from '@temporalio/workflow';
import { AGENT_RUN_WORKFLOW, type AgentRunInput } from '../run/contract.js';
import { ATTR, inSpan, setRunSpan } from '../shared/telemetry.js';
import { TRACING_BUNDLE_MARKER } from './marker.js';


const TRACE_HEADER = '_tracer-data';

class HarnessInboundInterceptor extends OpenTelemetryInboundInterceptor {
  /** The context of the run's own span, for handler spans whose caller sent no trace context. */
  private runContext: Context | undefined;

  override execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    return super.execute(input, (i) => {
      this.runContext = context.active();
      return workflowInfo().workflowType === AGENT_RUN_WORKFLOW ? invokeAgent(i, next) : next(i);
    });
  }

  override handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return this.withinRun(input.headers, () => super.handleSignal(input, next));
  }

  override handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return this.withinRun(input.headers, () => super.handleUpdate(input, next));
  }

  override validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    next(input);
  }

  override handleQuery(input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>): Promise<unknown> {
    return next(input);
  }

  /** A decision sent without trace context joins the run's trace instead of starting a trace of its own. */
  private withinRun<T>(headers: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    if (headers[TRACE_HEADER] !== undefined || !this.runContext) return fn();
    return context.with(this.runContext, fn);
  }
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
  return inSpan(`invoke_agent ${agentId}`, attributes, () => {
    setRunSpan(trace.getSpan(context.active()));
    return next(input);
  });
}

/** The interceptors of every workflow in a tracing bundle. */
export const interceptors = (): WorkflowInterceptors => ({
  inbound: [new HarnessInboundInterceptor()],
  outbound: [new OpenTelemetryOutboundInterceptor()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});

// Keeps the marker in the bundle's code (webpack drops unused exports' strings otherwise).
(globalThis as { __harnessTracing?: string }).__harnessTracing = TRACING_BUNDLE_MARKER;
