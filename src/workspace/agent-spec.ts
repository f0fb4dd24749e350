/** Turns an agent's config into the plain agent spec the workflow runs with. */
import { toJsonSchema } from '@langchain/core/utils/json_schema';
import type { AgentSpec, JudgeSettings, NotifyTarget, ToolSpec } from '../workflows/run/agent-spec.js';
import type { JudgeConfig } from './judge-schema.js';
import type { NotifyTargetConfig } from './notify-schema.js';
import type { Workspace } from './load.js';
import { askHumanToolSpec } from './ask-human-tool.js';
import { parseMcpToolName } from './mcp-references.js';
import { localModelTimeoutMs } from './local-model.js';
import { localToolTimeoutMs } from './per-tool.js';
import { subAgentDescription, subAgentInputJsonSchema } from './sub-agent-tools.js';

/** What policies add on top of an agent's own config. */
export interface SpecOverrides {
  /** Tools whose calls need approval even if the agent does not say so. */
  requireApproval?: readonly string[];
  maxSteps?: number;
  runTimeoutMs?: number;
}

/** Returns undefined when the workspace has no such agent. */
export function agentSpec(workspace: Workspace, agentId: string, overrides: SpecOverrides = {}): AgentSpec | undefined {
  const agent = workspace.agents.get(agentId);
  if (!agent) return undefined;
  const limits = workspace.config.limits;
  const toolSpec = (name: string, description: string, inputSchema: Record<string, unknown>): ToolSpec => {
    const rule =
      agent.requireApproval.find((r) => r.tool === name) ??
      (overrides.requireApproval?.some((t) => t === name || coversMcpTool(t, name)) ? { tool: name, timeout: undefined, onTimeout: 'reject' as const } : undefined);
    const timeoutMs = rule?.timeout ?? limits.approvalTimeout;
    return {
      name,
      description,
      inputSchema,
      requiresApproval: rule !== undefined,
      ...(rule && timeoutMs !== undefined && { approvalTimeoutMs: timeoutMs, onApprovalTimeout: rule.onTimeout }),
      ...(rule && 'approvers' in rule && rule.approvers && { approvers: [...new Set(rule.approvers)] }),
      ...(rule && 'rules' in rule && rule.rules?.length && { approvalRules: rule.rules }),
      ...(rule && 'grants' in rule && rule.grants && { grantScopes: [...new Set(rule.grants)] }),
      ...(rule && 'judge' in rule && rule.judge && { judge: judgeSettings(workspace, rule.judge) }),
      ...(rule && 'notify' in rule && rule.notify && { notify: rule.notify.map(notifyTarget) }),
    };
  };
  const tools: ToolSpec[] = agent.tools.map((name) => {
    const tool = workspace.tools.get(name)!;
    const spec = toolSpec(name, tool.description, toJsonSchema(tool.schema as never) as Record<string, unknown>);
    const client = workspace.config.tools?.client?.[name];
    if (client) return { ...spec, execution: 'client' as const, ...(client.output && { outputSchema: client.output }) };
    const localTimeoutMs = localToolTimeoutMs(workspace.config, name);
    return localTimeoutMs === undefined ? spec : { ...spec, execution: 'local' as const, timeoutMs: localTimeoutMs };
  });
  // Sub-agents are tools to the model; approval rules and policies name them like any tool.
  for (const sub of agent.subAgents) {
    const description = subAgentDescription(sub, workspace.agents.get(sub.agent)?.description ?? '');
    tools.push({ ...toolSpec(sub.name, description, subAgentInputJsonSchema()), subAgent: { agentId: sub.agent } });
  }
  if (agent.askHuman) tools.push(askHumanToolSpec());
  const retry = (r: typeof limits.modelRetry) => ({
    maximumAttempts: r.maximumAttempts,
    initialIntervalMs: r.initialInterval,
    backoffCoefficient: r.backoffCoefficient,
    maximumIntervalMs: r.maximumInterval,
  });
  const pricing = agent.model === undefined ? undefined : workspace.config.models[agent.model]?.pricing;
  // Only the built-in loop calls the model itself; a graph calls its own models inside its segments.
  const localModelMs = agent.model === undefined || agent.execution === 'graph' ? undefined : localModelTimeoutMs(workspace.config, agent.model);
  const graphApproval = agent.graph?.approval;
  const graphTimeoutMs = graphApproval?.timeout ?? limits.approvalTimeout;
  return {
    agentId,
    // A graph calls its own models; its segments show as `graph` in events and the UI.
    modelId: agent.model ?? 'graph',
    ...(pricing && { pricing }),
    ...(localModelMs !== undefined && { modelCall: { execution: 'local' as const, timeoutMs: localModelMs } }),
    ...(graphApproval && {
      execution: 'graph' as const,
      graph: {
        ...(graphTimeoutMs !== undefined && { approvalTimeoutMs: graphTimeoutMs, onApprovalTimeout: graphApproval.onTimeout }),
        ...(graphApproval.approvers && { approvers: [...new Set(graphApproval.approvers)] }),
      },
    }),
    tools,
    ...(agent.notify && { notify: agent.notify.map(notifyTarget) }),
    limits: {
      maxSteps: Math.min(limits.maxSteps, overrides.maxSteps ?? Infinity),
      modelCallTimeoutMs: limits.modelCallTimeout,
      toolCallTimeoutMs: limits.toolCallTimeout,
      heartbeatTimeoutMs: limits.heartbeatTimeout,
      ...(minDefined(limits.runTimeout, overrides.runTimeoutMs) !== undefined && {
        runTimeoutMs: minDefined(limits.runTimeout, overrides.runTimeoutMs),
      }),
      ...(limits.maxConcurrentRuns !== undefined && { maxConcurrentRuns: limits.maxConcurrentRuns }),
      ...(agent.graph && { graphSegmentTimeoutMs: limits.graphSegmentTimeout }),
      maxAgentDepth: limits.maxAgentDepth,
      ...(limits.continueAsNewAfterEvents !== undefined && { continueAsNewAfterEvents: limits.continueAsNewAfterEvents }),
      modelRetry: retry(limits.modelRetry),
      toolRetry: retry(limits.toolRetry),
    },
  };
}

/** A tool's judge as the workflow carries it: the model's name and limits (its instructions stay here, read by the activity). */
function judgeSettings(workspace: Workspace, judge: JudgeConfig): JudgeSettings {
  const pricing = workspace.config.models[judge.model]?.pricing;
  return {
    model: judge.model,
    timeoutMs: judge.timeout,
    maxAttempts: judge.maxAttempts,
    includeUserMessage: judge.includeUserMessage,
    ...(pricing && { pricing }),
  };
}

/** A webhook as the workflow carries it: names of env vars, never their values. */
function notifyTarget(t: NotifyTargetConfig): NotifyTarget {
  return {
    name: t.name ?? (t.url !== undefined ? new URL(t.url).host : t.urlEnv!),
    ...(t.url !== undefined ? { url: t.url } : { urlEnv: t.urlEnv! }),
    events: [...new Set(t.events)],
    format: t.format,
    ...(t.buttons && { buttons: true }),
    ...(t.secretEnv !== undefined && { secretEnv: t.secretEnv }),
    retry: {
      maximumAttempts: t.retry.maximumAttempts,
      initialIntervalMs: t.retry.initialInterval,
      backoffCoefficient: t.retry.backoffCoefficient,
      maximumIntervalMs: t.retry.maximumInterval,
    },
  };
}

/** A policy's `mcp__<server>__*` covers every tool of that server. */
function coversMcpTool(pattern: string, name: string): boolean {
  const p = parseMcpToolName(pattern);
  return p?.tool === '*' && parseMcpToolName(name)?.server === p.server;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
