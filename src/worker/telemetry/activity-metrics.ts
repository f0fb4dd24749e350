/**
 * Model and tool latency, measured around each activity attempt and recorded through the
 * activity's `metricMeter` (so they reach the same Prometheus endpoint as the SDK's own metrics).
 */
import type { Context as ActivityContext } from '@temporalio/activity';
import type { MetricHistogram } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { Workspace } from '../../workspace/load.js';

/** The metric names recorded around activities. */
export const ACTIVITY_METRICS = {
  modelLatency: 'harness_model_latency',
  toolLatency: 'harness_tool_latency',
} as const;

/** An activity interceptor factory recording model and tool call latency by agent and model or tool. */
export function activityMetrics(workspace: Workspace): ActivityInterceptorsFactory {
  return (ctx) => ({ inbound: new LatencyInterceptor(ctx, workspace) });
}

class LatencyInterceptor implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly workspace: Workspace,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const target = this.target(input.args[0] as { agentId?: string; toolName?: string } | undefined);
    if (!target) return next(input);
    const started = performance.now();
    let outcome = 'ok';
    try {
      return await next(input);
    } catch (err) {
      outcome = 'error';
      throw err;
    } finally {
      // Integer milliseconds: the SDK's histograms take ints by default.
      target.histogram.record(Math.round(performance.now() - started), { ...target.tags, outcome });
    }
  }

  private target(args: { agentId?: string; toolName?: string } | undefined): { histogram: MetricHistogram; tags: Record<string, string> } | undefined {
    const { activityType } = this.ctx.info;
    const meter = this.ctx.metricMeter;
    const agent = args?.agentId ?? 'unknown';
    if (activityType === 'callModel') {
      const model = this.workspace.agents.get(agent)?.model ?? 'unknown';
      return { histogram: meter.createHistogram(ACTIVITY_METRICS.modelLatency, 'int', 'ms', 'Model call latency per attempt'), tags: { agent, model } };
    }
    if (activityType === 'callTool') {
      const tool = args?.toolName ?? 'unknown';
      return { histogram: meter.createHistogram(ACTIVITY_METRICS.toolLatency, 'int', 'ms', 'Tool call latency per attempt'), tags: { agent, tool } };
    }
    return undefined;
  }
}
