/**
 * How the CLI reports failures: one clear line (or one short block for multi-issue errors such as
 * a bad workspace file) on stderr, a stable code where there is one, and no stack trace for the
 * errors a user is expected to meet. Only heavy-free modules are imported here, so `--help` stays fast.
 */
import { HarnessClientError } from '../client/errors.js';
import { WorkspaceError } from '../workspace/errors.js';

/** A CLI-level failure (bad flag value, unreachable server…), with a stable code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Errors from our own layers whose message is meant for the user as it is. */
const EXPECTED_ERROR_NAMES = new Set(['TemporalBinaryNotFoundError', 'DevServerStartError']);

/** Where the CLI tried to connect, so a connection failure can say so. */
export interface ErrorContext {
  address: string;
}

/** The message for a server the CLI cannot reach; shared by the TCP probe and error translation. */
export function unreachableMessage(address: string, detail: string): string {
  return (
    `Cannot reach the Temporal server at ${address} (${detail}). ` +
    'Start a local one with `harness dev`, or point --address / TEMPORAL_ADDRESS at yours.'
  );
}

/** Recognises the ways the SDKs say "nothing answers at that address". */
function connectionProblem(err: Error): string | undefined {
  const text = `${err.name} ${err.message}`;
  if (/Connection refused|ECONNREFUSED/.test(text)) return 'connection refused';
  if (/dns error|ENOTFOUND|Name or service not known/.test(text)) return 'host not found';
  if (/Failed to connect before the deadline/i.test(text)) return 'no answer before the connect timeout';
  if (/tcp connect error|TransportError/i.test(text)) return 'transport error';
  // gRPC UNAVAILABLE on a call: the server went away after we connected.
  if ((err as { code?: unknown }).code === 14 && /UNAVAILABLE|No connection established/i.test(text)) return 'server unavailable';
  return undefined;
}

/** A query no worker answered in time: the server gives up with DEADLINE_EXCEEDED. */
export function isQueryTimeout(err: unknown): boolean {
  return (
    err instanceof Error &&
    err.name === 'ServiceError' &&
    /query/i.test(err.message) &&
    (err.cause as { code?: unknown } | undefined)?.code === GRPC_DEADLINE_EXCEEDED
  );
}

const GRPC_DEADLINE_EXCEEDED = 4;

/** One printable block for an error, and whether it was an expected one. */
export function describeError(err: unknown, ctx: ErrorContext): { text: string; expected: boolean } {
  if (err instanceof HarnessClientError || err instanceof CliError || err instanceof WorkspaceError) {
    return { text: `error [${err.code}]: ${err.message}`, expected: true };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    if (EXPECTED_ERROR_NAMES.has(err.name)) {
      return { text: `error${typeof code === 'string' ? ` [${code}]` : ''}: ${err.message}`, expected: true };
    }
    if (err.name === 'NamespaceNotFoundError') {
      return {
        text: `error [NAMESPACE_NOT_FOUND]: ${err.message} on ${ctx.address}. Check --namespace / TEMPORAL_NAMESPACE (\`harness dev\` serves "default").`,
        expected: true,
      };
    }
    if (isQueryTimeout(err)) {
      return {
        text:
          'error [QUERY_TIMEOUT]: The run did not answer in time: no worker seems to serve its task queue. ' +
          'Start one with `harness worker` (or `harness dev`), then retry.',
        expected: true,
      };
    }
    const problem = connectionProblem(err) ?? (err.cause instanceof Error ? connectionProblem(err.cause) : undefined);
    if (problem) return { text: `error [CONNECTION_FAILED]: ${unreachableMessage(ctx.address, problem)}`, expected: true };
    return { text: `error: ${err.message || err.name}`, expected: false };
  }
  return { text: `error: ${String(err)}`, expected: false };
}

/** Prints the error on stderr and sets a failing exit code. Stack traces only with `HARNESS_DEBUG=1`. */
export function reportError(err: unknown, ctx: ErrorContext): void {
  const { text, expected } = describeError(err, ctx);
  process.stderr.write(`${text}\n`);
  if (process.env.HARNESS_DEBUG === '1' && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
  } else if (!expected) {
    process.stderr.write('(unexpected error; set HARNESS_DEBUG=1 for the stack trace)\n');
  }
  process.exitCode = 1;
}
