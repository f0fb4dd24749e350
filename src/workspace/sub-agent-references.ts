/**
 * Checks of `subAgents:`: every entry names a declared agent other than its own, and every tool
 * name the model would see is usable and unique among that agent's tools.
 *
 * Cycles (a → b → a) are allowed on purpose: two agents that hand work to each other are a
 * legitimate design, and `limits.maxAgentDepth` bounds every chain at run time (a call past it
 * is a tool error the model sees). An agent listing itself is refused: it gains nothing a loop in
 * its own prompt would not give, and it is almost always a typo.
 */
import type { WorkspaceIssue } from './errors.js';
import type { SubAgentConfig } from './sub-agent-schema.js';

/** The parts of an agent these checks read. `AgentConfig` fits. */
export interface AgentWithSubAgents {
  id: string;
  tools: readonly string[];
  subAgents: readonly SubAgentConfig[];
}

/** Tool names a model may call; OpenAI's limit, which other providers share or exceed. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Every tool name of an agent: its own tools, then its sub-agents. */
export function agentToolNames(agent: AgentWithSubAgents): string[] {
  return [...agent.tools, ...agent.subAgents.map((s) => s.name)];
}

/**
 * Returns every problem with the agents' `subAgents` (empty when all is well), each with its path.
 * @example
 * issues.push(...checkSubAgentReferences(config.agents));
 */
export function checkSubAgentReferences(agents: readonly AgentWithSubAgents[]): WorkspaceIssue[] {
  const issues: WorkspaceIssue[] = [];
  const ids = agents.map((a) => a.id);
  agents.forEach((agent, i) => {
    const names = new Map<string, string>(agent.tools.map((t) => [t, `its tool "${t}"`]));
    agent.subAgents.forEach((sub, j) => {
      const path = `agents[${i}].subAgents[${j}]`;
      if (!ids.includes(sub.agent)) {
        issues.push({ path, message: `unknown agent "${sub.agent}"; agents: ${ids.join(', ')}` });
      } else if (sub.agent === agent.id) {
        issues.push({
          path,
          message: `agent "${agent.id}" lists itself as a sub-agent; an agent can only delegate to other agents`,
        });
      }
      if (!TOOL_NAME.test(sub.name)) {
        issues.push({
          path,
          message: `"${sub.name}" cannot be a tool name (1-64 letters, digits, "_" or "-"); give the entry a \`name\`, e.g. { agent: ${sub.agent}, name: ${sub.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)} }`,
        });
      }
      const clash = names.get(sub.name);
      if (clash) {
        issues.push({
          path,
          message: `tool name "${sub.name}" is already taken by ${clash} of agent "${agent.id}"; give this entry another \`name\`, e.g. { agent: ${sub.agent}, name: ask_${sub.agent.replace(/[^A-Za-z0-9_-]/g, '_')} }`,
        });
      } else names.set(sub.name, `its sub-agent entry subAgents[${j}]`);
    });
  });
  return issues;
}
