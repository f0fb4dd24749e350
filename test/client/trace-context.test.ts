import { ROOT_CONTEXT, TraceFlags, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TRACESTATE_CHARS, currentTraceCarrier, traceCarrierOf, withCallerTrace } from '../../src/client/trace-context.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const PARENT = `00-${TRACE}-${SPAN}-01`;

describe('the caller trace context a harness client carries', () => {
  beforeAll(() => void context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable()));
  afterAll(() => context.disable());

  it('is none without a traceparent or an active span', () => {
    expect(currentTraceCarrier()).toBeUndefined();
    expect(traceCarrierOf(undefined, 'a=1')).toBeUndefined();
    expect(withCallerTrace(undefined, () => currentTraceCarrier())).toBeUndefined();
  });

  it('takes a well-formed traceparent and its tracestate, across awaits', async () => {
    const seen = await withCallerTrace({ traceparent: PARENT, tracestate: 'vendor=1' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return currentTraceCarrier();
    });
    expect(seen).toEqual({ traceparent: PARENT, tracestate: 'vendor=1' });
  });

  it('ignores a malformed traceparent (an all-zero trace id, not hex, too short) and drops an over-long tracestate', () => {
    for (const traceparent of [`00-${'0'.repeat(32)}-${SPAN}-01`, `00-${'z'.repeat(32)}-${SPAN}-01`, '00-abc', 'x'.repeat(10_000)]) {
      expect(withCallerTrace({ traceparent }, () => currentTraceCarrier()), traceparent.slice(0, 40)).toBeUndefined();
    }
    const long = `a=${'b'.repeat(MAX_TRACESTATE_CHARS)}`;
    expect(withCallerTrace({ traceparent: PARENT, tracestate: long }, () => currentTraceCarrier())).toEqual({ traceparent: PARENT });
  });

  it('uses the active OpenTelemetry span when no traceparent is handed over, and a handed-over one first', () => {
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    context.with(active, () => {
      expect(currentTraceCarrier()).toEqual({ traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` });
      expect(withCallerTrace({ traceparent: PARENT }, () => currentTraceCarrier())).toEqual({ traceparent: PARENT });
    });
  });
});
