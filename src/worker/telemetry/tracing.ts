/**
 * Traces from the worker: OTLP/HTTP export configured by the standard `OTEL_*` variables, on only
 * when an OTLP endpoint is set. Workflow spans are made in the sandbox (deterministic ids) and reach
 * the exporter through the `exporter` sink; activity spans are made here, one per attempt.
 */
import { readFile } from 'node:fs/promises';
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { makeWorkflowExporter, OpenTelemetryActivityOutboundInterceptor } from '@temporalio/interceptors-opentelemetry-v2';
import type { WorkerOptions } from '@temporalio/worker';
import { TRACING_BUNDLE_MARKER } from '../../workflows/telemetry/marker.js';
import { ActivitySpanInterceptor } from './activity-spans.js';
import { TelemetryError } from './errors.js';

/** The `service.name` of the worker's spans unless `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` says otherwise. */
export const DEFAULT_SERVICE_NAME = 'temporal-harness';

/** The instrumentation scope of activity spans. */
const ACTIVITY_TRACER = 'temporal-harness/activities';

export { tracingEnabled } from './env.js';

/** What a tracing worker adds to `Worker.create`, and how to flush its spans on shutdown. */
export interface WorkerTracing {
  interceptors: NonNullable<WorkerOptions['interceptors']>;
  sinks: NonNullable<WorkerOptions['sinks']>;
  /** Exports the spans still buffered and stops the exporter. */
  shutdown(): Promise<void>;
}

/**
 * Sets up the exporter, the process's tracer provider (for activity spans and the content hooks),
 * and the interceptors and sink the worker needs.
 */
export function createWorkerTracing(): WorkerTracing {
  const resource = resourceFromAttributes({ 'service.name': DEFAULT_SERVICE_NAME }).merge(detectResources({ detectors: [envDetector] }));
  // OTEL_BSP_* tune the batch (e.g. OTEL_BSP_SCHEDULE_DELAY); the exporter reads OTEL_EXPORTER_OTLP_*.
  const processor: SpanProcessor = new BatchSpanProcessor(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // Global, so `trace.getActiveSpan()` in an activity finds its attempt span (message content hooks).
  provider.register();
  const tracer = provider.getTracer(ACTIVITY_TRACER);
  return {
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: new ActivitySpanInterceptor(ctx, tracer),
          // Adds trace and span ids to the activity's log lines.
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(processor, resource) },
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
    },
  };
}

/** A sink that drops workflow spans: for a tracing bundle on a worker that does not trace. */
export const DISCARDING_SINKS: NonNullable<WorkerOptions['sinks']> = {
  exporter: { export: { fn: () => undefined } },
};

/** Whether a bundle was built with the tracing interceptors. */
export async function bundleTraces(bundle: NonNullable<WorkerOptions['workflowBundle']>): Promise<boolean> {
  const code = 'code' in bundle ? bundle.code : await readFile(bundle.codePath, 'utf8');
  return code.includes(TRACING_BUNDLE_MARKER);
}

/** @throws {TelemetryError} `UNTRACED_BUNDLE` */
export function untracedBundle(): TelemetryError {
  return new TelemetryError(
    'UNTRACED_BUNDLE',
    'Tracing is on (an OTEL_EXPORTER_OTLP_* endpoint is set), but the workflow bundle was built without the tracing interceptors, ' +
      'so runs would have no spans. Build it with bundleHarnessWorkflows({ tracing: true }), let the worker bundle on start, or unset the OTLP endpoint.',
  );
}
