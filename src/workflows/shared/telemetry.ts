/**
 * Spans and metrics the run records about itself, following the OpenTelemetry GenAI semantic
 * conventions (`chat`, `execute_tool`, the approval wait). Workflow code: spans are created
 * through `@opentelemetry/api`, which is a no-op unless the worker bundled the tracing
 * interceptors (`src/workflows/telemetry/interceptors.ts`: deterministic span ids, exported
 * through a sink only outside replay). Metrics go through the SDK's workflow `metricMeter`,
 * which records nothing during replay.
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { metricMeter } from '@temporalio/workflow';
import { costOf, type ModelPricing, type TokenUsage } from './usage.js';

/** Attribute names of the GenAI semantic conventions we set, and our own `harness.*` ones. */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentId: 'gen_ai.agent.id',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  errorType: 'error.type',
} as const;

/** The instrumentation scope of the harness's own spans. */
export const TRACER_NAME = 'temporal-harness';

const tracer = () => trace.getTracer(TRACER_NAME);

/**
 * Runs `fn` inside an active span (so activities and child runs it starts are its children) and
 * returns `fn`'s own promise: the span is closed on a side branch, never awaited on the way. An
 * extra `await` would resume the workflow a few microtasks later, and a command issued then could
 * land in another order than without tracing: a non-determinism error on replay under the other
 * bundle. `after` adds attributes from the result.
 */
export function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
  after?: (span: Span, result: T) => void,
  parent: Context = context.active(),
  acceptable?: (err: unknown) => boolean,
): Promise<T> {
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
  // Tracing off (no tracer installed, no trace to join): the span records nothing and carries no
  // context, so `fn` runs as it would under it, and nothing needs closing. Returning `fn`'s promise
  // as is spares the `.then` (each workflow promise costs the SDK a stack capture).
  if (!span.isRecording() && !trace.isSpanContextValid(span.spanContext())) return fn();
  let result: Promise<T>;
  try {
    result = context.with(trace.setSpan(parent, span), fn);
  } catch (err) {
    failed(span, err);
    span.end();
    throw err;
  }
  result.then(
    (value) => {
      after?.(span, value);
      span.end();
    },
    (err: unknown) => {
      if (!acceptable?.(err)) failed(span, err);
      span.end();
    },
  );
  return result;
}

// The error's type only, never its message: failure messages may quote inputs, and under
// encryption they are encrypted in history; a trace backend must not get them in clear.
function failed(span: Span, err: unknown): void {
  const type = (err as { type?: string })?.type ?? (err as Error)?.name ?? 'Error';
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
  span.setAttribute(ATTR.errorType, type);
}

/** Who makes a model call: the agent, its model, the step, and the model's prices when set. */
export interface ChatCall {
  agentId: string;
  modelId: string;
  step: number;
  pricing?: ModelPricing;
}

/**
 * One model call of a run: the `chat {model}` span, with its token usage. The caller counts the
 * usage in metrics with {@link recordModelUsage} (metrics are recorded with tracing off too).
 */
export function chatSpan<T extends { usage?: TokenUsage }>({ agentId, modelId, step, pricing }: ChatCall, fn: () => Promise<T>): Promise<T> {
  const attributes = { [ATTR.operation]: 'chat', [ATTR.requestModel]: modelId, [ATTR.agentName]: agentId, 'harness.step': step };
  return inSpan(`chat ${modelId}`, attributes, fn, (span, turn) => {
    if (!turn.usage) return;
    const costUsd = pricing ? costOf(turn.usage, pricing) : undefined;
    span.setAttributes({ [ATTR.inputTokens]: turn.usage.inputTokens, [ATTR.outputTokens]: turn.usage.outputTokens });
    if (costUsd !== undefined) span.setAttribute('harness.cost_usd', costUsd);
  });
}

/** Counts one model call's token usage (and cost, when the model has prices) in the workflow's metrics. */
export function recordModelUsage({ agentId, modelId, pricing }: ChatCall, usage: TokenUsage | undefined): void {
  if (!usage) return;
  recordTokens(agentId, modelId, usage, pricing ? costOf(usage, pricing) : undefined);
}

/** One tool call (or sub-agent call) of a run: the `execute_tool {tool}` span. */
export function toolSpan<T>(toolName: string, toolCallId: string, subAgent: boolean, fn: () => Promise<T>): Promise<T> {
  const attributes = {
    [ATTR.operation]: 'execute_tool',
    [ATTR.toolName]: toolName,
    [ATTR.toolCallId]: toolCallId,
    // A sub-agent is an agent offered as a tool; its own run is a child span of this one.
    [ATTR.toolType]: subAgent ? 'agent' : 'function',
  };
  return inSpan(`execute_tool ${toolName}`, attributes, fn, (span, result) => {
    if ((result as { isError?: boolean })?.isError) span.setAttribute(ATTR.errorType, 'tool_error');
  });
}

/** What an approval wait span is told when the decision comes. */
export interface ApprovalOutcome {
  decision: string;
  via: string;
  approver?: string;
  waitedMs: number;
}

/** The span of one approval wait; `end` closes it with who decided, how, and after how long. */
export interface ApprovalSpan {
  end(outcome?: ApprovalOutcome): void;
}

/**
 * Starts the `await_approval {tool}` span: the time the run waited for a person (or the deadline).
 * Not active: nothing runs inside a wait.
 */
export function approvalSpan(agentId: string, toolName: string, approvalId: string): ApprovalSpan {
  const span = tracer().startSpan(`await_approval ${toolName}`, {
    kind: SpanKind.INTERNAL,
    attributes: { [ATTR.toolName]: toolName, [ATTR.toolCallId]: approvalId, [ATTR.agentName]: agentId, 'harness.approval.id': approvalId },
  });
  return {
    end(outcome) {
      if (outcome) {
        span.setAttributes({
          'harness.approval.decision': outcome.decision,
          'harness.approval.via': outcome.via,
          'harness.approval.wait_ms': outcome.waitedMs,
          ...(outcome.approver !== undefined && { 'harness.approval.approver': outcome.approver }),
        });
        metrics().approvalWait.record(outcome.waitedMs, { agent: agentId, tool: toolName, decision: outcome.decision, via: outcome.via });
      } else {
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the run ended before a decision' });
      }
      span.end();
    },
  };
}

// Module state is per workflow: the tracing bundle is not preloaded (src/worker/bundle.ts), so the
// SDK gives each run its own instance of this module. Without tracing it stays undefined.
let runSpan: Span | undefined;

/** Called by the tracing interceptor with the run's `invoke_agent` span. */
export function setRunSpan(span: Span | undefined): void {
  runSpan = span;
}

/** Routing picked the agent: the run's span takes its name. */
export function nameRunAgent(agentId: string): void {
  if (!runSpan) return;
  runSpan.updateName(`invoke_agent ${agentId}`);
  runSpan.setAttribute(ATTR.agentName, agentId);
}

/** The run's trace id (shown in its status and first event); absent when tracing is off. */
export function runTraceId(): string | undefined {
  const ctx = runSpan?.spanContext() ?? trace.getSpan(context.active())?.spanContext();
  return ctx && trace.isSpanContextValid(ctx) ? ctx.traceId : undefined;
}

/** Counts a run that ended, by its final state. */
export function recordRunEnded(agentId: string, state: string): void {
  metrics().runsEnded.add(1, { agent: agentId, state });
}

function recordTokens(agentId: string, modelId: string, usage: TokenUsage, costUsd: number | undefined): void {
  const m = metrics();
  m.tokens.add(usage.inputTokens, { agent: agentId, model: modelId, type: 'input' });
  m.tokens.add(usage.outputTokens, { agent: agentId, model: modelId, type: 'output' });
  if (costUsd !== undefined) m.cost.record(costUsd, { agent: agentId, model: modelId });
}

/** The metric names the workflow records (on the worker's Prometheus endpoint, see docs/observability.md). */
export const WORKFLOW_METRICS = {
  runsEnded: 'harness_runs_ended',
  approvalWait: 'harness_approval_wait',
  tokens: 'harness_model_tokens',
  cost: 'harness_model_cost_usd',
} as const;

let created: ReturnType<typeof createMetrics> | undefined;
function metrics() {
  return (created ??= createMetrics());
}

function createMetrics() {
  return {
    runsEnded: metricMeter.createCounter(WORKFLOW_METRICS.runsEnded, 'runs', 'Runs that ended, by final state and agent'),
    approvalWait: metricMeter.createHistogram(WORKFLOW_METRICS.approvalWait, 'int', 'ms', 'How long approvals waited for a decision'),
    tokens: metricMeter.createCounter(WORKFLOW_METRICS.tokens, 'tokens', 'Model tokens, by agent, model and type (input/output)'),
    cost: metricMeter.createHistogram(WORKFLOW_METRICS.cost, 'float', 'USD', 'Cost of each model call in US dollars (the _sum is the total)'),
  };
}
