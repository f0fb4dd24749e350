/** Provider packages are optional peer dependencies: loaded on first use, with a clear error when absent. */
import { ModelConfigError } from '../errors.js';

/**
 * Runs `load` (a literal `import()` of `pkg`, so bundlers and the compiler see it) and turns a
 * "module not found" for that package into an error naming the package to install.
 * @throws {ModelConfigError} when `pkg` is not installed; any other import failure as is.
 */
export async function importProvider<T>(modelId: string, provider: string, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && (e.message ?? '').includes(pkg);
    if (!missing) throw err;
    throw new ModelConfigError(
      'MODEL_CONFIG',
      `Model "${modelId}" uses provider "${provider}", which needs the package ${pkg}; it is not installed where this worker runs. Install it next to temporal-harness (npm install ${pkg}) and restart the worker.`,
      { cause: err },
    );
  }
}
