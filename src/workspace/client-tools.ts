/**
 * Client tools (`tools.client` in the workspace): tools the model calls whose result the caller's
 * app (a browser, the CLI) supplies by the `supplyToolResult` update. They join the workspace's
 * tools so agents list them, models bind them and references are checked like any tool; their
 * code never runs (the workflow handles their calls, `execution: client` in the agent spec).
 */
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';

/** One client tool: what the model is told, the JSON Schema of its input and, optionally, of its result. */
export const clientToolSchema = z.strictObject({
  description: z.string().min(1),
  /** JSON Schema of the input (an object schema). */
  input: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
  /** JSON Schema the supplied result must match; absent = any JSON value. */
  output: z.record(z.string(), z.unknown()).optional(),
});

export type ClientToolConfig = z.infer<typeof clientToolSchema>;

/** The client tools as workspace tools (their `invoke` refuses: the caller's app supplies results). */
export function clientTools(config: Record<string, ClientToolConfig> | undefined): Map<string, StructuredToolInterface> {
  const tools = new Map<string, StructuredToolInterface>();
  for (const [name, c] of Object.entries(config ?? {})) {
    const t = tool(
      () => {
        throw new Error(`"${name}" is a client tool: the caller's app supplies its result (supplyToolResult); it never runs in a worker.`);
      },
      { name, description: c.description, schema: c.input as never },
    );
    // Marked, so the loader tells a client tool from a module tool of the same name.
    tools.set(name, Object.assign(t, { clientTool: true as const }) as unknown as StructuredToolInterface);
  }
  return tools;
}
