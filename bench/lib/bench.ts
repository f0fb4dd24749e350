/** The shape every benchmark has, and the polling helpers several share. */
import type { WorkflowHandle } from '@temporalio/client';
import type { BenchContext } from './context.js';
import { statusQuery } from '../../src/workflows/run/contract.js';
import { baselineStatusQuery } from '../workflows/messages.js';
import { sleep } from './stats.js';

export interface BenchmarkOutput {
  /** Printed under the benchmark's title, in order. */
  tables: { title: string; text: string }[];
  /** One-line findings printed after the tables. */
  notes: string[];
  /** Everything measured, written to bench/results/<name>.<mode>.json. */
  data: unknown;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext, log: (line: string) => void): Promise<BenchmarkOutput>;
}

/** A short random suffix so workflow ids never collide across bench runs on a persisted server. */
export const nonce = Math.random().toString(36).slice(2, 8);

/**
 * Polls a run (agentRun or baselineAgent) with its status query until a tool call waits for
 * approval; returns that approval id. The same tight loop for both kinds, so neither is favoured.
 */
export async function waitForPending(handle: WorkflowHandle, kind: 'harness' | 'baseline', timeoutMs = 60_000, intervalMs = 2): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (kind === 'harness') {
        const status = await handle.query(statusQuery);
        if (status.pendingApprovals[0]) return status.pendingApprovals[0].approvalId;
      } else {
        const status = await handle.query(baselineStatusQuery);
        if (status.pendingApprovalId !== undefined) return status.pendingApprovalId;
      }
    } catch (err) {
      // A run whose first workflow task has not completed yet may refuse queries briefly.
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} did not wait for approval within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
