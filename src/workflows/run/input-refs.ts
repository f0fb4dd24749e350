/**
 * A big run input (or inline file) is stored by reference before anything else runs, by the
 * `storeContent` activity, so the run's transcript, `toolContext` and result carry a reference and
 * a preview, never megabytes. Small inputs schedule nothing (their history is unchanged).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { HarnessActivities } from '../../activities/index.js';
import type { RunLedger } from './ledger.js';

// Storing is idempotent (content-keyed blobs), so retries are safe; a store that stays down fails the run.
const contents = proxyActivities<HarnessActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 10, initialInterval: '1s', maximumInterval: '30s' },
});

/** Keeps the run's big first message and inline files by reference. */
export async function keepInputByReference(ledger: RunLedger): Promise<void> {
  await ledger.keepInputByReference((text) => contents.storeContent.executeWithOptions({ summary: 'store the run input by reference' }, [{ text }]));
}
