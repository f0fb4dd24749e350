/** Loads the workspace's tools module: a TS/JS module exporting LangChain tools with zod schemas. */
import { pathToFileURL } from 'node:url';
import { isStructuredTool, type StructuredToolInterface } from '@langchain/core/tools';

/**
 * Imports `modulePath` and collects every LangChain structured tool it exports: named exports,
 * a default export that is a tool, or a default array/object of tools. Throws what `import`
 * threw; the caller wraps it with the workspace location.
 */
export async function importTools(modulePath: string): Promise<Map<string, StructuredToolInterface>> {
  const mod = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  const found = new Map<string, StructuredToolInterface>();
  const add = (value: unknown) => {
    if (isStructuredTool(value as StructuredToolInterface)) {
      const tool = value as StructuredToolInterface;
      found.set(tool.name, tool);
    }
  };
  for (const [key, value] of Object.entries(mod)) {
    if (key === 'default' && value && typeof value === 'object' && !isStructuredTool(value as StructuredToolInterface)) {
      for (const inner of Array.isArray(value) ? value : Object.values(value)) add(inner);
    } else {
      add(value);
    }
  }
  return found;
}
