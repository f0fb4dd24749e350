/**
 * Message contents on spans, only when opted in with
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` (prompts, answers and tool arguments
 * often hold personal data). Set on the activity attempt's span (`RunActivity:callModel`,
 * `RunActivity:callTool`), each value as JSON cut at {@link MAX_CONTENT_CHARS}.
 */
import { trace } from '@opentelemetry/api';

/** The opt-in variable (the name other GenAI instrumentations use). */
export const CAPTURE_CONTENT_ENV = 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT';

/** The longest content attribute value, in characters. */
export const MAX_CONTENT_CHARS = 16_384;

/** Adds content attributes to the active span, when opted in and tracing. */
export function recordContent(attributes: Record<string, unknown>): void {
  if (process.env[CAPTURE_CONTENT_ENV]?.trim().toLowerCase() !== 'true') return;
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  for (const [key, value] of Object.entries(attributes)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    span.setAttribute(key, text.length > MAX_CONTENT_CHARS ? `${text.slice(0, MAX_CONTENT_CHARS)}…[truncated]` : text);
  }
}
