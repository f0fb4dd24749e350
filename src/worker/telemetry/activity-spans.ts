/**
 * The span of each activity attempt (`RunActivity:<type>`), child of the workflow's
 * `StartActivity` span through the headers. Like Temporal's own interceptor, but a failure is
 * recorded by its type only: failure messages may quote inputs and are encrypted in history under
 * `HARNESS_ENCRYPTION_KEY`, so they must not reach a trace backend in clear.
 */
import { SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { Context as ActivityContext } from '@temporalio/activity';
import { CompleteAsyncError } from '@temporalio/common';
import {
  ACTIVITY_ID_ATTR_KEY,
  extractContextFromHeaders,
  RUN_ID_ATTR_KEY,
  WORKFLOW_ID_ATTR_KEY,
} from '@temporalio/interceptors-opentelemetry-v2/lib/instrumentation.js';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';

/** The attribute of an activity attempt's span that numbers the attempt (1 = first). */
export const ATTEMPT_ATTRIBUTE = 'temporal.activity.attempt';

/** Wraps each activity attempt in a span (see the module comment). */
export class ActivitySpanInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly tracer: Tracer,
  ) {}

  execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { info } = this.ctx;
    const attributes = {
      [ACTIVITY_ID_ATTR_KEY]: info.activityId,
      [ATTEMPT_ATTRIBUTE]: info.attempt,
      ...(info.workflowExecution && { [WORKFLOW_ID_ATTR_KEY]: info.workflowExecution.workflowId, [RUN_ID_ATTR_KEY]: info.workflowExecution.runId }),
    };
    const parent = extractContextFromHeaders(input.headers);
    const run = async (span: Span) => {
      try {
        const result = await next(input);
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (err) {
        if (!(err instanceof CompleteAsyncError)) {
          const type = (err as { type?: string })?.type ?? (err as Error)?.name ?? 'Error';
          span.setStatus({ code: SpanStatusCode.ERROR, message: type });
          span.setAttribute('error.type', type);
        }
        throw err;
      } finally {
        span.end();
      }
    };
    const name = `RunActivity:${info.activityType}`;
    return parent ? this.tracer.startActiveSpan(name, { attributes }, parent, run) : this.tracer.startActiveSpan(name, { attributes }, run);
  }
}
