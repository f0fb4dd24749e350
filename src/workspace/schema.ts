/**
 * The workspace file format (`harness.yaml`), as zod schemas. Parsing gives fully defaulted,
 * typed config; cross-references (agents → models, tools) are checked in `load.ts`.
 */
import { z } from 'zod';
import { approvalRulesSchema } from './approval-rule-schema.js';
import { clientToolSchema } from './client-tools.js';
import { judgeSchema } from './judge-schema.js';
import { agentMemorySchema, memorySchema } from './memory-schema.js';
import { notifySchema } from './notify-schema.js';
import { policiesSchema } from './policy-schema.js';
import { routingSchema } from './routing-schema.js';
import { duration, id } from './schema-primitives.js';
import { maxAgentDepthSchema, subAgentsSchema } from './sub-agent-schema.js';
import { mcpSchema } from './mcp-schema.js';
import { modelSchema } from './model-schema.js';
import { maxResultChars, perToolSchema } from './per-tool.js';

const retrySchema = (defaults: { maximumAttempts: number }) =>
  z
    .strictObject({
      maximumAttempts: z.number().int().min(1).max(100).default(defaults.maximumAttempts),
      initialInterval: duration.default(1000),
      backoffCoefficient: z.number().min(1).max(10).default(2),
      maximumInterval: duration.default(30_000),
    })
    .prefault({});

export const limitsSchema = z.strictObject({
  maxSteps: z.number().int().min(1).max(1000).default(20),
  modelCallTimeout: duration.default(120_000),
  toolCallTimeout: duration.default(300_000),
  heartbeatTimeout: duration.default(30_000),
  /** Default deadline for approvals without their own `timeout`; none = wait as long as it takes. */
  approvalTimeout: duration.optional(),
  /** The whole run, from its start; none = no limit. */
  runTimeout: duration.optional(),
  /** One segment of a graph agent (from its start or a resume to the end or its next interrupts). */
  graphSegmentTimeout: duration.default(30 * 60_000),
  /**
   * A run continues as new (between steps) once its history has this many events; none = when
   * the Temporal server suggests it. Clients see one run either way.
   */
  continueAsNewAfterEvents: z.number().int().min(10).max(50_000).optional(),
  /** Largest file passed inline (its bytes travel in history); larger ones go by path or URL. */
  maxInlineFileBytes: z.number().int().positive().default(64 * 1024),
  /** Longest run input accepted, in characters; a longer one is refused before anything runs. */
  maxInputChars: z.number().int().positive().optional(),
  /** Runs executing at once across all workers; more wait in state `queued`, first come first served. */
  maxConcurrentRuns: z.number().int().min(1).max(10_000).optional(),
  /** Sub-agent runs nest at most this deep below a top-level run; a deeper call is a tool error. */
  maxAgentDepth: maxAgentDepthSchema,
  modelRetry: retrySchema({ maximumAttempts: 5 }),
  toolRetry: retrySchema({ maximumAttempts: 3 }),
});

/** What happens when nobody decides an approval in time. */
export const approvalTimeoutDecision = z.enum(['reject', 'approve', 'fail']);

/** Who may decide an approval: a person's name, or `role:<role>` for anyone asserting that role. */
export const approverRef = z
  .string()
  .trim()
  .min(1, 'an approver is a name or "role:<role>"')
  .max(200)
  .refine((v) => !/^role:\s*$/.test(v), { message: '"role:" needs a role name after it, e.g. "role:finance"' });

/**
 * A tool whose calls need approval: its name, or its name with a decision deadline and who may
 * decide. `onTimeout` is what the run does when the deadline passes (default `reject`);
 * `approvers` lists names and `role:<role>` entries (absent = anyone may decide).
 */
const approvalRuleObject = z.strictObject({
  tool: z.string().min(1),
  timeout: duration.optional(),
  onTimeout: approvalTimeoutDecision.default('reject'),
  // One approver may be written without brackets.
  approvers: z
    .preprocess(
      (v) => (typeof v === 'string' ? [v] : v),
      z.array(approverRef).min(1, 'list at least one approver, or leave `approvers` out to let anyone decide'),
    )
    .optional(),
  /**
   * Rules on the call's arguments, tried in order before anyone is asked: `decide: approve` /
   * `reject` decides it (recorded `via: policy`), `decide: ask` asks `approvals` distinct people
   * from `approvers`. No rule matches = ask the tool's `approvers` as usual.
   */
  rules: approvalRulesSchema.optional(),
  /**
   * Which standing approvals a person may give while approving a call of this tool: `thread`
   * (later calls in the same thread) and/or `agent` (later calls in any run of the agent).
   * Absent = none: every call is asked.
   */
  grants: z.array(z.enum(['thread', 'agent'])).min(1).optional(),
  /**
   * A model that looks at a call no rule decided and no grant covers, before a person is asked:
   * it may approve it (recorded `via: judge` with its reason) or escalate it to the `approvers`
   * (its reason shown to them), never reject it.
   */
  judge: judgeSchema.optional(),
  /** Webhooks for this tool's approvals, on top of the agent's `notify`. */
  notify: notifySchema,
});

const approvalRule = z.union([z.string().min(1), approvalRuleObject], {
  // zod's own union message is "Invalid input"; say what is expected and what the object form got wrong.
  error: (issue) => {
    if (issue.code !== 'invalid_union') return undefined;
    const objectIssues = (issue as { errors?: { path: PropertyKey[]; message: string }[][] }).errors?.[1] ?? [];
    const details = objectIssues.map((i) => `${i.path.map(String).join('.') || '(value)'}: ${i.message}`).join('; ');
    return `expected a tool name, or { tool, timeout?, onTimeout?: reject | approve | fail, approvers?: [name | "role:<role>"], rules?: [{ when, decide: approve | reject | ask, approvals?, approvers?, reason? }], grants?: [thread | agent], judge?: { model, instructions, timeout?, maxAttempts?, includeUserMessage? }, notify?: [{ url | urlEnv, events?, format?: json | slack, secretEnv? }] }${details ? ` (${details})` : ''}`;
  },
});

/**
 * Who decides a graph agent's interrupts, and by when: like a tool's approval rule, for every
 * `interrupt()` the graph raises.
 */
const graphApprovalSchema = approvalRuleObject.omit({ tool: true, rules: true, grants: true, judge: true, notify: true });

/** A LangGraph graph the run executes instead of the built-in model/tool loop. */
export const graphSchema = z.strictObject({
  /** The module exporting the graph, relative to the workspace file (.ts, .mts, .js, .mjs). */
  module: z.string().min(1),
  /**
   * The export: a `StateGraph` builder, a compiled graph, or a `createAgent` agent.
   * @default graph
   */
  export: z.string().min(1).default('graph'),
  approval: graphApprovalSchema.prefault({}),
  /**
   * Largest serialized checkpoint the run carries between graph segments (it travels in workflow
   * history). A bigger one fails the run with GRAPH_STATE_TOO_LARGE; keep large data out of graph
   * state and pass references instead.
   * @default 1 MB
   */
  maxCheckpointBytes: z.number().int().positive().max(1_900_000).default(1_000_000),
});

export const agentSchema = z.strictObject({
  id,
  description: z.string().default(''),
  /** A disabled agent refuses every run (with that reason) before anything runs. */
  enabled: z.boolean().default(true),
  /**
   * `loop` (default): the harness calls `model` and runs `tools`. `graph`: the run executes the
   * LangGraph graph named by `graph`, and its `interrupt()`s become approvals.
   */
  execution: z.enum(['loop', 'graph']).default('loop'),
  graph: graphSchema.optional(),
  /** The agent's model; required unless `execution: graph` (a graph calls its own models). */
  model: z.string().min(1).optional(),
  systemPrompt: z.string().default(''),
  tools: z.array(z.string().min(1)).default([]),
  /** Give the agent the built-in `ask_human` tool: the run parks until a person answers its question. */
  askHuman: z.boolean().default(false),
  /** Tools whose calls wait for a person's decision before they run. */
  requireApproval: z
    .array(approvalRule)
    .default([])
    .transform((rules) =>
      rules.map((r) => (typeof r === 'string' ? { tool: r, timeout: undefined, onTimeout: 'reject' as const } : r)),
    ),
  /** Webhooks sent when one of this agent's approvals is requested, decided or timed out. */
  notify: notifySchema,
  /** Memory settings of this agent (namespace, TTL, thread sync); needs the top-level `memory`. */
  memory: agentMemorySchema.optional(),
  /** Other agents this one may call as tools (see `sub-agent-schema.ts`). */
  subAgents: subAgentsSchema,
}).superRefine((agent, ctx) => {
  if (agent.execution === 'graph' && !agent.graph) {
    ctx.addIssue({ code: 'custom', path: ['graph'], message: 'an agent with `execution: graph` needs `graph: { module, export }`' });
  }
  if (agent.execution === 'graph' && agent.askHuman) {
    ctx.addIssue({ code: 'custom', path: ['askHuman'], message: 'a graph agent asks people through its `interrupt()`s; `askHuman` is for loop agents' });
  }
  if (agent.execution !== 'graph' && agent.graph) {
    ctx.addIssue({ code: 'custom', path: ['execution'], message: 'set `execution: graph` to run the agent\'s `graph` (or remove `graph`)' });
  }
  if (agent.execution === 'loop' && agent.model === undefined) {
    ctx.addIssue({ code: 'custom', path: ['model'], message: 'an agent needs a `model` (or `execution: graph` with a `graph`)' });
  }
  if (agent.execution === 'graph' && (agent.tools.length > 0 || agent.requireApproval.length > 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['tools'],
      message: 'a graph agent calls its own tools inside the graph; approvals come from its `interrupt()`s (configure `graph.approval`), so leave `tools` and `requireApproval` out',
    });
  }
  if (agent.execution === 'graph' && agent.subAgents.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['subAgents'],
      message: 'a graph agent calls its own tools inside the graph, so it cannot delegate through `subAgents`; a loop agent may list this graph agent as its sub-agent instead',
    });
  }
});


/**
 * Tools: the module that exports them, and how much of a result the model gets, for every tool
 * (`maxResultChars`, default 100,000) or per tool by name (MCP and memory tools included). A module
 * tool may be declared `local` (see `local-tools.ts`).
 */
export const toolsSchema = z.strictObject({
  module: z.string().min(1).optional(),
  maxResultChars: maxResultChars.optional(),
  perTool: z.record(z.string().min(1), perToolSchema).optional(),
  /** Tools whose result the caller's app supplies (`execution: client`), by name. */
  client: z.record(z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'a tool name: letters, digits, _ and -, at most 64'), clientToolSchema).optional(),
});

export const workspaceSchema = z.strictObject({
  version: z.literal(1).default(1),
  // Only `loop` agents need a model (each names its own), so a workspace of graph agents may have none.
  models: z.record(id, modelSchema).default({}),
  tools: toolsSchema.optional(),
  /** MCP servers whose tools agents list as `mcp__<server>__<tool>` (or `mcp__<server>__*`). */
  mcp: mcpSchema.optional(),
  agents: z.array(agentSchema).min(1, 'declare at least one agent'),
  /** The agent for runs that name none (or `auto`) when no routing rule or router picks one. */
  defaultAgent: z.string().optional(),
  routing: routingSchema.optional(),
  policies: policiesSchema.default([]),
  limits: limitsSchema.prefault({}),
  /** Long-term memory: store, embeddings, namespaces. Agents use it through the memorize/recall/forget tools. */
  memory: memorySchema.optional(),
  threads: z
    .strictObject({
      /** A message sent while a run of the thread is active: queue it, refuse it, or cancel the active run. */
      onBusy: z.enum(['enqueue', 'reject', 'interrupt']).default('enqueue'),
    })
    .prefault({}),
});

export type WorkspaceConfig = z.output<typeof workspaceSchema>;
export type {
  AnthropicModelConfig,
  BedrockModelConfig,
  GoogleModelConfig,
  ModelConfig,
  OllamaModelConfig,
  OpenAIModelConfig,
  ScriptedModelConfig,
} from './model-schema.js';
export { modelSchema, openaiModelSchema, scriptedModelSchema } from './model-schema.js';
export type AgentConfig = z.output<typeof agentSchema>;
export type LimitsConfig = z.output<typeof limitsSchema>;
export type GraphConfig = z.output<typeof graphSchema>;
