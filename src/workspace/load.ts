/**
 * Reads, validates and resolves a workspace file. Every problem is reported at once with its
 * path inside the file, and a worker refuses to start on any of them.
 */
import { ASK_HUMAN_TOOL } from '../workflows/run/contract.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { LineCounter, parseDocument } from 'yaml';
import { MemoryService } from '../memory/memory-service.js';
import { MEMORY_TOOL_NAMES, createMemoryTools } from '../memory/memory-tools.js';
import { WorkspaceError, formatPath, type WorkspaceIssue } from './errors.js';
import { workspaceSchema, type AgentConfig, type WorkspaceConfig } from './schema.js';
import { checkRoutingAndPolicyReferences } from './routing-policy-references.js';
import { agentToolNames, checkSubAgentReferences } from './sub-agent-references.js';
import { importTools } from './tools-module.js';
import { clientTools } from './client-tools.js';
import { importGraph, type GraphExport } from './graph-module.js';
import { MCP_PREFIX, checkMcpReferences } from './mcp-references.js';
import { checkLocalTools } from './per-tool.js';
import { checkLocalModels } from './local-model.js';

/** Default workspace file name, looked up in the current directory. */
export const DEFAULT_WORKSPACE_FILE = 'harness.yaml';

/** A validated workspace with its tools loaded. */
export interface Workspace {
  /** Absolute path of the file it came from. */
  file: string;
  config: WorkspaceConfig;
  agents: ReadonlyMap<string, AgentConfig>;
  tools: ReadonlyMap<string, StructuredToolInterface>;
  /**
   * Long-term memory, when the file has a `memory` section. It connects to its store on first
   * use; a process that opened it should `close()` it when done.
   */
  memory?: MemoryService;
  /** The loaded graphs of `execution: graph` agents, by agent id. */
  graphs: ReadonlyMap<string, GraphExport>;
}

/**
 * Which workspace file to use: the explicit path, else `HARNESS_WORKSPACE`, else `./harness.yaml`.
 */
export function resolveWorkspacePath(explicit?: string, cwd: string = process.cwd()): string {
  return resolve(cwd, explicit ?? process.env.HARNESS_WORKSPACE ?? DEFAULT_WORKSPACE_FILE);
}

/**
 * Loads and validates a workspace file, including its tools module.
 * @throws {WorkspaceError} with every problem found, each with its path in the file.
 * @example
 * const ws = await loadWorkspace('harness.yaml');
 * ws.agents.get('support');
 */
export async function loadWorkspace(path?: string): Promise<Workspace> {
  const file = resolveWorkspacePath(path);
  if (!existsSync(file)) {
    throw new WorkspaceError('WORKSPACE_NOT_FOUND', file, [
      {
        path: '',
        message: `file not found. Create it (see the README's "Workspace file" section), or name another file (HARNESS_WORKSPACE).`,
      },
    ]);
  }
  const config = parseWorkspaceText(readFileSync(file, 'utf8'), file);
  const tools = await loadToolsFor(config, file);
  const issues = checkMemoryToolNames(config, tools);
  const memory = config.memory
    ? new MemoryService(config.memory, { baseDir: dirname(file), agents: new Map(config.agents.map((a) => [a.id, a.memory])) })
    : undefined;
  // Built-in tools join the module's: agents list them under `tools` like any other.
  if (memory && !issues.length) for (const t of createMemoryTools(memory)) tools.set(t.name, t);
  issues.push(...checkReferences(config, tools));
  issues.push(...checkLocalTools(config, new Set(tools.keys())));
  issues.push(...checkLocalModels(config));
  if (issues.length) throw new WorkspaceError('WORKSPACE_INVALID', file, issues);
  const graphs = await loadGraphsFor(config, file);
  return { file, config, agents: new Map(config.agents.map((a) => [a.id, a])), tools, graphs, ...(memory && { memory }) };
}

/** Parses and schema-checks workspace YAML (no module loading, no cross-references). */
export function parseWorkspaceText(text: string, file: string): WorkspaceConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    throw new WorkspaceError(
      'WORKSPACE_YAML_SYNTAX',
      file,
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { path: `line ${pos.line}, column ${pos.col}`, message: `YAML syntax error: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  const parsed = workspaceSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new WorkspaceError(
      'WORKSPACE_INVALID',
      file,
      parsed.error.issues.flatMap((i): WorkspaceIssue[] =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((key) => ({ path: formatPath([...i.path, key]), message: unknownKeyMessage(key, i.path) }))
          : [{ path: formatPath(i.path), message: i.message }],
      ),
    );
  }
  return parsed.data;
}

/** An unknown key: which one, and what to do (at the top level, the keys a workspace file takes). */
function unknownKeyMessage(key: string, path: ReadonlyArray<PropertyKey>): string {
  const allowed = path.length === 0 ? `; a workspace file takes: ${Object.keys(workspaceSchema.shape).join(', ')}` : '';
  return `unknown key "${key}": remove it or fix its spelling${allowed}`;
}

async function loadToolsFor(config: WorkspaceConfig, file: string): Promise<Map<string, StructuredToolInterface>> {
  const client = clientTools(config.tools?.client);
  if (!config.tools?.module) return client;
  const modulePath = resolve(dirname(file), config.tools.module);
  if (!existsSync(modulePath)) {
    throw new WorkspaceError('TOOLS_MODULE_LOAD_FAILED', file, [
      { path: 'tools.module', message: `module not found: ${modulePath} (paths are relative to the workspace file)` },
    ]);
  }
  try {
    // A module tool of a client tool's name stays the module's: checkReferences reports the clash.
    return new Map([...client, ...(await importTools(modulePath))]);
  } catch (err) {
    throw new WorkspaceError(
      'TOOLS_MODULE_LOAD_FAILED',
      file,
      [{ path: 'tools.module', message: `${modulePath} failed to load: ${(err as Error).message ?? String(err)}` }],
      { cause: err },
    );
  }
}

/** A module tool may not take a built-in memory tool's name while memory is on. */
function checkMemoryToolNames(config: WorkspaceConfig, tools: ReadonlyMap<string, StructuredToolInterface>): WorkspaceIssue[] {
  if (!config.memory) return [];
  return MEMORY_TOOL_NAMES.filter((name) => tools.has(name)).map((name) => ({
    path: 'tools.module',
    message: `exports a tool named "${name}", the name of a built-in memory tool (${MEMORY_TOOL_NAMES.join(', ')}); rename it, or remove the \`memory\` section`,
  }));
}

/** Imports every graph agent's module; all problems are reported together. */
async function loadGraphsFor(config: WorkspaceConfig, file: string): Promise<Map<string, GraphExport>> {
  const graphs = new Map<string, GraphExport>();
  const issues: WorkspaceIssue[] = [];
  for (const [i, agent] of config.agents.entries()) {
    if (!agent.graph) continue;
    const modulePath = resolve(dirname(file), agent.graph.module);
    if (!existsSync(modulePath)) {
      issues.push({ path: `agents[${i}].graph.module`, message: `module not found: ${modulePath} (paths are relative to the workspace file)` });
      continue;
    }
    try {
      graphs.set(agent.id, await importGraph(modulePath, agent.graph.export));
    } catch (err) {
      issues.push({ path: `agents[${i}].graph`, message: `${modulePath}: ${(err as Error).message ?? String(err)}` });
    }
  }
  if (issues.length) throw new WorkspaceError('GRAPH_MODULE_LOAD_FAILED', file, issues);
  return graphs;
}

function checkReferences(config: WorkspaceConfig, tools: ReadonlyMap<string, StructuredToolInterface>): WorkspaceIssue[] {
  const issues: WorkspaceIssue[] = [];
  const modelIds = Object.keys(config.models);
  const toolNames = [...tools.keys()];
  for (const name of Object.keys(config.tools?.client ?? {})) {
    if (!(tools.get(name) as { clientTool?: true } | undefined)?.clientTool) {
      issues.push({ path: `tools.client.${name}`, message: `"${name}" is also exported by the tools module; rename the client tool or the module's` });
    }
  }
  const known = (names: string[]) => (names.length ? names.join(', ') : '(none)');
  const seen = new Set<string>();

  config.agents.forEach((agent, i) => {
    if (seen.has(agent.id)) issues.push({ path: `agents[${i}].id`, message: `duplicate agent id "${agent.id}"` });
    seen.add(agent.id);
    if (agent.model !== undefined && !config.models[agent.model]) {
      issues.push({ path: `agents[${i}].model`, message: `unknown model "${agent.model}"; declared models: ${known(modelIds)}` });
    }
    if (agent.memory && !config.memory) {
      issues.push({ path: `agents[${i}].memory`, message: 'needs the top-level `memory` section (store, embeddings, namespace); add it or remove this' });
    }
    if (agent.memory && agent.memory.sync !== 'off' && agent.memory.extract === 'model' && agent.model === undefined) {
      issues.push({
        path: `agents[${i}].memory.extract`,
        message: '"model" extraction asks the agent\'s `model`, and this agent has none (a graph agent); use extract: simple, or give the agent a model',
      });
    }
    agent.tools.forEach((name, j) => {
      // MCP tools are checked by checkMcpReferences, and against the servers when a worker starts.
      if (!tools.has(name) && !name.startsWith(MCP_PREFIX)) {
        const memoryHint = (MEMORY_TOOL_NAMES as readonly string[]).includes(name) && !config.memory
          ? `; "${name}" is a built-in memory tool: add a top-level \`memory\` section to enable it`
          : '';
        const hint = (config.tools?.module ? `the tools module exports: ${known(toolNames)}` : 'no `tools.module` is declared') + memoryHint;
        issues.push({ path: `agents[${i}].tools[${j}]`, message: `unknown tool "${name}"; ${hint}` });
      }
    });
    agent.requireApproval.forEach((rule, j) => {
      const name = rule.tool;
      const judge = 'judge' in rule ? rule.judge : undefined;
      if (judge && !config.models[judge.model]) {
        issues.push({ path: `agents[${i}].requireApproval[${j}].judge.model`, message: `unknown model "${judge.model}"; declared models: ${known(modelIds)}` });
      }
      if (!agentToolNames(agent).includes(name) && !name.startsWith(MCP_PREFIX)) {
        issues.push({
          path: `agents[${i}].requireApproval[${j}]`,
          message: `"${name}" is not one of this agent's tools (${known(agentToolNames(agent))}); list it under agents[${i}].tools (or subAgents) first`,
        });
      }
    });
  });

  if (config.defaultAgent !== undefined && !seen.has(config.defaultAgent)) {
    issues.push({ path: 'defaultAgent', message: `unknown agent "${config.defaultAgent}"; agents: ${known([...seen])}` });
  }

  issues.push(...checkSubAgentReferences(config.agents));
  issues.push(...checkMcpReferences(config));
  // A scripted model may call sub-agent tools too (any agent's: scripts are shared).
  const callable = new Set([...toolNames, ...config.agents.flatMap((a) => a.subAgents.map((s) => s.name)), ASK_HUMAN_TOOL]);
  for (const [modelId, model] of Object.entries(config.models)) {
    if (model.provider !== 'scripted') continue;
    model.script.forEach((rule, r) =>
      rule.turns.forEach((turn, t) =>
        turn.toolCalls?.forEach((call, c) => {
          if (!callable.has(call.name) && !call.name.startsWith(MCP_PREFIX)) {
            issues.push({
              path: `models.${modelId}.script[${r}].turns[${t}].toolCalls[${c}].name`,
              message: `unknown tool "${call.name}"; the tools module exports: ${known(toolNames)}`,
            });
          }
        }),
      ),
    );
  }
  // Policies may require approval for sub-agent tools like for any other tool.
  issues.push(...checkRoutingAndPolicyReferences({ ...config, agents: config.agents.map((a) => ({ ...a, tools: agentToolNames(a) })) }));
  return issues;
}
