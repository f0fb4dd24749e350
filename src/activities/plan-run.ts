/**
 * The `planRun` activity: a run's plan, that is routing (which agent) and policy (may it run, with
 * which limits), decided once so the verdict is recorded in history: a replay or a retry of later
 * steps never re-asks the router or re-reads the policies. The workflow runs it as a local activity.
 */
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ApplicationFailure } from '@temporalio/activity';
import { createChatModel } from '../models/create-chat-model.js';
import { classifyModelError } from '../models/model-errors.js';
import type { AgentSpec } from '../workflows/run/agent-spec.js';
import type { PolicyOutcome, RoutingDecision } from '../workflows/run/contract.js';
import { agentSpec } from '../workspace/agent-spec.js';
import { credentialEnvVars } from '../models/providers/credentials.js';
import type { Workspace } from '../workspace/load.js';
import { evaluatePolicies } from '../workspace/policy.js';
import { buildRouterPrompt, parseRouterAnswer, routeByRules } from '../workspace/routing.js';

/** Input of `planRun`. */
export interface PlanRunInput {
  requestedAgentId?: string;
  input: string;
  context?: Record<string, unknown>;
  /** Sizes of the run's files, for the inline-size limit. */
  files?: { name: string; size: number; inline: boolean }[];
}

/** A run's plan: routing and the policy verdict; `agent` is absent when a policy refused the run. */
export interface RunPlan {
  routing: RoutingDecision;
  policy: PolicyOutcome;
  /** The selected agent as the run executes it, with the policies' overrides applied. */
  agent?: AgentSpec;
  /**
   * How long planning took, on the activity's own clock. Recorded with the plan, so the workflow
   * can time the events it publishes on the plan's arrival the same way live and on replay.
   */
  tookMs: number;
}

export function createPlanActivities(workspace: Workspace) {
  return {
    async planRun(planInput: PlanRunInput): Promise<RunPlan> {
      const startedAt = performance.now();
      const routing = await route(workspace, planInput.requestedAgentId, planInput.input);
      return { ...applyPolicies(workspace, routing, planInput), tookMs: Math.round(performance.now() - startedAt) };
    },
  };
}

/**
 * The plan `planRun` would make, made at once where the workspace is at hand (the worker's own
 * process: `HarnessWorker.client()`), so the run's first workflow task need not run the local
 * activity. Undefined when planning needs a router model (a model call does not belong in a start
 * call) or fails (unknown agent, no agent selected: the run then fails as it does without this).
 */
export function planWithoutModel(workspace: Workspace, planInput: PlanRunInput): RunPlan | undefined {
  let routing: RoutingDecision | undefined;
  try {
    routing = routeWithoutModel(workspace, planInput.requestedAgentId, planInput.input);
  } catch {
    return undefined;
  }
  return routing && { ...applyPolicies(workspace, routing, planInput), tookMs: 0 };
}

/** The policy verdict on the routed agent, and the agent spec the run executes when allowed. */
function applyPolicies(workspace: Workspace, routing: RoutingDecision, { input, context, files = [] }: PlanRunInput): Omit<RunPlan, 'tookMs'> {
  const agent = workspace.agents.get(routing.selectedAgentId)!;
  const verdict = evaluatePolicies({
    policies: workspace.config.policies,
    agentId: agent.id,
    agentEnabled: agent.enabled,
    input,
    context: context ?? {},
    ...(workspace.config.limits.maxInputChars !== undefined && { maxInputChars: workspace.config.limits.maxInputChars }),
  });
  const maxInline = workspace.config.limits.maxInlineFileBytes;
  const fileReasons = files
    .filter((f) => f.inline && f.size > maxInline)
    .map((f) => `file "${f.name}" is ${f.size} bytes inline, over limits.maxInlineFileBytes (${maxInline}); pass it by path or URL instead`);
  const reasons = [...verdict.reasons, ...fileReasons];
  const policy = { allowed: reasons.length === 0, reasons, matchedPolicies: verdict.matchedPolicies };
  if (!policy.allowed) return { routing, policy };
  const spec = agentSpec(workspace, agent.id, { requireApproval: verdict.requireApproval, ...verdict.limits });
  return { routing, policy, agent: spec! };
}

async function route(workspace: Workspace, requested: string | undefined, input: string): Promise<RoutingDecision> {
  const local = routeWithoutModel(workspace, requested, input);
  if (local) return local;
  // Only a workspace with a router model gets here.
  const router = workspace.config.routing!.router!;
  const answer = await askRouter(workspace, router.model, router.agents, input);
  if ('agentId' in answer) return decided('router', answer.agentId, `router model "${router.model}": ${answer.reason}`);
  return fallback(workspace, `the router model's answer was unusable (${answer.error}); `);
}

function decided(via: RoutingDecision['via'], agentId: string, reason: string): RoutingDecision {
  return { requestedAgentId: 'auto', selectedAgentId: agentId, via, reason };
}

/** The default agent, or the run cannot be routed. */
function fallback(workspace: Workspace, routerProblem: string): RoutingDecision {
  const { defaultAgent } = workspace.config;
  if (defaultAgent !== undefined) return decided('default', defaultAgent, `${routerProblem}no routing rule matched; defaultAgent`);
  throw ApplicationFailure.create({
    type: 'NO_AGENT_SELECTED',
    nonRetryable: true,
    message: `No agent for this run: ${routerProblem}it names none and no routing rule matched. Name an agent when starting the run (agentId), or set defaultAgent or routing in ${workspace.file}.`,
  });
}

/** Routing by name, rule or default; undefined when the router model must be asked. */
function routeWithoutModel(workspace: Workspace, requested: string | undefined, input: string): RoutingDecision | undefined {
  const agents = [...workspace.agents.keys()];
  if (requested !== undefined && requested !== 'auto') {
    if (!workspace.agents.has(requested)) {
      throw ApplicationFailure.create({
        type: 'UNKNOWN_AGENT',
        nonRetryable: true,
        message: `Unknown agent "${requested}". Agents in ${workspace.file}: ${agents.join(', ')} (or "auto" to route).`,
      });
    }
    return { requestedAgentId: requested, selectedAgentId: requested, via: 'explicit', reason: 'named by the caller' };
  }
  const { routing } = workspace.config;
  const byRule = routeByRules(routing?.rules ?? [], input);
  if (byRule) return decided('rule', byRule.agentId, byRule.reason);
  if (routing?.router) return undefined;
  return fallback(workspace, '');
}

async function askRouter(
  workspace: Workspace,
  modelId: string,
  only: readonly string[] | undefined,
  input: string,
): Promise<{ agentId: string; reason: string } | { error: string }> {
  const candidates = [...workspace.agents.values()]
    .filter((a) => (only ? only.includes(a.id) : a.description !== ''))
    .map((a) => ({ id: a.id, description: a.description }));
  try {
    const model = await createChatModel(modelId, workspace.config.models[modelId]!);
    const answer = await model.invoke([new SystemMessage(buildRouterPrompt(candidates)), new HumanMessage(input)]);
    return parseRouterAnswer(answer.text, candidates.map((c) => c.id));
  } catch (err) {
    const c = classifyModelError(modelId, err, credentialEnvVars(workspace.config.models[modelId]));
    throw ApplicationFailure.create({ type: c.type, message: `Router: ${c.message}`, nonRetryable: !c.retryable, cause: err as Error });
  }
}
