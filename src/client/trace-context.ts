/**
 * The caller's trace context, carried into the workflow calls a harness client makes: a run started
 * inside the caller's span gets its `invoke_agent` span as a child of it, and a decision sent inside
 * one gets its `HandleUpdate` / `HandleSignal` span there. Workers export those spans only when
 * tracing is on (see docs/observability.md); without tracing the header is carried and ignored.
 *
 * Where the context comes from, first found wins:
 * 1. a `traceparent` the caller hands over explicitly ({@link withCallerTrace}: the HTTP API does
 *    this with the request's W3C `traceparent` / `tracestate` headers, so a browser's or gateway's
 *    trace continues into the run without an OpenTelemetry SDK in the `harness serve` process);
 * 2. the active OpenTelemetry span of the calling code (an app with an OpenTelemetry SDK).
 *
 * The header is W3C trace context whatever the app's own propagator is, because that is what the
 * workflow side reads (Temporal's OpenTelemetry interceptors install a W3C propagator in the
 * sandbox). Nothing is added when there is no valid context, so an untraced caller's decision still
 * joins the run's trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, context, defaultTextMapGetter, defaultTextMapSetter, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type {
  Next,
  WorkflowClientInterceptor,
  WorkflowSignalInput,
  WorkflowSignalWithStartInput,
  WorkflowStartInput,
  WorkflowStartOutput,
  WorkflowStartUpdateInput,
  WorkflowStartUpdateOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { defaultPayloadConverter, type Headers } from '@temporalio/common';
import { TRACE_HEADER } from '@temporalio/interceptors-opentelemetry-v2/lib/instrumentation.js';

/** W3C trace context as HTTP carries it. */
export interface TraceCarrier {
  /** `00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>`. */
  traceparent: string;
  /** Vendor state; dropped when longer than {@link MAX_TRACESTATE_CHARS}. */
  tracestate?: string;
}

/** The longest `tracestate` carried into history (W3C: 32 list members; 512 is its advice to keep). */
export const MAX_TRACESTATE_CHARS = 512;

const w3c = new W3CTraceContextPropagator();
const explicit = new AsyncLocalStorage<TraceCarrier | undefined>();

/**
 * Runs `fn` with `carrier` as the trace context of every workflow call a harness client makes in it
 * (starts, decisions, messages), ahead of any active OpenTelemetry span. A malformed `traceparent`
 * is ignored (tracing never fails a request); `undefined` runs `fn` as is.
 * @example
 * await withCallerTrace({ traceparent: req.header('traceparent')! }, () => client.startRun({ agentId: 'support', input }));
 */
export function withCallerTrace<T>(carrier: TraceCarrier | undefined, fn: () => T): T {
  const valid = carrier && normalized(carrier);
  return valid ? explicit.run(valid, fn) : fn();
}

/**
 * A carrier from HTTP's `traceparent` / `tracestate` header values, or undefined without a
 * `traceparent` (whether it is well-formed is {@link withCallerTrace}'s to check).
 */
export function traceCarrierOf(traceparent: string | undefined, tracestate: string | undefined): TraceCarrier | undefined {
  if (traceparent === undefined) return undefined;
  return { traceparent, ...(tracestate !== undefined && { tracestate }) };
}

/** The W3C carrier for the current call, or undefined when there is no valid trace context. */
export function currentTraceCarrier(): TraceCarrier | undefined {
  return explicit.getStore() ?? carrierOf(context.active());
}

/** `carrier` parsed and written back (so only a well-formed context reaches history), or undefined. */
function normalized(carrier: TraceCarrier): TraceCarrier | undefined {
  const fields: Record<string, string> = { traceparent: carrier.traceparent };
  if (carrier.tracestate !== undefined && carrier.tracestate.length <= MAX_TRACESTATE_CHARS) fields.tracestate = carrier.tracestate;
  return carrierOf(w3c.extract(ROOT_CONTEXT, fields, defaultTextMapGetter));
}

function carrierOf(ctx: Context): TraceCarrier | undefined {
  const span = trace.getSpanContext(ctx);
  if (!span || !isSpanContextValid(span)) return undefined;
  const fields: Record<string, string> = {};
  w3c.inject(ctx, fields, defaultTextMapSetter);
  if (fields.traceparent === undefined) return undefined;
  const tracestate = fields.tracestate !== undefined && fields.tracestate.length <= MAX_TRACESTATE_CHARS ? fields.tracestate : undefined;
  return { traceparent: fields.traceparent, ...(tracestate && { tracestate }) };
}

/** `headers` with the current trace context added, or as they are without one. */
function withTrace(headers: Headers): Headers {
  const carrier = currentTraceCarrier();
  return carrier ? { ...headers, [TRACE_HEADER]: defaultPayloadConverter.toPayload(carrier) } : headers;
}

/**
 * The client interceptor that adds the trace header to run starts, updates and signals (not to
 * queries: no workflow span records them). Every client a harness process builds installs it.
 */
export class TraceContextInterceptor implements WorkflowClientInterceptor {
  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    return next({ ...input, headers: withTrace(input.headers) });
  }

  signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    return next({ ...input, headers: withTrace(input.headers) });
  }

  signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    return next({ ...input, headers: withTrace(input.headers) });
  }

  startUpdate(input: WorkflowStartUpdateInput, next: Next<WorkflowClientInterceptor, 'startUpdate'>): Promise<WorkflowStartUpdateOutput> {
    return next({ ...input, headers: withTrace(input.headers) });
  }

  startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    const headers = withTrace(input.workflowStartHeaders);
    return next({ ...input, workflowStartHeaders: headers, updateHeaders: withTrace(input.updateHeaders) });
  }
}

/** The workflow-client interceptors of every client a harness process builds. */
export function harnessClientInterceptors(): { workflow: WorkflowClientInterceptor[] } {
  return { workflow: [new TraceContextInterceptor()] };
}
