/**
 * The stores' drivers (`better-sqlite3`, `pg`) are optional peer dependencies: an app that does
 * not use memory installs neither (and builds no native module). A missing one is a clear error.
 */
import { MemoryError } from './errors.js';

export async function importOptional<T>(load: () => Promise<T>, pkg: string, usedBy: string): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((err as Error).message).includes(`'${pkg}'`)) {
      throw new MemoryError('MEMORY_CONFIG', `${usedBy} needs the package "${pkg}", which is not installed: run \`npm install ${pkg}\` in the worker's project.`, {
        cause: err,
      });
    }
    throw err;
  }
}
