/** When the worker traces, and what it records of message contents (nothing unless opted in). */
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CAPTURE_CONTENT_ENV, MAX_CONTENT_CHARS, recordContent } from '../../src/activities/content-capture.js';
import { printableEndpoint, tracingEnabled } from '../../src/worker/telemetry/env.js';
import { bundleTraces } from '../../src/worker/telemetry/tracing.js';
import { TRACING_BUNDLE_MARKER } from '../../src/workflows/telemetry/marker.js';

describe('tracingEnabled', () => {
  it('is on only with an OTLP endpoint, and the standard switches turn it off', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });

  it('prints an endpoint without the credentials or tokens it may carry', () => {
    expect(printableEndpoint('https://user:secret@collector.example:4318/otlp?token=abc')).toBe('https://collector.example:4318/otlp');
    expect(printableEndpoint('http://localhost:4318')).toBe('http://localhost:4318');
  });

  it('tells a tracing bundle from a plain one', async () => {
    expect(await bundleTraces({ code: `var x = "${TRACING_BUNDLE_MARKER}";` })).toBe(true);
    expect(await bundleTraces({ code: 'var x = 1;' })).toBe(false);
  });
});

describe('recordContent', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(() => {
    context.disable();
    vi.unstubAllEnvs();
  });

  const withSpan = (fn: () => void) => provider.getTracer('t').startActiveSpan('s', (span) => (fn(), span.end()));
  const lastAttributes = () => exporter.getFinishedSpans().at(-1)!.attributes;

  it('records nothing unless opted in', () => {
    vi.stubEnv(CAPTURE_CONTENT_ENV, '');
    withSpan(() => recordContent({ 'gen_ai.input.messages': [{ role: 'user', content: 'my card is 4111' }] }));
    expect(lastAttributes()).toEqual({});
  });

  it('records JSON, cut at the limit, when opted in', () => {
    vi.stubEnv(CAPTURE_CONTENT_ENV, 'true');
    withSpan(() => recordContent({ 'gen_ai.tool.call.arguments': { a: 1 }, 'gen_ai.tool.call.result': 'x'.repeat(MAX_CONTENT_CHARS + 10) }));
    expect(lastAttributes()['gen_ai.tool.call.arguments']).toBe('{"a":1}');
    expect(lastAttributes()['gen_ai.tool.call.result']).toBe(`${'x'.repeat(MAX_CONTENT_CHARS)}…[truncated]`);
  });
});
