/**
 * The `harness` command line: a thin shell over the typed client (src/client), the worker
 * (src/worker) and the dev-server launcher (src/devserver). The command tree is ./program.ts;
 * this file runs it and reports errors.
 */
import { connectionSettingsFromEnv } from '../client/connection.js';
import { current } from './context.js';
import { reportError } from './errors.js';
import { buildProgram } from './program.js';

/** Runs the CLI; resolves once the command is done (exit code in `process.exitCode`). */
export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    await reportError(e, { address: current.ctx?.settings.address ?? connectionSettingsFromEnv().address });
  }
}

// `harness watch … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

await main();
// Everything is closed by now; should a library still hold a handle, do not hang the shell.
setTimeout(() => process.exit(), 2_000).unref();
