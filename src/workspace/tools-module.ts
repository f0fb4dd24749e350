/** Loads the workspace's tools module: a TS/JS module exporting LangChain tools with zod schemas. */
import { pathToFileURL } from 'node:url';
import { isStructuredTool, type StructuredToolInterface } from '@langchain/core/tools';

/**
 * Imports `modulePath` and collects every LangChain structured tool it exports: named exports,
 * a default export that is a tool, or a default array/object of tools. Throws what `import`
 * threw; the caller wraps it with the workspace location.
 */
export async function importTools(modulePath: string): Promise<Map<string, StructuredToolInterface>> {
  const mod = await importModule(modulePath);
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

/** Whether this code runs from its TypeScript sources (under tsx or vitest) or compiled to JS. */
const RUNNING_FROM_SOURCES = import.meta.url.endsWith('.ts');

/**
 * Imports a tools module. From the compiled package under plain Node, a `.ts` module cannot be
 * imported as is, so it goes through tsx's scoped `tsImport` (loaded only then): its loader
 * applies to this module and what it imports, not to the rest of the app. From our sources the
 * process already transpiles TypeScript (tsx, vitest), so a plain import keeps one module graph.
 */
export async function importModule(modulePath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(modulePath).href;
  if (RUNNING_FROM_SOURCES || !/\.[mc]?ts$/.test(modulePath)) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}
