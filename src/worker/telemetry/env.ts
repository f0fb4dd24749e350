/** When the worker traces, read from the standard OpenTelemetry variables (pure: no SDK import). */

/**
 * Whether the environment asks for traces: an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and neither `OTEL_SDK_DISABLED=true` nor
 * `OTEL_TRACES_EXPORTER=none` turns them off.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return tracesEndpoint(env) !== undefined;
}

/** Where traces go when tracing is on (absent when off). */
export function tracesEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const endpoint = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT)?.trim();
  if (!endpoint) return undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none' ? undefined : endpoint;
}

/** An endpoint for a log line: scheme, host and path only (credentials or tokens in it stay out of logs). */
export function printableEndpoint(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(an endpoint that is not a URL)';
  }
}
