/** A string only a workflow bundle with the tracing interceptors contains (the worker checks pre-built bundles for it). */
export const TRACING_BUNDLE_MARKER = 'temporal-harness:tracing-interceptors';
