/** `harness payloads gc`: delete stored payloads that no retained history references. */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { contextFrom, positiveInt, withClient } from '../context.js';
import { c, out } from '../output.js';

interface GcCliOptions {
  olderThanDays: number;
  dryRun?: boolean;
  json?: boolean;
}

export function registerPayloads(program: Command): void {
  const payloads = program
    .command('payloads')
    .summary('manage the payload store (big payloads kept by reference)')
    .description(
      'Payloads of at least HARNESS_PAYLOAD_THRESHOLD bytes (32 KiB) are kept in the payload store ' +
        '(HARNESS_PAYLOAD_STORE: a local directory by default, or PostgreSQL) and referenced from history.',
    );
  payloads
    .command('gc')
    .summary('delete stored payloads no open or retained run references')
    .description(
      "Reads the history of every open run and of every closed run the namespace still retains (and every schedule), " +
        'collects the payload references in them, and deletes the blobs of the namespace that none references and ' +
        'that nobody stored within --older-than-days. Runs, forks and threads sharing content share a blob: any one keeps it. ' +
        'It also removes what crashed workers left of the live path (tokens shared with other processes) once it is 15 minutes old: ' +
        'live files of a directory store, rows of the PostgreSQL store\'s <table>_live.',
    )
    .option('--older-than-days <n>', 'keep blobs stored (or re-stored) within this many days, referenced or not', positiveInt('--older-than-days'), 1)
    .option('--dry-run', 'count what would be deleted; delete nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ harness payloads gc --dry-run
  $ HARNESS_PAYLOAD_STORE=postgres HARNESS_PAYLOAD_POSTGRES_URL=… harness payloads gc --older-than-days 7`,
    )
    .action(async (opts: GcCliOptions, command: Command) => {
      const ctx = await contextFrom(command);
      await withClient(ctx, async (client) => {
        const { HarnessStorageDriver } = await import('../../payloads/storage-driver.js');
        const { collectPayloadGarbage } = await import('../../payloads/gc.js');
        const driver = client.temporal.options.loadedDataConverter.externalStorage?.drivers[0];
        if (!(driver instanceof HarnessStorageDriver)) {
          throw new CliError('NO_PAYLOAD_STORE', 'No payload store is configured (HARNESS_PAYLOAD_STORE=off): there is nothing to collect.');
        }
        const report = await collectPayloadGarbage({
          client: client.temporal,
          store: driver.blobs,
          olderThanMs: opts.olderThanDays * 86_400_000,
          ...(opts.dryRun && { dryRun: true }),
        });
        // The store also carries the live path of model calls (src/live/): crashed publishers leave files or rows behind.
        const { sweepStaleLive } = await import('../../live/sweep.js');
        const live = await sweepStaleLive(driver.blobs, { dryRun: opts.dryRun ?? false });
        const staleLiveFiles = live?.unit === 'file' ? live.removed : 0;
        const staleLiveRows = live?.unit === 'row' ? live.removed : 0;
        if (opts.json) return out(JSON.stringify({ ...report, staleLiveFiles, staleLiveRows }, null, 2));
        out(
          `${c.bold(driver.blobs.description)}, namespace ${report.namespace}`,
          `scanned ${report.runsScanned} runs and ${report.schedulesScanned} schedules`,
          `${report.blobs} blobs stored, ${report.referenced} of them referenced; ${opts.dryRun ? 'would delete' : 'deleted'} ${report.deleted} (${report.deletedBytes} bytes); ` +
            `${report.keptRecent} unreferenced but stored within ${opts.olderThanDays} day(s), kept` +
            (report.keptUnreadable ? `; ${report.keptUnreadable} kept under encryption keys this process lacks (set every key to collect them)` : ''),
          ...(live?.removed
            ? [`${opts.dryRun ? 'would remove' : 'removed'} ${live.removed} stale live ${live.unit}(s) (${live.where}) of model calls that ended without cleaning up`]
            : []),
        );
      });
    });
}
