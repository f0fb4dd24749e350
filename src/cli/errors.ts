/**
 * How the CLI reports failures: one clear line (or one short block for multi-issue errors such as
 * a bad workspace file) on stderr, a stable code where there is one, and no stack trace for the
 * errors a user is expected to meet. The library has already classified every failure into a
 * coded error; this module only adds the CLI's own hints (flags and commands the library's
 * messages never name). Only light modules load up front, so `--help` stays fast.
 */
import { HarnessError } from '../common/errors.js';

/** A CLI-level failure (bad flag value, port in use…), with a stable code; its message is already CLI-worded. */
export class CliError extends HarnessError {
  override readonly name = 'CliError';
}

/** Where the CLI tried to connect, so a connection failure can say so. */
export interface ErrorContext {
  /** host:port of the Temporal server the command used. */
  address: string;
}

/** What to do next, in the CLI's words, for the library's codes that have a CLI remedy. */
const HINTS: Readonly<Record<string, (ctx: ErrorContext) => string>> = {
  RUN_NOT_FOUND: () => 'Check the id with `harness list`.',
  AMBIGUOUS_APPROVAL: () => 'Name one with --approval <id>.',
  APPROVER_NOT_ALLOWED: () => 'Decide as an allowed approver: --by NAME, or --role ROLE for `role:` approvers.',
  SCHEDULE_NOT_FOUND: () => 'List them with `harness schedule list`.',
  WORKSPACE_NOT_FOUND: () => 'Pass --workspace <file>, or set HARNESS_WORKSPACE.',
  QUERY_TIMEOUT: () => 'Start a worker with `harness worker` (or `harness dev`), then retry.',
  UPDATE_TIMEOUT: () => 'Start a worker with `harness worker` (or `harness dev`); check with `harness status` whether the decision was recorded before retrying.',
  TEMPORAL_UNAVAILABLE: (ctx) => `Start a local one with \`harness dev\`, or point --address / TEMPORAL_ADDRESS at yours (now ${ctx.address}).`,
  NAMESPACE_NOT_FOUND: (ctx) => `Check --namespace / TEMPORAL_NAMESPACE on ${ctx.address} (\`harness dev\` serves "default").`,
  TEMPORAL_ACCESS_DENIED: () => 'Check TEMPORAL_API_KEY / TEMPORAL_TLS_* and --namespace.',
};

/**
 * The CLI's hint for a library code (flags and commands to try), if it has one; for CLI errors
 * that build their own complete message.
 * @example
 * new CliError('TEMPORAL_UNAVAILABLE', `Cannot reach ${address}. ${hintFor('TEMPORAL_UNAVAILABLE', { address })}`);
 */
export function hintFor(code: string, ctx: ErrorContext): string | undefined {
  return HINTS[code]?.(ctx);
}

/**
 * One printable block for an error, and whether it was an expected one (a library error with a
 * code) or a bug worth a stack trace.
 */
export function describeError(err: unknown, ctx: ErrorContext): { text: string; expected: boolean } {
  if (err instanceof HarnessError) {
    // A CliError's message is complete (worded for the CLI already); library messages get the hint.
    const hint = err instanceof CliError ? undefined : hintFor(err.code, ctx);
    const separator = err.message.includes('\n') ? '\n' : ' ';
    return { text: `error [${err.code}]: ${err.message}${hint ? `${separator}${hint}` : ''}`, expected: true };
  }
  if (err instanceof Error) return { text: `error: ${err.message || err.name}`, expected: false };
  return { text: `error: ${String(err)}`, expected: false };
}

/**
 * Prints the error on stderr and sets a failing exit code. Stack traces only with `HARNESS_DEBUG=1`.
 * A Temporal failure that reached the CLI without passing through the client (a worker's own
 * connection, say) is classified by the client's classifier first, loaded only then.
 */
export async function reportError(err: unknown, ctx: ErrorContext): Promise<void> {
  let shown = err;
  if (err instanceof Error && !(err instanceof HarnessError)) {
    const { classifyTemporalError } = await import('../client/classify.js');
    shown = classifyTemporalError(err, { kind: 'server', id: ctx.address });
  }
  const { text, expected } = describeError(shown, ctx);
  process.stderr.write(`${text}\n`);
  if (process.env.HARNESS_DEBUG === '1' && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  } else if (!expected) {
    process.stderr.write('(unexpected error; set HARNESS_DEBUG=1 for the stack trace)\n');
  }
  process.exitCode = 1;
}
