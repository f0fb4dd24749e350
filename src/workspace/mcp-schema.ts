/**
 * The `mcp` section of the workspace file: MCP servers whose tools agents may use, named
 * `mcp__<server>__<tool>`. Secrets are never written here: `env` and `headers` values may refer
 * to the worker's environment variables as `${NAME}`, expanded on the worker when it connects.
 */
import { z } from 'zod';

/** A server's name becomes part of its tools' names, so it is kept to what model APIs accept. */
export const mcpServerName = z
  .string()
  .regex(/^[A-Za-z0-9-]+(_[A-Za-z0-9-]+)*$/, 'expected letters, digits, "-" and single "_" (it becomes part of tool names mcp__<server>__<tool>)');

/** A value that may contain `${ENV_VAR}` references (expanded on the worker, never stored). */
const templated = z.string().max(4096);

/** Who decides whether a server's tools need approval when `requireApproval` does not name them. */
export const mcpApproval = z.enum(['annotations', 'always', 'never']);

const common = {
  /**
   * `annotations` (default): a tool the server marks `destructiveHint: true` (and not
   * `readOnlyHint: true`) waits for approval; `always`: every tool; `never`: none. Rules in an
   * agent's `requireApproval` apply in every case.
   */
  approval: mcpApproval.default('annotations'),
};

const stdioServer = z.strictObject({
  ...common,
  /** The program to start, e.g. `npx` or `node`; it speaks MCP on its stdin/stdout. */
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  /** Variables for the process, e.g. `{ GITHUB_TOKEN: "${GITHUB_TOKEN}" }` (PATH, HOME… are passed anyway). */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name'), templated).default({}),
  /** Working directory, relative to the workspace file. */
  cwd: z.string().min(1).optional(),
});

const httpServer = z.strictObject({
  ...common,
  /** A Streamable HTTP MCP endpoint, e.g. `https://mcp.example.com/mcp`. */
  url: z.url(),
  /** Request headers, e.g. `{ Authorization: "Bearer ${EXAMPLE_TOKEN}" }`. */
  headers: z.record(z.string().min(1), templated).default({}),
});

export const mcpServerSchema = z.union([stdioServer, httpServer], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected a local server { command, args?, env?, cwd?, approval? } or a remote one { url, headers?, approval? }' : undefined,
});

export const mcpSchema = z.strictObject({
  servers: z.record(mcpServerName, mcpServerSchema),
});

export type McpConfig = z.output<typeof mcpSchema>;
export type McpServerConfig = z.output<typeof mcpServerSchema>;
export type McpStdioServerConfig = z.output<typeof stdioServer>;
export type McpHttpServerConfig = z.output<typeof httpServer>;
