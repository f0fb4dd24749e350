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
 * Node's errors when a TypeScript module in a folder without `"type": "module"` is loaded as
 * CommonJS by a loader that only hooks ES modules (`tsx/esm` registered, as `harness` does):
 * the module's own ESM `import`s then make Node `require()` an ES module.
 */
const LOADED_AS_COMMONJS = new Set(['ERR_REQUIRE_CYCLE_MODULE', 'ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE']);

/**
 * Imports a tools module. From the compiled package under plain Node, a `.ts` module cannot be
 * imported as is, so it goes through tsx's scoped `tsImport` (loaded only then): its loader
 * applies to this module and what it imports, not to the rest of the app. From our sources the
 * process already transpiles TypeScript (tsx, vitest), so a plain import keeps one module graph,
 * unless that loader makes a `.ts` module in a folder without `"type": "module"` CommonJS: then
 * `tsImport` loads it whatever its package type.
 * @throws what the import threw; for an ES module its package declares CommonJS, an error saying what to change.
 */
export async function importModule(modulePath: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(modulePath).href;
  if (!RUNNING_FROM_SOURCES && /\.[mc]?ts$/.test(modulePath)) return tsImportModule(url);
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if (LOADED_AS_COMMONJS.has((err as { code?: string }).code ?? '')) return tsImportModule(url);
    if (err instanceof SyntaxError && /import statement outside a module|Unexpected token 'export'/.test(err.message)) {
      throw new Error(
        `Node loads it as CommonJS (its package.json says "type": "commonjs", or its extension is .cjs/.cts), but it uses import/export: ` +
          `rename it to .mjs (or .mts), or set "type": "module" in the package.json next to it. (${err.message})`,
        { cause: err },
      );
    }
    throw err;
  }
}

async function tsImportModule(url: string): Promise<Record<string, unknown>> {
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
}
