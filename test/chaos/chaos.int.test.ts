/**
 * The quick chaos run: 15 runs with an approval each across two worker processes, 3 SIGKILLs
 * (during a model call, a tool call and an approval wait). `npm run chaos` is the full version.
 */
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { chaosTargets, formatChaosReport, runChaos } from '../../scripts/chaos/run-chaos.js';
import { temporalAddress } from '../support/harness.js';

describe('chaos (quick)', () => {
  it('loses no run and no approval, and no ledger effect happens twice', { timeout: 120_000 }, async () => {
    const report = await runChaos({
      runs: 15,
      kills: 3,
      concurrency: 5,
      address: temporalAddress(),
      workflowBundlePath: inject('workflowBundlePath'),
      timeoutMs: 100_000,
    });
    const targets = chaosTargets(report, { kills: 3 });
    // The table explains a failure better than any single assertion.
    expect(targets.filter((t) => !t.ok), formatChaosReport(report, targets)).toEqual([]);
    expect(report.completed).toBe(15);
    expect(report.lost).toEqual([]);
    expect(report.approvalsLost).toBe(0);
    expect(report.approvalsSent).toBe(15);
    expect(report.duplicateEffects).toBe(0);
    expect(report.ledgerEntries).toBe(15);
    expect(report.kills).toBeGreaterThanOrEqual(3);
  });
});
