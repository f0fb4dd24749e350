/**
 * Following a run from the terminal: prints state changes, tokens, each new pending approval with
 * the commands that decide it, and each decision, until the run ends — from the run's event stream
 * and, for tokens, its live path.
 */
import type { HarnessClient } from '../client/harness-client.js';
import type { RunHandle } from '../client/run-handle.js';
import type { HarnessEvent, HarnessEventItem } from '../workflows/run/events.js';
import { isTerminalRunState, type RunStatus } from '../workflows/run/contract.js';
import { isHarnessError } from '../common/errors.js';
import { CliError } from './errors.js';
import { c, cErr, compactJson, err, formatDecision, formatPending, out, paintState, type Target } from './output.js';

/** Whether the run has ended. */
export function isTerminal(s: RunStatus): boolean {
  return isTerminalRunState(s.state);
}

/**
 * The run's status, or a clear error when no worker answers the query: without a deadline the
 * server would keep the caller waiting 30 s and then fail with a bare "Failed to query Workflow".
 */
export async function queryStatus(client: HarnessClient, runId: string, timeoutMs = 10_000): Promise<RunStatus> {
  try {
    return await client.temporal.connection.withDeadline(Date.now() + timeoutMs, () => client.getRun(runId).status());
  } catch (e) {
    if (!isHarnessError(e, 'QUERY_TIMEOUT')) throw e;
    const described = await client.temporal.workflow.getHandle(runId).describe().catch(() => undefined);
    const queue = described?.taskQueue ?? client.settings.taskQueue;
    throw new CliError(
      'QUERY_TIMEOUT',
      `Run ${runId} did not answer its status query in ${timeoutMs / 1000} s: no worker seems to serve its task queue "${queue}". ` +
        `Start one with \`harness worker --task-queue ${queue}\` (or \`harness dev\`), then retry.`,
      { cause: e },
    );
  }
}

/**
 * Waits until `predicate` holds, for as long as it takes: waitFor's timeout only bounds one poll
 * round, and a run whose worker is not up yet is waited for (the user was told when it started).
 */
export async function waitForever(run: RunHandle, predicate: (s: RunStatus) => boolean): Promise<RunStatus> {
  let told = false;
  for (;;) {
    try {
      return await run.waitFor(predicate, { timeoutMs: 60_000 });
    } catch (e) {
      if (isHarnessError(e, 'QUERY_TIMEOUT')) {
        if (!told) err(cErr.dim('(no worker answers yet; still waiting)'));
        told = true;
        continue;
      }
      if (!isHarnessError(e, 'WAIT_TIMEOUT')) throw e;
    }
  }
}

/**
 * How the terminal follows a run's events: by default tokens come on the live path too (from a
 * worker in this process, or one sharing the payload store), as fast as `/api/chat` shows them,
 * each message's text after the log has delivered its start, so lines print in the log's order;
 * `live: false` (`--no-live`) reads the durable log alone (every event once, contiguous offsets).
 */
export function terminalEvents(run: RunHandle, options: { fromOffset?: number; live?: boolean } = {}): AsyncGenerator<HarnessEventItem> {
  return run.events({ fromOffset: options.fromOffset ?? 0, live: options.live === false ? false : 'in-order' });
}

/**
 * Prints the run as it happens, from its event stream: state changes, tokens as the model
 * writes them, tool calls and results, each pending approval with the commands that decide it,
 * and each decision. Returns the final status once the run has ended.
 */
export async function followRun(run: RunHandle, target: Target, client?: HarnessClient, options: { live?: boolean } = {}): Promise<RunStatus> {
  const printer = new EventPrinter(run.runId, target);
  for await (const { event } of terminalEvents(run, options)) printer.print(event);
  printer.endLine();
  return client ? queryStatus(client, run.runId) : run.status();
}

const clip = (s: string, n = 200) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Turns events into terminal lines; tokens are written inline as they arrive. */
export class EventPrinter {
  private inline = false;

  constructor(
    private readonly runId: string,
    private readonly target: Target,
  ) {}

  print(e: HarnessEvent): void {
    switch (e.type) {
      case 'output.delta':
        return this.write(e.text);
      case 'reasoning.delta':
        return this.write(c.dim(e.text));
      case 'output.reset':
        return this.line(c.yellow(`  (model call retried, attempt ${e.attempt}: the message starts over)`));
      case 'run.state.changed':
        return this.line(`${c.dim(e.at)}  ${paintState(e.to)}`);
      case 'run.routed':
        if (e.routing.via !== 'explicit') this.line(c.dim(`  routed to ${e.routing.selectedAgentId} (${e.routing.via}: ${e.routing.reason})`));
        return;
      case 'step.started':
        return this.line(c.dim(`  [step ${e.step} · ${e.model}]`));
      case 'tool.started':
        return this.line(`  ${c.cyan('→')} ${e.toolName} ${compactJson(e.input)}`);
      case 'tool.result':
        return this.line(`  ${e.isError ? c.red('✗') : c.green('←')} ${e.toolName}: ${clip(e.content)}`);
      case 'graph.node':
        return this.line(c.dim(`  · ${e.node}`));
      case 'graph.custom':
        return this.line(c.dim(`  ${clip(compactJson(e.data))}`));
      case 'subagent.started':
        return this.line(`  ${c.cyan('↳')} sub-agent ${e.path.join(' → ')} started ${c.dim(`(run ${e.runId})`)}`);
      case 'approval.requested':
        return this.line('  An approval is waiting for a decision:', ...formatPending(this.runId, e.approval, this.target, '    '));
      case 'approval.resolved':
        return this.line(...formatDecision(e.decision, '  '));
      case 'run.failed':
        return this.line(c.red(`  failed: ${e.error}`));
      default:
        return;
    }
  }

  /** Ends a line of tokens, if one is open. */
  endLine(): void {
    if (this.inline) process.stdout.write('\n');
    this.inline = false;
  }

  private write(text: string): void {
    if (!this.inline) process.stdout.write('  ');
    process.stdout.write(text);
    this.inline = true;
  }

  private line(...lines: string[]): void {
    this.endLine();
    out(...lines);
  }
}
