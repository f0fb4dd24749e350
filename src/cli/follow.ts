/**
 * Following a run from the terminal: prints state changes, each new pending approval with the
 * commands that decide it, and each decision, until the run ends. It polls `status` through
 * `RunHandle.waitFor`; a pushed event stream can replace the polling later without changing output.
 */
import { HarnessClientError } from '../client/errors.js';
import type { HarnessClient } from '../client/harness-client.js';
import type { RunHandle } from '../client/run-handle.js';
import type { RunStatus } from '../workflows/types.js';
import { CliError, isQueryTimeout } from './errors.js';
import { c, cErr, err, formatDecision, formatPending, out, paintState, type Target } from './output.js';

const TERMINAL = new Set<RunStatus['state']>(['completed', 'failed', 'cancelled']);

export function isTerminal(s: RunStatus): boolean {
  return TERMINAL.has(s.state);
}

/**
 * The run's status, or a clear error when no worker answers the query: without a deadline the
 * server would keep the caller waiting 30 s and then fail with a bare "Failed to query Workflow".
 */
export async function queryStatus(client: HarnessClient, runId: string, timeoutMs = 10_000): Promise<RunStatus> {
  try {
    return await client.temporal.connection.withDeadline(Date.now() + timeoutMs, () => client.getRun(runId).status());
  } catch (e) {
    if (!isQueryTimeout(e)) throw e;
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
      if (isQueryTimeout(e)) {
        if (!told) err(cErr.dim('(no worker answers yet; still waiting)'));
        told = true;
        continue;
      }
      if (!(e instanceof HarnessClientError && e.code === 'WAIT_TIMEOUT')) throw e;
    }
  }
}

/** Prints the run's progress until it ends; returns the final status. */
export async function followRun(run: RunHandle, target: Target): Promise<RunStatus> {
  let last: RunStatus | undefined;
  const shownPending = new Set<string>();
  const changed = (s: RunStatus) =>
    last === undefined ||
    s.state !== last.state ||
    s.approvals.length !== last.approvals.length ||
    s.pendingApprovals.some((p) => !shownPending.has(p.approvalId));

  for (;;) {
    const s = await waitForever(run, changed);
    for (const r of s.approvals.slice(last?.approvals.length ?? 0)) out(...formatDecision(r, '  '));
    if (s.state !== last?.state) out(`${c.dim(new Date().toISOString())}  ${paintState(s.state)}${s.step ? c.dim(`  (step ${s.step})`) : ''}`);
    const fresh = s.pendingApprovals.filter((p) => !shownPending.has(p.approvalId));
    if (fresh.length) {
      out(`  ${fresh.length === 1 ? 'An approval is' : `${fresh.length} approvals are`} waiting for a decision:`);
      for (const p of fresh) {
        out(...formatPending(s.runId, p, target, '    '));
        shownPending.add(p.approvalId);
      }
    }
    if (isTerminal(s)) return s;
    last = s;
  }
}
