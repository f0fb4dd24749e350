/** Errors of the worker's telemetry setup (traces, metrics): a stable `code` and how to fix it. */
import { guardFor, HarnessError } from '../../common/errors.js';

/**
 * Codes of {@link TelemetryError}.
 * - `UNTRACED_BUNDLE`: Tracing is on (`OTEL_EXPORTER_OTLP_*` set) but the pre-built workflow bundle has no tracing interceptors.
 */
export type TelemetryErrorCode = 'UNTRACED_BUNDLE';

/** A telemetry setting the worker cannot use. */
export class TelemetryError extends HarnessError<TelemetryErrorCode> {
  override readonly name = 'TelemetryError';
}

/** Whether `err` is a {@link TelemetryError}. */
export const isTelemetryError = guardFor(TelemetryError);
