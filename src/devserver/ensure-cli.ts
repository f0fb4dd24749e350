/**
 * Script entry (run by `npm install` via package.json's `prepare`, through bin/ensure-temporal.mjs):
 * make sure a `temporal` CLI binary exists, building it once if needed, and print its path.
 *
 * `HARNESS_SKIP_TEMPORAL_BUILD=1` skips all of it, for users who bring their own Temporal server
 * and do not want a multi-minute build during install.
 */
import { ensureTemporalBinary } from './temporal-binary.js';

const PREFIX = '[temporal-harness]';

async function main(): Promise<number> {
  if (process.env.HARNESS_SKIP_TEMPORAL_BUILD === '1') {
    console.error(
      `${PREFIX} HARNESS_SKIP_TEMPORAL_BUILD=1: not looking for or building the Temporal CLI. ` +
        'Point the harness at your own Temporal server, or run `node bin/ensure-temporal.mjs` later.',
    );
    return 0;
  }
  try {
    // Progress goes to stderr so stdout carries only the path (usable as `$(node bin/ensure-temporal.mjs)`).
    const binary = await ensureTemporalBinary({ log: (line) => console.error(`${PREFIX} ${line}`) });
    console.log(binary);
    return 0;
  } catch (err) {
    console.error(`${PREFIX} ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

process.exitCode = await main();
