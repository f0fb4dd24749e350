/** `${NAME}` references to the worker's environment in MCP server settings. */

/** Thrown when a referenced variable is not set; names the setting and the variable, never a value. */
export class McpEnvError extends Error {
  override readonly name = 'McpEnvError';
  readonly code = 'MCP_ENV_MISSING';
  constructor(
    readonly path: string,
    readonly variable: string,
  ) {
    super(`${path} refers to \${${variable}}, which is not set on this worker; set it where the worker runs (never in the workspace file)`);
  }
}

/**
 * Replaces every `${NAME}` in `value` with that variable's value.
 * @throws {McpEnvError} when a referenced variable is unset or empty.
 */
export function expandEnvRefs(value: string, env: NodeJS.ProcessEnv, path: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const v = env[name];
    if (!v) throw new McpEnvError(path, name);
    return v;
  });
}
