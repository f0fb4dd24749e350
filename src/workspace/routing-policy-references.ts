/**
 * Cross-reference checks for `routing:` and `policies:`: every id they name must exist. Kept apart
 * from `load.ts` so both sections can be checked (and tested) without loading a tools module.
 */
import { agentListsMcpTool } from './mcp-references.js';
import type { WorkspaceIssue } from './errors.js';
import type { Policy } from './policy-schema.js';
import type { Routing } from './routing-schema.js';

/** The parts of a parsed workspace these checks read. `WorkspaceConfig` fits. */
export interface RoutingPolicyReferenceConfig {
  /**
   * `description` is optional here so callers can pass minimal agents; when present, router
   * candidates without one are reported, since the router chooses by descriptions alone.
   */
  agents: ReadonlyArray<{ id: string; tools: readonly string[]; description?: string }>;
  models: Readonly<Record<string, unknown>>;
  routing?: Routing;
  policies?: readonly Policy[];
}

/**
 * Checks the agents, models and tools that `routing:` and `policies:` name, and that policy ids
 * are unique. Returns every problem found (empty when all is well), each with its path in the file.
 * @example
 * const issues = checkRoutingAndPolicyReferences(config);
 * if (issues.length) throw new WorkspaceError('WORKSPACE_INVALID', file, issues);
 */
export function checkRoutingAndPolicyReferences(config: RoutingPolicyReferenceConfig): WorkspaceIssue[] {
  return [...checkRouting(config), ...checkPolicies(config)];
}

const known = (names: readonly string[]) => (names.length ? names.join(', ') : '(none)');

function checkRouting({ agents, models, routing }: RoutingPolicyReferenceConfig): WorkspaceIssue[] {
  if (!routing) return [];
  const issues: WorkspaceIssue[] = [];
  const agentIds = agents.map((a) => a.id);
  const unknownAgent = (path: string, id: string) =>
    issues.push({ path, message: `unknown agent "${id}"; agents: ${known(agentIds)}` });

  routing.rules.forEach((rule, i) => {
    if (!agentIds.includes(rule.agent)) unknownAgent(`routing.rules[${i}].agent`, rule.agent);
  });

  const router = routing.router;
  if (!router) return issues;
  if (!Object.hasOwn(models, router.model)) {
    issues.push({
      path: 'routing.router.model',
      message: `unknown model "${router.model}"; declared models: ${known(Object.keys(models))}`,
    });
  }
  if (router.agents) {
    router.agents.forEach((id, i) => {
      const index = agentIds.indexOf(id);
      if (index === -1) unknownAgent(`routing.router.agents[${i}]`, id);
      else if (agents[index]!.description?.trim() === '') {
        issues.push({
          path: `routing.router.agents[${i}]`,
          message: `agent "${id}" has no description, and the router chooses by descriptions alone; add agents[${index}].description`,
        });
      }
    });
  } else if (agents.length > 0 && agents.every((a) => a.description?.trim() === '')) {
    issues.push({
      path: 'routing.router',
      message: 'no agent has a description for the router to choose by; add `description` to the agents it may pick, or list them under routing.router.agents',
    });
  }
  return issues;
}

function checkPolicies({ agents, policies }: RoutingPolicyReferenceConfig): WorkspaceIssue[] {
  if (!policies) return [];
  const issues: WorkspaceIssue[] = [];
  const agentIds = agents.map((a) => a.id);
  const firstIndexOf = new Map<string, number>();

  policies.forEach((policy, p) => {
    const first = firstIndexOf.get(policy.id);
    if (first !== undefined) {
      issues.push({
        path: `policies[${p}].id`,
        message: `duplicate policy id "${policy.id}" (also policies[${first}]); policy ids must be unique so verdicts can name them`,
      });
    } else firstIndexOf.set(policy.id, p);

    policy.when?.agents?.forEach((id, i) => {
      if (!agentIds.includes(id)) {
        issues.push({ path: `policies[${p}].when.agents[${i}]`, message: `unknown agent "${id}"; agents: ${known(agentIds)}` });
      }
    });

    if (policy.effect !== 'requireApproval') return;
    // A policy limited to agents applies only to those (the unknown ones are reported above).
    const scope = policy.when?.agents ? agents.filter((a) => policy.when!.agents!.includes(a.id)) : agents;
    const scopeTools = [...new Set(scope.flatMap((a) => a.tools))];
    const scopeIds = scope.map((a) => a.id);
    policy.tools.forEach((tool, t) => {
      // An MCP tool counts when an agent lists it or its whole server (mcp__<server>__*).
      if (!scopeTools.includes(tool) && !agentListsMcpTool(scopeTools, tool)) {
        issues.push({
          path: `policies[${p}].tools[${t}]`,
          message: `"${tool}" is not a tool of any agent this policy applies to (${known(scopeIds)}); their tools: ${known(scopeTools)}`,
        });
      }
    });
  });
  return issues;
}
