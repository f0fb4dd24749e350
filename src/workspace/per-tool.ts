/**
 * Per-tool settings (`tools.perTool.<name>` in the workspace file): how much of a result the model
 * gets, and whether the tool runs as a Temporal local activity (`local: true`).
 *
 * A local tool's call runs inside the run's workflow task, on the worker that runs the workflow:
 * no activity task, no round trip through the server to schedule and complete it, only a marker
 * in history with its result. The price: no pending-activity row while it runs, Stop (cancel) and
 * decisions wait for the call to end, and a worker that dies mid-call costs the workflow task
 * timeout before another worker retries it. Hence only short, side-effect-free module tools
 * (pure lookups) may be local, with a short timeout.
 */
import { z } from 'zod';
import { MEMORY_TOOL_NAMES } from '../memory/memory-tools.js';
import { ASK_HUMAN_TOOL } from '../workflows/run/contract.js';
import type { WorkspaceIssue } from './errors.js';
import { MCP_PREFIX } from './mcp-references.js';
import { duration } from './schema-primitives.js';
import type { WorkspaceConfig } from './schema.js';

/**
 * Longest timeout of a local tool (and its default). A workflow task times out after 10 s by
 * default; the SDK keeps a task whose local activities run longer alive by heartbeating it (a
 * workflow task completion per ~8 s), and a worker that dies mid-call is noticed only when that
 * timeout passes. 5 s keeps one attempt well inside one workflow task: a call that may take
 * longer is a regular tool.
 */
export const LOCAL_TOOL_MAX_TIMEOUT_MS = 5_000;

/** Most characters of a tool result a model gets (a longer one is cut, with a marker; the whole is kept by reference). */
export const maxResultChars = z.number().int().min(100).max(10_000_000);

/** One entry of `tools.perTool`. */
export const perToolSchema = z
  .strictObject({
    maxResultChars: maxResultChars.optional(),
    /**
     * Run the tool's calls as Temporal local activities (in the workflow task, no activity task).
     * Only for short, side-effect-free tools from `tools.module`.
     * @default false
     */
    local: z.boolean().default(false),
    /**
     * A local tool's timeout per attempt (retries follow `limits.toolRetry`).
     * @default 5s, the most allowed
     */
    timeout: duration.optional(),
  })
  .superRefine((t, ctx) => {
    if (t.timeout !== undefined && !t.local) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: 'a per-tool `timeout` is for local tools (`local: true`); a regular tool call is bounded by limits.toolCallTimeout',
      });
    }
    if (t.timeout !== undefined && t.timeout > LOCAL_TOOL_MAX_TIMEOUT_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['timeout'],
        message: `a local tool's timeout is at most ${LOCAL_TOOL_MAX_TIMEOUT_MS / 1000}s: its call holds the run's workflow task, so Stop and decisions wait for it and a crashed worker's call is retried only after the workflow task timeout. Shorten it, or remove \`local: true\` to run the tool as a regular activity`,
      });
    }
  });

/** A local tool's timeout per attempt, in milliseconds, or undefined when the tool is not local. */
export function localToolTimeoutMs(config: WorkspaceConfig, name: string): number | undefined {
  const t = config.tools?.perTool?.[name];
  return t?.local ? (t.timeout ?? LOCAL_TOOL_MAX_TIMEOUT_MS) : undefined;
}

/**
 * Which tools cannot be local: only a tool the tools module exports runs in the worker's process
 * like a pure function. `toolNames` are the module's tools (and client and memory tools).
 */
export function checkLocalTools(config: WorkspaceConfig, toolNames: ReadonlySet<string>): WorkspaceIssue[] {
  const issues: WorkspaceIssue[] = [];
  const subAgents = new Set(config.agents.flatMap((a) => a.subAgents.map((s) => s.name)));
  for (const [name, settings] of Object.entries(config.tools?.perTool ?? {})) {
    if (!settings.local) continue;
    const why = notLocalReason(config, name, toolNames, subAgents);
    if (why) issues.push({ path: `tools.perTool.${name}.local`, message: `"${name}" cannot be local: ${why}` });
  }
  return issues;
}

function notLocalReason(config: WorkspaceConfig, name: string, toolNames: ReadonlySet<string>, subAgents: ReadonlySet<string>): string | undefined {
  const regular = 'only tools of `tools.module` can be local; remove `local: true`';
  if (name.startsWith(MCP_PREFIX)) return `an MCP tool calls its server over the network; ${regular}`;
  if (config.tools?.client?.[name]) return `a client tool's result comes from the caller's app, no worker runs it; ${regular}`;
  if (name === ASK_HUMAN_TOOL) return `ask_human waits for a person; ${regular}`;
  if (subAgents.has(name)) return `a sub-agent tool starts a child run; ${regular}`;
  if ((MEMORY_TOOL_NAMES as readonly string[]).includes(name) && config.memory) {
    return `a built-in memory tool calls its store and embedding model; ${regular}`;
  }
  if (!toolNames.has(name)) {
    const graphs = config.agents.some((a) => a.execution === 'graph') ? "; a graph agent's tools run inside its graph and cannot be local" : '';
    return `no such tool (${config.tools?.module ? 'the tools module does not export it' : 'no `tools.module` is declared'})${graphs}`;
  }
  return undefined;
}
